/**
 * The status page's history is a ring buffer per check: after 200,000 fresh results of 50 checks
 * (4,000 per check, 1,000-character outputs, a status change every few runs) it holds exactly its
 * bound, in entries and in bytes, and the heap stops growing once the rings are full. Measured with
 * forced GCs. (That the engine feeds the history is tested end to end in test/e2e/status-page.)
 */
import type { CheckResult } from '../../src/engine/health-engine';
import { statusTransition } from '../../src/engine/transitions';
import { CheckHistory } from '../../src/status-page/check-history';
import { STATUS_PAGE_DEFAULTS } from '../../src/status-page/status-page-options';
import { heapUsed, tick } from '../support/heap';

const CHECKS = 50;
const RESULTS = 200_000;
/** The largest entry: a 300-character output (4 bytes per character at worst), a string observed value, the fields. */
const MAX_ENTRY_BYTES = 300 * 4 + 100 * 4 + 200;

it('keeps the history of 50 checks within its bound after 200,000 results', async () => {
  const { historySize, transitionsSize } = STATUS_PAGE_DEFAULTS;
  const history = new CheckHistory({ resultsPerCheck: historySize, transitionsPerCheck: transitionsSize });
  const last = new Map<string, CheckResult>();
  let runs = 0;
  // What the engine hands its listeners (a result and the one before), recorded as StatusPageService does.
  const probe = async (results: number) => {
    for (let i = 0; i < results; i++) {
      runs++;
      const name = `check-${runs % CHECKS}`;
      const result: CheckResult = {
        name,
        critical: true,
        componentType: 'datastore',
        status: runs % 7 === 0 ? 'fail' : 'pass',
        // A long output built per run, as an error message from a remote server would be.
        output: `run ${runs}: ${'e'.repeat(1000)}`,
        observedValue: runs,
        observedUnit: 'ms',
        time: new Date().toISOString(),
        durationMs: runs % 100,
      };
      history.record(result);
      const transition = statusTransition(result, last.get(name));
      if (transition) history.recordTransition(transition, result);
      last.set(name, result);
      if (i % 5000 === 0) await tick();
    }
  };
  const empty = await heapUsed();
  await probe(RESULTS / 2);
  const half = await heapUsed();
  await probe(RESULTS / 2);
  last.clear();
  const full = await heapUsed();
  const size = history.size();
  const bound = { entries: CHECKS * (historySize + transitionsSize), bytes: CHECKS * (historySize + transitionsSize) * MAX_ENTRY_BYTES };
  console.info(
    `history of ${CHECKS} checks after ${runs} results: ${size.entries} entries, ${(size.bytes / 1024 / 1024).toFixed(2)} MB as JSON (bound ${(bound.bytes / 1024 / 1024).toFixed(2)} MB); ` +
      `heap ${((full - empty) / 1024 / 1024).toFixed(2)} MB for the whole history, ${((full - half) / 1024 / 1024).toFixed(2)} MB growth over the last 100,000 results`,
  );
  expect(runs).toBe(RESULTS);
  expect(size).toEqual({ checks: CHECKS, entries: bound.entries, bytes: expect.any(Number) });
  expect(size.bytes).toBeLessThanOrEqual(bound.bytes);
  // Full rings: the second 100,000 results replace entries, they add none.
  expect((full - half) / 1024 / 1024).toBeLessThan(1);
  // The heap holds about what the JSON says (no cut output keeps its 1,000-character original alive: that was 2.5x).
  expect(full - empty).toBeLessThan(2.5 * size.bytes);
  expect(history.snapshot(true)['check-0']!.results).toHaveLength(historySize);
});
