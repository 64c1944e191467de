import { defineCheck, type StatusChangeEvent } from '../../src/index';
import { startHealthApp } from '../support/health-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('status transitions', () => {
  it('are reported once per change, never once per probe', async () => {
    const events: StatusChangeEvent[] = [];
    let status: 'pass' | 'warn' | 'fail' = 'pass';
    const running = await startHealthApp('express', {
      onStatusChange: (event) => events.push(event),
      checks: [defineCheck({ name: 'db', cacheTtlMs: 0, run: () => ({ status, output: status === 'pass' ? undefined : `db is ${status}` }) })],
    });
    try {
      const probe = async (times: number) => {
        for (let i = 0; i < times; i++) await running.get('/health/ready');
      };
      await probe(5); // first pass: no event
      status = 'fail';
      await probe(5);
      status = 'warn';
      await probe(3);
      status = 'pass';
      await probe(5);
      expect(events.filter((e) => e.check === 'db').map((e) => `${e.previous}->${e.current}`)).toEqual(['pass->fail', 'fail->warn', 'warn->pass']);
      expect(events.find((e) => e.current === 'fail')).toMatchObject({ output: 'db is fail', time: expect.any(String) });
    } finally {
      await running.close();
    }
  });

  it('survives a throwing onStatusChange handler', async () => {
    const running = await startHealthApp('fastify', {
      onStatusChange: () => {
        throw new Error('handler bug');
      },
      checks: [defineCheck({ name: 'db', run: () => 'fail' })],
    });
    try {
      expect((await running.get('/health/ready')).status).toBe(503);
      expect((await running.get('/health/live')).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

describe('liveness thresholds', () => {
  it('reports a blocked event loop, and never consults a dependency', async () => {
    let dependencyRuns = 0;
    const running = await startHealthApp('express', {
      liveness: { eventLoopDelay: { warnMs: 50, failMs: 60_000 }, heap: false },
      checks: [defineCheck({ name: 'db', run: () => void dependencyRuns++ })],
    });
    try {
      const before = await running.get('/health/live');
      expect(before.json.checks['process:event-loop'][0].status).toBe('pass');
      expect(before.json.checks['process:heap']).toBeUndefined();
      // Block the loop for most of a short window, as a CPU-bound handler would.
      for (let i = 0; i < 5; i++) {
        const until = Date.now() + 150;
        while (Date.now() < until);
        await sleep(5);
      }
      await sleep(1100); // past the 1 s reuse of the previous reading
      const after = await running.get('/health/live');
      expect(after.status).toBe(200);
      expect(after.json.checks['process:event-loop'][0]).toMatchObject({ status: 'warn', observedUnit: 'ms' });
      expect(after.json.checks['process:event-loop'][0].observedValue).toBeGreaterThanOrEqual(50);
      expect(dependencyRuns).toBe(0);
    } finally {
      await running.close();
    }
  });

  it('fails liveness (503) when the heap is past its fail ratio', async () => {
    const running = await startHealthApp('fastify', { liveness: { heap: { warnRatio: 0.01, failRatio: 0.011 }, eventLoopDelay: false } });
    try {
      const res = await running.get('/health/live');
      expect(res.status).toBe(503);
      expect(res.json.checks['process:heap'][0]).toMatchObject({ status: 'fail', observedUnit: 'ratio' });
      expect(res.json.checks['process:heap'][0].measurements.heapLimitBytes).toBeGreaterThan(0);
    } finally {
      await running.close();
    }
  });
});
