import { createHash } from 'node:crypto';
import { STATUS_PAGE_CSS } from './status-page.css.js';
import { STATUS_PAGE_SCRIPT } from './status-page.script.js';

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: only its own inline script and style (by hash, so the
 * document can be cached and no per-request nonce is needed), requests to its own origin, nothing
 * from outside, no framing, no plugins, no forms posted anywhere.
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${hash(STATUS_PAGE_SCRIPT)}`,
  `style-src ${hash(STATUS_PAGE_CSS)}`,
  "connect-src 'self'",
  // The favicon is an empty data: URL, so the browser asks the app for nothing else.
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of the page besides the CSP. */
export const STATUS_PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': STATUS_PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

const LAYERS = ['live', 'startup', 'ready', 'deep'] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The whole page: one document with its style and script inline. Only the refresh interval goes
 * into it from the server; everything else (service name, checks, outputs) arrives as JSON and is
 * set as text by the script.
 */
export function renderStatusPage(settings: { refreshIntervalMs: number }): string {
  const tiles = LAYERS.map(
    (layer) => `<div class="layer" id="layer-${layer}" data-status="unknown"><div class="name">${layer}</div><div class="value">…</div><div class="code meta"></div></div>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>health</title>
<style>${STATUS_PAGE_CSS}</style>
</head>
<body data-interval="${escapeHtml(String(settings.refreshIntervalMs))}" data-refreshes="0">
<header>
<h1 id="service-name">health</h1>
<div class="meta"><span id="service-meta"></span> · <span id="updated">loading…</span></div>
<div id="conn-banner" class="banner s-fail" role="alert" hidden></div>
<div id="state-banner" class="banner s-warn" role="status" hidden></div>
</header>
<main>
<noscript><div class="banner s-warn">This page needs JavaScript; the JSON endpoints work without it.</div></noscript>
<div class="layers" aria-label="layers">${tiles}</div>
<section id="checks" aria-labelledby="checks-title">
<h2 id="checks-title">Checks</h2>
<div class="meta" id="details-state"></div>
<div class="scroll"><table>
<thead><tr><th>check</th><th>status</th><th class="hide-narrow">kind</th><th>observed</th><th>duration</th><th>value</th><th>output</th><th>recent results</th></tr></thead>
<tbody id="check-rows"></tbody>
</table></div>
<p class="muted" id="checks-empty">No results yet.</p>
</section>
<section id="transitions" aria-labelledby="transitions-title">
<h2 id="transitions-title">Transitions</h2>
<ul class="transitions" id="transition-list"></ul>
<p class="muted" id="transitions-empty">No status change since boot.</p>
</section>
<section id="fleet" aria-labelledby="fleet-title" hidden>
<h2 id="fleet-title">Fleet</h2>
<div id="fleet-drift" class="banner s-warn" hidden></div>
<div class="meta" id="fleet-store"></div>
<div class="scroll"><table>
<thead><tr><th>replica</th><th>version</th><th>live</th><th>ready</th><th>last seen</th><th></th></tr></thead>
<tbody id="fleet-rows"></tbody>
</table></div>
</section>
<section id="admin" aria-labelledby="admin-title">
<h2 id="admin-title">Operator</h2>
<form id="token-form" autocomplete="off">
<label for="token">Admin token</label>
<input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="kept in this tab only">
<button type="submit" id="token-save">Use token</button>
<button type="button" id="token-clear" hidden>Forget token</button>
</form>
<form id="maint-form" hidden>
<span id="maint-controls-label" class="muted">Maintenance:</span>
<input id="maint-reason" maxlength="200" placeholder="reason" aria-labelledby="maint-controls-label">
<select id="maint-scope" aria-label="scope"><option value="instance">this instance</option><option value="fleet">whole fleet</option></select>
<label><input type="checkbox" id="maint-readonly"> read-only</label>
<button type="submit" id="maint-enter" class="danger">Enter maintenance</button>
<button type="button" id="maint-leave">Leave maintenance</button>
<span id="maint-result" role="status"></span>
</form>
</section>
</main>
<script>${STATUS_PAGE_SCRIPT}</script>
</body>
</html>
`;
}
