// A real OpenID provider for tests: node-oidc-provider (OpenID certified) with the platform's test
// clients and users. Started by test-support's OidcProvider, which owns the accounts and writes them:
//   node provider.mjs <config.json>
// config: { port, issuer, keys (a JWKS file with private keys), redirectUris: [...],
//           postLogoutRedirectUris: [...], rolesClaim,
//           users: { <name>: { password, name, roles } },
//           resources: { <indicator>: { audience, scope } },
//           worklist: { id, secret, resource },
//           serviceClients: [ { id, secret, resource, roles, ttl?, scope? } ] }
// Prints "ready <issuer>" once it listens. Everything is in memory; nothing outlives the process.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// Test users: the password is checked (unlike oidc-provider's development interactions).
const USERS = config.users;
// Resource servers (the report-service API, the FHIR server report-service pushes to): their access
// tokens are JWTs with this audience.
const RESOURCES = config.resources;
const WORKLIST = config.worklist;
// Service accounts with client credentials: each one's resource, roles and token lifetime.
const SERVICE_CLIENTS = Object.fromEntries(config.serviceClients.map((c) => [c.id, c]));

const clients = [
  {
    client_id: WORKLIST.id,
    client_secret: WORKLIST.secret,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: config.redirectUris,
    post_logout_redirect_uris: config.postLogoutRedirectUris,
  },
  ...config.serviceClients.map((c) => ({
    client_id: c.id,
    client_secret: c.secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: c.scope,
  })),
];

function resourceOf(client) {
  return client.clientId === WORKLIST.id ? WORKLIST.resource : SERVICE_CLIENTS[client.clientId]?.resource;
}

function rolesOf(token) {
  if (token.accountId) return USERS[token.accountId]?.roles ?? [];
  return SERVICE_CLIENTS[token.clientId]?.roles ?? [];
}

const provider = new Provider(config.issuer, {
  clients,
  scopes: ['openid', 'profile', ...Object.values(RESOURCES).map((r) => r.scope)],
  jwks: JSON.parse(readFileSync(config.keys, 'utf8')),
  pkce: { required: () => true },
  cookies: { keys: ['cxr-test-provider-cookie-key'] },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  async findAccount(ctx, sub) {
    const user = USERS[sub];
    if (!user) return undefined;
    return { accountId: sub, async claims() { return { sub, name: user.name, preferred_username: sub }; } };
  },
  // First-party clients only: the hospital's sign-on grants the worklist what it asks for, no consent page.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile');
    grant.addResourceScope(WORKLIST.resource, RESOURCES[WORKLIST.resource].scope);
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    userinfo: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, client, oneOf) => oneOf ?? resourceOf(client),
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, indicator, client) => {
        const server = RESOURCES[indicator];
        if (!server || resourceOf(client) !== indicator) throw new errors.InvalidTarget();
        return { ...server, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  // The roles go into the access token under the configured claim name (what report-service reads).
  async extraTokenClaims(ctx, token) {
    const claims = { [config.rolesClaim]: rolesOf(token) };
    if (token.accountId) claims.preferred_username = token.accountId;
    return claims;
  },
  ttl: {
    AccessToken: () => 3600,
    ClientCredentials: (ctx, token, client) => SERVICE_CLIENTS[client.clientId]?.ttl ?? 600,
    IdToken: () => 3600,
    Interaction: () => 600,
    Session: () => 3600,
    Grant: () => 3600,
  },
});

const page = (uid, message) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Test hospital sign-in</title></head>
<body><h1>Test hospital sign-in</h1>${message ? `<p id="error">${message}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<input id="username" name="username" autocomplete="off" aria-label="user name">
<input id="password" name="password" type="password" aria-label="password">
<button id="sign-in" type="submit">Sign in</button></form></body></html>`;

async function interaction(req, res) {
  const [, , uid, action] = new URL(req.url, config.issuer).pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return res.end(page(uid));
  }
  if (req.method === 'POST' && action === 'login') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const user = USERS[form.get('username')];
    if (!user || user.password !== form.get('password')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(page(uid, 'Wrong user name or password.'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: form.get('username') } }, { mergeWithLastSubmission: false });
  }
  res.writeHead(405);
  return res.end();
}

const callback = provider.callback();
createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`${e.name}: ${e.message}`);
    });
  } else {
    callback(req, res);
  }
}).listen(config.port, '127.0.0.1', () => console.log(`ready ${config.issuer}`));
