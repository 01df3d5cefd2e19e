package org.cxrplatform.testsupport;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.cxrplatform.devstack.FreePorts;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

/**
 * A real OpenID provider: node-oidc-provider (OpenID certified) run by {@code oidc-provider/provider.mjs}
 * of this module on a free loopback port, with its test users and clients. Its npm packages are
 * installed by {@code scripts/bootstrap.sh} from the committed lock file.
 *
 * <ul>
 *   <li>{@link #WORKLIST_CLIENT}: authorization code flow with PKCE (required), for a service's sign-on;
 *       its access tokens are JWTs for audience {@link #API_AUDIENCE} with the user's roles.</li>
 *   <li>users {@link #RADIOLOGIST} (role radiologist) and {@link #ADMIN} (role admin), passwords checked.</li>
 *   <li>service clients (client credentials, secret {@code <id>-secret}): {@link #API_RADIOLOGIST},
 *       {@link #API_NO_ROLE}, {@link #API_SHORT_LIVED} (tokens live 1 s) for the API, and
 *       {@link #FHIR_CLIENT} for audience {@link #FHIR_AUDIENCE}, scope {@link #FHIR_SCOPE}.</li>
 * </ul>
 *
 * Roles are in the access token's {@link #ROLES_CLAIM} claim (not {@code groups}, so a service has
 * to be configured for it). {@link OidcTokens} obtains and verifies its tokens.
 */
public final class OidcProvider extends ManagedProcess {

    public static final String WORKLIST_CLIENT = "cxr-worklist";
    public static final String WORKLIST_SECRET = "worklist-secret-at-least-32-characters-long";
    public static final String RADIOLOGIST = "dr.rad";
    public static final String RADIOLOGIST_PASSWORD = "rad-secret";
    public static final String ADMIN = "it.admin";
    public static final String ADMIN_PASSWORD = "admin-secret";
    public static final String API_RADIOLOGIST = "api-radiologist";
    public static final String API_NO_ROLE = "api-no-role";
    public static final String API_SHORT_LIVED = "api-short-lived";
    public static final String FHIR_CLIENT = "report-service-fhir";
    public static final String API_AUDIENCE = "cxr-report-service";
    public static final String FHIR_AUDIENCE = "cxr-fhir-receiver";
    public static final String FHIR_SCOPE = "system/DiagnosticReport.write";
    public static final String ROLES_CLAIM = "roles";

    /** The resource indicators (RFC 8707) of the two resource servers the provider issues tokens for. */
    private static final String API_RESOURCE = "urn:cxr:report-service";

    private static final String FHIR_RESOURCE = "urn:cxr:fhir";

    // The accounts are defined here only; provider.mjs reads them from the configuration this class writes.

    /** A user of the sign-in page: password checked, roles into the access token. */
    private record User(String password, String name, List<String> roles) {}

    /** A resource server: the audience and scope of its access tokens (JWTs). */
    private record Resource(String audience, String scope) {}

    /**
     * A client of the provider and the tokens it gets: for the resource server {@code resource}; service
     * clients (client credentials) also name their roles, optionally a token lifetime in seconds and a scope.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Client(String id, String secret, String resource, List<String> roles, Integer ttl, String scope) {}

    private static final Map<String, User> USERS = Map.of(
            RADIOLOGIST, new User(RADIOLOGIST_PASSWORD, "Dr Rad Iologist", List.of("radiologist")),
            ADMIN, new User(ADMIN_PASSWORD, "IT Admin", List.of("admin")));

    private static final Map<String, Resource> RESOURCES = Map.of(
            API_RESOURCE, new Resource(API_AUDIENCE, "reports"),
            FHIR_RESOURCE, new Resource(FHIR_AUDIENCE, FHIR_SCOPE));

    private static final Client WORKLIST = new Client(WORKLIST_CLIENT, WORKLIST_SECRET, API_RESOURCE, null, null, null);

    private static final List<Client> SERVICE_CLIENTS = List.of(
            service(API_RADIOLOGIST, API_RESOURCE, List.of("radiologist"), null, null),
            service(API_NO_ROLE, API_RESOURCE, List.of(), null, null),
            service(API_SHORT_LIVED, API_RESOURCE, List.of("radiologist"), 1, null),
            service(FHIR_CLIENT, FHIR_RESOURCE, List.of(), null, FHIR_SCOPE));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String issuer;
    private final Path keys;

    private OidcProvider(Path script, Path config, Path log, String url, String issuer, Path keys) {
        super("oidc-provider", List.of("node", script.toString(), config.toString()), Map.of(), log);
        this.url = url;
        this.issuer = issuer;
        this.keys = keys;
    }

    /** A provider working in {@code dir} (configuration, keys, log). */
    public static Setup in(Path dir) {
        return new Setup(dir);
    }

    /** The client secret of a service client. */
    public static String secretOf(String clientId) {
        return WORKLIST_CLIENT.equals(clientId) ? WORKLIST_SECRET : clientId + "-secret";
    }

    private static Client service(String id, String resource, List<String> roles, Integer ttl, String scope) {
        return new Client(id, secretOf(id), resource, roles, ttl, scope);
    }

    /** Where it listens ({@code http://127.0.0.1:<port>}); its issuer too unless {@link Setup#issuer} named another. */
    public String url() {
        return url;
    }

    /** The {@code iss} of its tokens. */
    public String issuer() {
        return issuer;
    }

    /** A client and resource server of this provider. */
    public OidcTokens tokens() {
        return new OidcTokens(url, issuer);
    }

    /** Its signing keys (a JWKS file with the private halves): another provider started with them signs alike. */
    public Path keys() {
        return keys;
    }

    public static final class Setup {
        private final Path dir;
        private final List<String> redirectUris = new ArrayList<>();
        private final List<String> postLogoutRedirectUris = new ArrayList<>();
        private String issuer;
        private Path keys;

        private Setup(Path dir) {
            this.dir = dir;
        }

        /** Where the worklist client may be sent back to after sign-in. */
        public Setup redirectUri(String uri) {
            redirectUris.add(uri);
            return this;
        }

        /** Where the worklist client may be sent back to after sign-out. */
        public Setup postLogoutRedirectUri(String uri) {
            postLogoutRedirectUris.add(uri);
            return this;
        }

        /** Another issuer name than its own URL (its tokens then fail a service's issuer check). */
        public Setup issuer(String name) {
            this.issuer = name;
            return this;
        }

        /** Sign with these keys ({@link OidcProvider#keys()} of another provider) instead of new ones. */
        public Setup keys(Path jwks) {
            this.keys = jwks;
            return this;
        }

        /** Writes the configuration, starts node and returns once the discovery document is served. */
        public OidcProvider start() {
            int port = FreePorts.next();
            String url = "http://127.0.0.1:" + port;
            String iss = issuer != null ? issuer : url;
            try {
                Files.createDirectories(dir);
                Path jwks = keys != null ? keys : newKeys(dir.resolve("keys-" + port + ".json"));
                Map<String, Object> cfg = new LinkedHashMap<>();
                cfg.put("port", port);
                cfg.put("issuer", iss);
                cfg.put("keys", jwks.toString());
                cfg.put("redirectUris", redirectUris);
                cfg.put("postLogoutRedirectUris", postLogoutRedirectUris);
                cfg.put("rolesClaim", ROLES_CLAIM);
                cfg.put("users", USERS);
                cfg.put("resources", RESOURCES);
                cfg.put("worklist", WORKLIST);
                cfg.put("serviceClients", SERVICE_CLIENTS);
                Path config = dir.resolve("provider-" + port + ".json");
                JSON.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), cfg);
                OidcProvider provider =
                        new OidcProvider(script(), config, dir.resolve("provider-" + port + ".log"), url, iss, jwks);
                provider.start();
                String discovery = url + "/.well-known/openid-configuration";
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (Http.status(discovery) != 200) {
                    if (!provider.alive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "the OpenID provider did not start, log " + provider.log() + ":\n" + provider.tail(30));
                    }
                    ServiceProcess.sleep(100);
                }
                return provider;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Path script() throws IOException {
        Properties p = new Properties();
        try (InputStream in = OidcProvider.class.getResourceAsStream("oidc-provider.properties")) {
            p.load(in);
        }
        Path dir = Path.of(p.getProperty("dir"));
        if (!Files.isDirectory(dir.resolve("node_modules").resolve("oidc-provider"))) {
            throw new IllegalStateException("the OpenID provider's npm packages are missing in " + dir
                    + ": run scripts/bootstrap.sh (npm ci there)");
        }
        return dir.resolve("provider.mjs");
    }

    private static Path newKeys(Path file) throws IOException {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("k-" + Long.toHexString(System.nanoTime()));
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            key.setUse("sig");
            Files.writeString(file, "{\"keys\":[" + key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE) + "]}");
            return file;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
