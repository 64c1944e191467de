/**
 * The page's script (inlined, allowed by its hash in the CSP). Plain ES2020, no framework.
 * Every text from the server goes through `textContent` / `createTextNode`: nothing is ever parsed
 * as HTML, so a check output like `<img onerror=...>` shows as text. The admin token lives in
 * `sessionStorage` and travels only in the `Authorization` header, never in a URL.
 */
export const STATUS_PAGE_SCRIPT = String.raw`(() => {
'use strict';
const TOKEN_KEY = 'nestjs-deep-health:token';
const body = document.body;
const interval = Math.max(100, Number(body.dataset.interval) || 5000);
// The endpoints are siblings of the page: /<path>/ui -> /<path>/history, whatever prefix a proxy adds.
const base = location.pathname.replace(/\/+$/, '').replace(/\/[^/]*$/, '');
const $ = (id) => document.getElementById(id);
let skewMs = 0;
let downSince = 0;
let refreshes = 0;
let timer = 0;

function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child)));
  return node;
}
function svg(tag, attrs) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}
function statusClass(status) { return status === 'pass' || status === 'warn' || status === 'fail' ? 's-' + status : 's-unknown'; }
function badge(status) { return el('span', 'badge ' + statusClass(status), status || 'unknown'); }
function token() { try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; } }
function headers(extra) {
  const h = Object.assign({ Accept: 'application/json' }, extra || {});
  const t = token();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}
async function call(method, route, init) {
  const res = await fetch(base + '/' + route, Object.assign({ method, headers: headers(init && init.headers), cache: 'no-store', credentials: 'same-origin', redirect: 'error' }, init && init.body ? { body: init.body } : {}));
  let json;
  try { json = await res.json(); } catch { json = undefined; }
  return { status: res.status, json };
}
function serverNow() { return Date.now() + skewMs; }
function ago(iso) {
  const ms = serverNow() - Date.parse(iso);
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min ago';
}
function span(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}
function clock(iso) { const d = new Date(iso); return Number.isNaN(d.getTime()) ? '?' : d.toLocaleTimeString([], { hour12: false }); }
function observed(entry) {
  if (entry.observedValue === undefined) return '';
  return String(entry.observedValue) + (entry.observedUnit ? ' ' + entry.observedUnit : '');
}

function renderService(h) {
  const s = h.json || {};
  const name = s.serviceId || 'service';
  document.title = name + ' health';
  $('service-name').textContent = name;
  const parts = ['version ' + (s.version || '?')];
  if (s.releaseId) parts.push('release ' + s.releaseId);
  if (s.startedAt) parts.push('up ' + span(serverNow() - Date.parse(s.startedAt)));
  $('service-meta').textContent = parts.join(' · ');
}

function renderLayers(layers) {
  for (const [name, answer] of Object.entries(layers)) {
    const tile = $('layer-' + name);
    const status = answer.json && typeof answer.json.status === 'string' ? normalize(answer.json.status) : answer.status === 200 ? 'pass' : 'fail';
    tile.className = 'layer ' + statusClass(status);
    tile.dataset.status = status;
    tile.querySelector('.value').textContent = status;
    tile.querySelector('.code').textContent = 'HTTP ' + answer.status;
  }
}
// The terminus format says ok / degraded / error / shutting_down.
function normalize(status) { return ({ ok: 'pass', degraded: 'warn', error: 'fail', shutting_down: 'fail' })[status] || status; }

function renderBanner(ready, maintenance) {
  const banner = $('state-banner');
  const m = maintenance.json && maintenance.json.maintenance;
  const draining = ready.json && ready.json.draining;
  let text = '';
  if (draining) text = 'Draining: this instance is shutting down; readiness answers 503.';
  else if (m && m.enabled) {
    text = 'Maintenance (' + (m.scope || 'instance') + (m.readOnly ? ', read-only' : '') + '): ' + (m.reason || '') + (m.since ? ' · since ' + clock(m.since) : '') + (m.until ? ' · until ' + clock(m.until) : '');
  }
  banner.hidden = !text;
  banner.textContent = text;
}

function renderChecks(h) {
  const checks = (h.json && h.json.checks) || {};
  const rows = $('check-rows');
  const fresh = [];
  for (const name of Object.keys(checks).sort()) {
    const c = checks[name];
    const results = c.results || [];
    const last = results[results.length - 1];
    if (!last) continue;
    const row = el('tr', statusClass(last.status));
    row.dataset.check = name;
    row.dataset.status = last.status;
    const time = el('span', '', ago(last.time));
    time.title = last.time;
    const timeline = el('div', 'timeline');
    for (const r of results.slice(-40)) {
      const tick = el('span', statusClass(r.status));
      tick.title = r.status + ' at ' + clock(r.time) + ' (' + r.durationMs + ' ms)';
      timeline.append(tick);
    }
    row.append(
      el('td', '', el('strong', '', name), el('div', 'muted', c.componentType || '')),
      el('td', '', badge(last.status)),
      el('td', 'hide-narrow', c.critical ? 'critical' : 'non-critical'),
      el('td', '', time),
      el('td', '', last.durationMs + ' ms'),
      el('td', '', observed(last)),
      el('td', 'output', last.output !== undefined ? last.output : h.json.details ? '' : '—'),
      el('td', '', timeline, sparkline(results.slice(-60).map((r) => r.durationMs))),
    );
    fresh.push(row);
  }
  rows.replaceChildren(...fresh);
  $('checks-empty').hidden = fresh.length > 0;
  $('details-state').textContent = h.json && h.json.details ? 'details visible' : 'details hidden: enter the admin token to see outputs';
  body.dataset.details = h.json && h.json.details ? 'visible' : 'hidden';
}

function sparkline(values) {
  const width = 120, height = 26;
  const chart = svg('svg', { class: 'spark', viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
  const title = svg('title', {});
  const max = Math.max(1, ...values);
  title.textContent = values.length + ' results, max ' + max + ' ms';
  chart.append(title);
  if (values.length > 1) {
    const step = width / (values.length - 1);
    const points = values.map((v, i) => (i * step).toFixed(1) + ',' + (height - 2 - (v / max) * (height - 4)).toFixed(1)).join(' ');
    chart.append(svg('polyline', { points }));
  }
  chart.dataset.points = String(values.length);
  return chart;
}

function renderTransitions(h) {
  const checks = (h.json && h.json.checks) || {};
  const all = [];
  for (const [name, c] of Object.entries(checks)) {
    const list = c.transitions || [];
    list.forEach((t, i) => all.push({ name, t, until: list[i + 1] ? Date.parse(list[i + 1].time) : undefined }));
  }
  all.sort((a, b) => Date.parse(b.t.time) - Date.parse(a.t.time));
  const items = all.slice(0, 12).map(({ name, t, until }) => {
    const lasting = (until !== undefined ? until : serverNow()) - Date.parse(t.time);
    const item = el('li', '', el('strong', '', name + ': '), (t.from || 'unknown') + ' → ', el('span', 'flag ' + statusClass(t.to), t.to),
      ' at ' + clock(t.time) + ', for ' + span(lasting) + (until === undefined ? ' (now)' : ''));
    if (t.output !== undefined) item.append(el('div', 'output', t.output));
    return item;
  });
  $('transition-list').replaceChildren(...items);
  $('transitions-empty').hidden = items.length > 0;
}

function renderFleet(answer) {
  const section = $('fleet');
  if (!answer) { section.hidden = true; return; }
  section.hidden = false;
  const f = answer.json || {};
  const replicas = Array.isArray(f.replicas) ? f.replicas : [];
  const drift = $('fleet-drift');
  drift.hidden = !f.drift;
  drift.textContent = f.drift ? 'Version drift: live replicas run ' + (f.versions || []).join(', ') : '';
  $('fleet-store').textContent = f.store && f.store.reachable === false ? 'store unreachable: ' + (f.store.error || '') : '';
  const rows = replicas.map((r) => {
    const flags = [];
    if (r.self) flags.push(el('span', 'flag', 'this replica '));
    if (r.stale) flags.push(el('span', 'flag s-fail', 'stopped reporting '));
    if (r.drift) flags.push(el('span', 'flag s-warn', 'version drift '));
    if (r.maintenance) flags.push(el('span', 'flag s-warn', 'maintenance '));
    if (r.draining) flags.push(el('span', 'flag s-warn', 'draining '));
    const row = el('tr', r.stale ? 's-fail' : r.drift ? 's-warn' : statusClass(r.layers && r.layers.ready),
      el('td', '', r.id), el('td', '', r.version + (r.releaseId ? ' (' + r.releaseId + ')' : '')),
      el('td', '', badge(r.layers && r.layers.live)), el('td', '', badge(r.layers && r.layers.ready)),
      el('td', '', span(r.ageMs || 0) + ' ago'), el('td', '', ...flags));
    row.dataset.replica = r.id;
    row.dataset.version = r.version;
    row.dataset.stale = String(Boolean(r.stale));
    row.dataset.drift = String(Boolean(r.drift));
    return row;
  });
  $('fleet-rows').replaceChildren(...rows);
  body.dataset.replicas = String(replicas.length);
}

function renderAdmin(maintenance) {
  const hasToken = Boolean(token());
  $('token-clear').hidden = !hasToken;
  $('maint-form').hidden = !hasToken;
  const fleetOption = $('maint-scope').querySelector('option[value="fleet"]');
  fleetOption.disabled = !(maintenance.json && maintenance.json.fleet);
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(refresh, interval);
}

async function refresh() {
  try {
    const [live, startup, ready, deep, maintenance] = await Promise.all(['live', 'startup', 'ready', 'deep', 'maintenance'].map((r) => call('GET', r)));
    // After deep: its runs are in the history.
    const history = await call('GET', 'history');
    if (history.status !== 200) throw new Error('history answered ' + history.status);
    const fleet = history.json.fleet ? await call('GET', 'fleet') : undefined;
    if (history.json.now) skewMs = Date.parse(history.json.now) - Date.now();
    downSince = 0;
    $('conn-banner').hidden = true;
    renderService(history);
    renderLayers({ live, startup, ready, deep });
    renderBanner(ready, maintenance);
    renderChecks(history);
    renderTransitions(history);
    renderFleet(fleet);
    renderAdmin(maintenance);
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString([], { hour12: false }) + ' · every ' + (interval < 1000 ? interval + ' ms' : span(interval));
  } catch (error) {
    if (!downSince) downSince = Date.now();
    const banner = $('conn-banner');
    banner.hidden = false;
    banner.textContent = 'The app is not answering since ' + new Date(downSince).toLocaleTimeString([], { hour12: false }) + ' (' + span(Date.now() - downSince) + '); showing the last known state.';
    body.dataset.connection = 'down';
  } finally {
    if (!downSince) body.dataset.connection = 'up';
    body.dataset.refreshes = String(++refreshes);
    schedule();
  }
}

function say(text, ok) {
  const out = $('maint-result');
  out.textContent = text;
  out.className = ok ? 'muted' : 'flag s-fail';
}

async function changeMaintenance(enter) {
  const scope = $('maint-scope').value;
  try {
    const answer = enter
      ? await call('PUT', 'maintenance', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: $('maint-reason').value || 'maintenance from the status page', scope, readOnly: $('maint-readonly').checked }) })
      : await call('DELETE', 'maintenance?scope=' + encodeURIComponent(scope));
    if (answer.status === 200) say(enter ? 'Maintenance entered (' + scope + ').' : 'Maintenance left (' + scope + ').', true);
    else say('Refused (HTTP ' + answer.status + '): ' + ((answer.json && answer.json.message) || ''), false);
  } catch {
    say('No answer from the app.', false);
  }
  await refresh();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token').value.trim();
  $('token').value = '';
  try { if (value) sessionStorage.setItem(TOKEN_KEY, value); } catch { /* storage disabled: nothing kept */ }
  void refresh();
});
$('token-clear').addEventListener('click', () => {
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing kept */ }
  void refresh();
});
$('maint-form').addEventListener('submit', (event) => { event.preventDefault(); void changeMaintenance(true); });
$('maint-leave').addEventListener('click', () => void changeMaintenance(false));
void refresh();
})();
`;
