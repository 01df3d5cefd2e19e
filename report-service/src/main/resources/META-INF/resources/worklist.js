// Worklist for radiologists: plain JS against report-service's REST API with a bearer token: the
// signed-in user's access token from the sign-on session (/auth/session, kept in memory only), or in
// development a dev token (kept in sessionStorage).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem('cxr.token');
  let user = null; // { name, roles } of the sign-on session; dev tokens are read from their claims
  let signOn = false;
  let selected = null;
  let alertedStudies = new Set();

  function say(text) { $('status-msg').textContent = text; }

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (token) headers['Authorization'] = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) { say(signOn ? 'Your sign-in has expired: sign in again.' : 'Sign in first (401).'); throw new Error('401'); }
    if (res.status === 403) { say('Your role may not do that (403).'); throw new Error('403'); }
    if (!res.ok) {
      let msg = res.status + '';
      try { msg += ': ' + (await res.json()).error; } catch (e) { /* no body */ }
      say('Request failed ' + msg); throw new Error(msg);
    }
    return res.status === 204 ? null : res.json();
  }

  function claims(t) {
    try { return JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch (e) { return null; }
  }

  function showUser() {
    const c = user || (token && claims(token) && { name: claims(token).upn, roles: claims(token).groups || [] });
    $('who').textContent = c ? (c.name + ' (' + c.roles.join(', ') + ')') : 'not signed in';
    $('sso-login').hidden = !signOn || !!user;
    $('logout').hidden = !user;
  }

  // Sign-on with the hospital's OpenID provider, when configured: the session cookie yields the access token.
  async function loadSession() {
    const res = await fetch('/auth/session', { headers: { 'Accept': 'application/json' } });
    if (!res.ok) return;
    const s = await res.json();
    signOn = s.signOn;
    $('dev-login').hidden = !s.devAuth;
    $('paste-token').hidden = signOn;
    if (s.token) {
      sessionStorage.removeItem('cxr.token');
      token = s.token; user = { name: s.user, roles: s.roles };
    }
  }

  async function login() {
    const res = await fetch('/auth/dev-token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: $('user').value, roles: [$('role').value] }) });
    if (!res.ok) { say('Dev sign-in refused (' + res.status + '): dev-auth is off; paste a token from your identity provider.'); return; }
    setToken((await res.json()).token);
  }

  function setToken(t) {
    token = t; sessionStorage.setItem('cxr.token', t); showUser(); say('Signed in.'); refresh();
  }

  function fmtTime(iso) { return iso ? new Date(iso).toLocaleString() : ''; }
  function pct(x) { return x === null || x === undefined ? '–' : (100 * x).toFixed(1) + ' %'; }

  async function loadAlerts() {
    const alerts = await api('GET', '/api/alerts?acknowledged=false');
    alertedStudies = new Set(alerts.map((a) => a.studyInstanceUid));
    const ul = $('alerts');
    ul.innerHTML = '';
    if (!alerts.length) { ul.innerHTML = '<li class="muted">none</li>'; return; }
    for (const a of alerts) {
      const li = document.createElement('li');
      li.dataset.id = a.alertId;
      li.textContent = a.finding + ' ' + (a.state || '') + ' — accession ' + (a.accessionNumber || a.studyInstanceUid)
        + ' — "' + (a.excerpt || '') + '" (' + fmtTime(a.receivedAt) + ') ';
      const b = document.createElement('button');
      b.textContent = 'Acknowledge';
      b.className = 'ack';
      b.onclick = async () => { await api('POST', '/api/alerts/' + encodeURIComponent(a.alertId) + '/acknowledge'); say('Alert acknowledged.'); refresh(); };
      li.appendChild(b);
      ul.appendChild(li);
    }
  }

  async function loadAcceptance() {
    const rows = await api('GET', '/api/quality/acceptance');
    const tb = $('acceptance').querySelector('tbody');
    tb.innerHTML = '';
    for (const r of rows) {
      const tr = document.createElement('tr');
      tr.dataset.model = r.modelVersion;
      tr.innerHTML = '<td></td><td class="rate-accepted"></td><td class="rate-edited"></td><td class="rate-rejected"></td><td></td>';
      tr.children[0].textContent = r.modelVersion;
      tr.children[1].textContent = pct(r.acceptanceRate) + ' (' + r.accepted + ')';
      tr.children[2].textContent = pct(r.editRate) + ' (' + r.edited + ')';
      tr.children[3].textContent = pct(r.rejectionRate) + ' (' + r.rejected + ')';
      tr.children[4].textContent = r.pending;
      tb.appendChild(tr);
    }
  }

  const FINDINGS = ['ATELECTASIS', 'CARDIOMEGALY', 'CONSOLIDATION', 'PULMONARY_EDEMA', 'PLEURAL_EFFUSION', 'PNEUMOTHORAX', 'PNEUMONIA'];
  function f1(x) { return x === null || x === undefined ? '–' : x.toFixed(3); }
  async function loadQuality() {
    const q = await api('GET', '/api/quality');
    $('quality-note').textContent = 'F1 of the AI draft\'s findings against the signed final report\'s. Positive = ' + q.positive + '; '
      + q.uncertainPolicy + '. Reference: ' + q.reference + '. Week: ' + q.weekBasis + '.';
    const tb = $('quality-weeks').querySelector('tbody');
    tb.innerHTML = '';
    const rows = q.weeks.concat(q.models.map(m => Object.assign({}, m, { week: 'all weeks' })));
    rows.sort((a, b) => a.modelVersion === b.modelVersion ? String(a.week).localeCompare(String(b.week)) : a.modelVersion.localeCompare(b.modelVersion));
    for (const g of rows) {
      const tr = document.createElement('tr');
      tr.dataset.model = g.modelVersion;
      tr.dataset.week = g.week;
      const cells = [g.modelVersion, g.week, pct(g.acceptanceRate) + ' (' + g.accepted + ')', pct(g.editRate) + ' (' + g.edited + ')',
        pct(g.rejectionRate) + ' (' + g.rejected + ')', g.pending, g.compared, f1(g.macroF1PaperSix), f1(g.macroF1All)]
        .concat(FINDINGS.map(f => f1(g.findings[f].f1)));
      cells.forEach((v, i) => {
        const td = document.createElement('td');
        td.textContent = v;
        td.className = i === 7 ? 'macro-six' : i === 8 ? 'macro-all' : i === 2 ? 'q-accepted' : '';
        tr.appendChild(td);
      });
      tb.appendChild(tr);
    }
  }

  async function loadList() {
    const status = $('filter-status').value;
    const reports = await api('GET', '/api/reports?limit=500' + (status ? '&status=' + status : ''));
    const tb = $('worklist').querySelector('tbody');
    tb.innerHTML = '';
    for (const r of reports) {
      const tr = document.createElement('tr');
      tr.dataset.id = r.id;
      tr.className = 'prio-' + r.triagePriority + (r.lane === 'STAT' ? ' stat' : '') + (alertedStudies.has(r.studyInstanceUid) ? ' alerted' : '')
        + (selected === r.id ? ' selected' : '');
      for (const v of [r.triagePriority, r.lane, r.accessionNumber || r.studyInstanceUid, r.status, fmtTime(r.createdAt)]) {
        const td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
      }
      tr.onclick = () => open(r.id);
      tb.appendChild(tr);
    }
  }

  async function loadImage(id, seq) {
    const img = $('detail-image');
    if (img.dataset.id === id && !img.hidden) return;
    img.hidden = true;
    if (img.dataset.url) { URL.revokeObjectURL(img.dataset.url); delete img.dataset.url; }
    try {
      const res = await fetch('/api/reports/' + encodeURIComponent(id) + '/image', { headers: { Authorization: 'Bearer ' + token } });
      if (!res.ok || seq !== openSeq) return;
      const url = URL.createObjectURL(await res.blob());
      img.src = url; img.dataset.url = url; img.dataset.id = id; img.hidden = false;
    } catch (e) { /* no image: the report is still readable */ }
  }

  let openSeq = 0;
  async function open(id) {
    const seq = ++openSeq;
    const r = await api('GET', '/api/reports/' + encodeURIComponent(id));
    if (seq !== openSeq) return; // a later click won: never overwrite what the user is looking at

    selected = id;
    $('detail-panel').hidden = false;
    $('detail-id').textContent = r.accessionNumber || r.id;
    $('detail-panel').dataset.id = r.id;
    $('detail-status').textContent = r.status;
    $('detail-meta').textContent = 'Study ' + r.studyInstanceUid + ' · lane ' + r.lane + ' · priority ' + r.triagePriority
      + ' · model ' + r.modelVersion + (r.reviewedBy ? ' · reviewed by ' + r.reviewedBy : '');
    $('detail-text').value = r.text;
    loadImage(r.id, seq);
    const tb = $('detail-findings').querySelector('tbody');
    tb.innerHTML = '';
    for (const [f, s] of Object.entries(r.findings)) {
      const tr = document.createElement('tr');
      tr.innerHTML = '<td></td><td></td><td></td>';
      tr.children[0].textContent = f.replace('_', ' ').toLowerCase();
      tr.children[1].textContent = s; tr.children[1].className = s;
      tr.children[2].textContent = r.aiFindings[f]; tr.children[2].className = r.aiFindings[f];
      tb.appendChild(tr);
    }
    const draft = r.status === 'DRAFT';
    $('accept').disabled = !draft;
    $('reject').disabled = !draft;
    $('edit').disabled = r.status === 'REJECTED';
    for (const tr of document.querySelectorAll('#worklist tbody tr')) tr.classList.toggle('selected', tr.dataset.id === id);
  }

  async function decide(action, body) {
    if (!selected) return;
    const r = await api('POST', '/api/reports/' + encodeURIComponent(selected) + '/' + action, body);
    say('Report ' + (r.accessionNumber || r.id) + ' is now ' + r.status + '.');
    await refresh(true);
    await open(r.id);
  }

  // the quality table is one aggregate query over every report: reloaded every 30 s and after a decision, not every 3 s
  let qualityAt = 0;
  async function refresh(forceQuality) {
    if (!token) { say('Sign in to see the worklist.'); return; }
    try {
      await loadAlerts(); await loadAcceptance();
      if (forceQuality === true || Date.now() - qualityAt > 30000) { qualityAt = Date.now(); await loadQuality(); }
      await loadList();
    } catch (e) { /* message already shown */ }
  }

  $('login').onclick = login;
  $('use-token').onclick = () => setToken($('token').value.trim());
  $('filter-status').onchange = refresh;
  $('accept').onclick = () => decide('accept');
  $('edit').onclick = () => decide('edit', { text: $('detail-text').value });
  $('reject').onclick = () => decide('reject', { reason: $('reject-reason').value });
  loadSession().finally(() => { showUser(); refresh(); setInterval(refresh, 3000); });
})();
