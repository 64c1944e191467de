/**
 * Puts two `npm run bench` results side by side (the ratios of issue 17, per adapter):
 *   node bench/compare.mjs bench/runs/<before>.json bench/results.json
 * Prints one Markdown table: median (min–max) of the interleaved rounds, before → after.
 */
import { readFileSync } from 'node:fs';
import { ratioRows, spreadText } from './lib/ratio-rows.mjs';

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
const rows = ratioRows(t).filter(([key]) => key !== 'readyRpsVsTerminusUncached');
const text = spreadText;
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
