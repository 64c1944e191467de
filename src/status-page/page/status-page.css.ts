/** The page's stylesheet (inlined, allowed by its hash in the CSP). Colour always comes with a status word. */
export const STATUS_PAGE_CSS = `
:root { --pass: #13795b; --warn: #9a6700; --fail: #c62828; --muted: #5f6b76; --line: #d9dee3; --bg: #f6f8fa; --card: #fff; --text: #1c2329; }
@media (prefers-color-scheme: dark) { :root { --pass: #3fb68b; --warn: #e3b341; --fail: #ff6b6b; --muted: #9aa5b1; --line: #30363d; --bg: #0d1117; --card: #161b22; --text: #e6edf3; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
header, main { max-width: 1100px; margin: 0 auto; padding: 12px 16px; }
header h1 { font-size: 1.4rem; margin: 0; word-break: break-word; }
.meta { color: var(--muted); font-size: .9rem; }
.banner { margin: 8px 0; padding: 10px 14px; border-radius: 8px; font-weight: 600; border: 2px solid; }
.banner.s-fail { border-color: var(--fail); color: var(--fail); }
.banner.s-warn { border-color: var(--warn); color: var(--warn); }
[hidden] { display: none !important; }
.layers { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; margin: 12px 0; }
.layer { background: var(--card); border: 1px solid var(--line); border-left: 8px solid var(--muted); border-radius: 8px; padding: 10px 12px; }
.layer .name { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.layer .value { font-size: 1.6rem; font-weight: 700; }
.layer.s-pass { border-left-color: var(--pass); } .layer.s-warn { border-left-color: var(--warn); } .layer.s-fail { border-left-color: var(--fail); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; margin: 12px 0; }
section h2 { font-size: 1.05rem; margin: 0 0 8px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; color: var(--muted); font-weight: 600; }
tr.s-fail td:first-child { border-left: 6px solid var(--fail); } tr.s-warn td:first-child { border-left: 6px solid var(--warn); } tr.s-pass td:first-child { border-left: 6px solid var(--pass); }
tr.s-fail { background: color-mix(in srgb, var(--fail) 10%, transparent); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 700; font-size: .85rem; color: #fff; background: var(--muted); }
.badge.s-pass { background: var(--pass); } .badge.s-warn { background: var(--warn); } .badge.s-fail { background: var(--fail); }
.output { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .82rem; white-space: pre-wrap; word-break: break-word; max-width: 360px; }
.timeline { display: flex; gap: 1px; align-items: flex-end; min-width: 60px; }
.timeline span { width: 4px; height: 14px; background: var(--muted); border-radius: 1px; }
.timeline span.s-pass { background: var(--pass); } .timeline span.s-warn { background: var(--warn); height: 18px; } .timeline span.s-fail { background: var(--fail); height: 22px; }
svg.spark { width: 120px; height: 26px; display: block; }
svg.spark polyline { fill: none; stroke: currentColor; stroke-width: 1.5; }
ul.transitions { margin: 0; padding-left: 18px; }
form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 6px 0; }
input, select, button { font: inherit; padding: 6px 10px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--text); }
button { cursor: pointer; font-weight: 600; }
button.danger { border-color: var(--fail); color: var(--fail); }
.muted { color: var(--muted); }
.flag { font-weight: 700; } .flag.s-fail { color: var(--fail); } .flag.s-warn { color: var(--warn); }
@media (max-width: 600px) { .layer .value { font-size: 1.25rem; } .hide-narrow { display: none; } }
`;
