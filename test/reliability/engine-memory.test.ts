/**
 * A long-lived process runs checks forever (the liveness checks on every probe, each dependency
 * check once per TTL): the engine must not keep anything per run. Measured with forced GCs.
 *
 * The regression it guards against: on Node 20, `AbortSignal.any([runSignal, longLivedSignal])`
 * adds an entry to the long-lived signal's set of dependants that is never pruned, so an engine
 * that composed each run's signal with its lifetime signal grew by ~60 bytes per check run
 * (+3.1 MB here, before commit 5f10e5a).
 */
import { defineCheck } from '../../src/engine/check';
import { HealthEngine } from '../../src/engine/health-engine';
import { heapUsed, tick } from '../support/heap';

it('keeps no memory per check run (60,000 runs of uncached checks)', async () => {
  const engine = new HealthEngine({ timeoutMs: 800, cacheTtlMs: 0, deadlineMs: 900 });
  const checks = [defineCheck({ name: 'a', cacheTtlMs: 0, run: () => 'pass' }), defineCheck({ name: 'b', cacheTtlMs: 0, run: () => ({ status: 'pass', observedValue: 1 }) })];
  const evaluate = async (times: number) => {
    for (let i = 0; i < times; i++) {
      await engine.evaluate(checks);
      // Each probe is its own task in a server; so it is here.
      if (i % 20 === 0) await tick();
    }
  };
  try {
    await evaluate(5000); // warm up (JIT, lazily allocated structures)
    const before = await heapUsed();
    await evaluate(30_000); // 2 checks each: 60,000 runs
    const grownMb = ((await heapUsed()) - before) / 1024 / 1024;
    console.info(`engine heap growth over 60,000 check runs: ${grownMb.toFixed(2)} MB`);
    expect(grownMb).toBeLessThan(1);
  } finally {
    engine.close();
  }
  // 4 s alone; in the in-band suite the forced GCs of heapUsed() walk the heap every earlier file left.
}, 120_000);
