/**
 * Puts two `npm run bench` results side by side (the ratios of issue 17, per adapter):
 *   node bench/compare.mjs bench/runs/<before>.json bench/results.json
 * Prints one Markdown table: median (min–max) of the interleaved rounds, before → after.
 */
import { readFileSync } from 'node:fs';

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  console.error('usage: node bench/compare.mjs <before.json> <after.json>');
  process.exit(2);
}
const load = (file) => JSON.parse(readFileSync(file, 'utf8'));
const before = load(beforeFile);
const after = load(afterFile);
const adapters = after.results.map((r) => r.adapter);
const t = after.settings.targets;
const rows = [
  ['liveCpuVsBare', 'server CPU per response, `/health/live` ÷ bare Nest route', `≤ ${t.cpuVsBare}`],
  ['readyCpuVsBare', 'server CPU per response, cached `/health/ready` ÷ bare Nest route', `≤ ${t.cpuVsBare}`],
  ['liveRpsVsBare', '`/health/live` ÷ bare Nest route, req/s', `≥ ${t.rpsVsBare}`],
  ['readyRpsVsBare', 'cached `/health/ready` ÷ bare Nest route, req/s', `≥ ${t.rpsVsBare}`],
  ['readyRpsVsTerminusCached', 'cached `/health/ready` ÷ terminus 12 `.cacheFor(5000)`, req/s', `≥ ${t.rpsVsTerminusCached}`],
  ['readyTotalCpuVsTerminusUncached', 'cached `/health/ready` ÷ terminus 12 uncached, server+Postgres+Redis CPU per response', `≤ ${t.totalCpuVsTerminusUncached}`],
  ['bareSizedCpuVsBare', 'diagnostic: bare route with a /health/live-sized body ÷ bare route, server CPU per response', ''],
];
const text = (s) => (!s || s.median === null ? 'n/a' : s.min === s.max ? `${s.median}` : `${s.median} (${s.min}–${s.max})`);
const find = (report, adapter) => report.results.find((r) => r.adapter === adapter);
const lines = [
  `| ratio (median of the interleaved rounds, min–max) | ${adapters.map((a) => `${a} before | ${a} after`).join(' | ')} | goal |`,
  `|---|${adapters.map(() => '---:|---:').join('|')}|---:|`,
];
for (const [key, label, goal] of rows) {
  const cells = adapters.map((a) => `${text(find(before, a)?.summary.ratios[key])} | **${text(find(after, a)?.summary.ratios[key])}**`);
  lines.push(`| ${label} | ${cells.join(' | ')} | ${goal} |`);
}
const cpu = (report, a, key) => find(report, a)?.summary.variants[key].serverCpuUs;
lines.push(
  `| server CPU µs per response: bare / live / ready | ${adapters
    .map((a) => ['bare', 'live', 'ready'].map((k) => cpu(before, a, k)?.median).join(' / ') + ' | ' + ['bare', 'live', 'ready'].map((k) => cpu(after, a, k)?.median).join(' / '))
    .join(' | ')} | |`,
);
console.log(lines.join('\n'));
console.log(`\nbefore: ${before.machine.date}, load ${before.machine.loadAverageAtStart.join(' ')} → ${before.machine.loadAverageAtEnd.join(' ')}`);
console.log(`after:  ${after.machine.date}, load ${after.machine.loadAverageAtStart.join(' ')} → ${after.machine.loadAverageAtEnd.join(' ')}`);
