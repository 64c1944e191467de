import { createServer, type Socket } from 'node:net';
import { defineCheck, type HealthCheck } from './check';
import { HealthEngine } from './health-engine';

const settings = { timeoutMs: 500, cacheTtlMs: 0, deadlineMs: 2000 };
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

describe('HealthEngine', () => {
  it('runs checks in parallel: 10 checks of 200 ms take about 200 ms, not 2 s', async () => {
    const engine = new HealthEngine(settings);
    const checks = Array.from({ length: 10 }, (_, i) => defineCheck({ name: `c${i}`, run: ({ signal }) => sleep(200, signal) }));
    const started = Date.now();
    const evaluation = await engine.evaluate(checks);
    const elapsed = Date.now() - started;
    expect(evaluation.status).toBe('pass');
    expect(evaluation.results).toHaveLength(10);
    expect(elapsed).toBeLessThan(1000);
  });

  it('fires the signal at the timeout and reports the check as failed', async () => {
    const engine = new HealthEngine(settings);
    let seen: AbortSignal | undefined;
    const check = defineCheck({
      name: 'slow',
      timeoutMs: 100,
      run: ({ signal }) => {
        seen = signal;
        return sleep(5000, signal);
      },
    });
    const started = Date.now();
    const [result] = (await engine.evaluate([check])).results;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result).toMatchObject({ name: 'slow', status: 'fail', output: 'timed out after 100 ms' });
    expect(seen?.aborted).toBe(true);
  });

  it('releases the socket of a hung dependency when the timeout aborts', async () => {
    const sockets: Socket[] = [];
    let closed = 0;
    const server = createServer((socket) => {
      // Accepts, reads, never answers.
      sockets.push(socket);
      socket.resume();
      socket.on('close', () => closed++);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const engine = new HealthEngine(settings);
    const check = defineCheck({
      name: 'hung-http',
      timeoutMs: 150,
      run: async ({ signal }) => {
        await fetch(`http://127.0.0.1:${port}/`, { signal });
      },
    });
    try {
      const [result] = (await engine.evaluate([check])).results;
      expect(result!.status).toBe('fail');
      expect(result!.output).toBe('timed out after 150 ms');
      // The client side closed its socket: the server sees the connection end.
      await new Promise<void>((resolve) => {
        const waitClosed = () => (sockets.length > 0 && closed === sockets.length ? resolve() : setTimeout(waitClosed, 10));
        waitClosed();
      });
      expect(sockets.length).toBeGreaterThanOrEqual(1);
      expect(closed).toBe(sockets.length);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers within the deadline while a check still runs, and the late result fills the cache', async () => {
    const engine = new HealthEngine({ timeoutMs: 1000, cacheTtlMs: 60_000, deadlineMs: 100 });
    let runs = 0;
    const check = defineCheck({
      name: 'llm',
      run: async ({ signal }) => {
        runs++;
        await sleep(300, signal);
        return { status: 'pass', observedValue: 42 };
      },
    });
    const started = Date.now();
    const first = await engine.evaluate([check]);
    expect(Date.now() - started).toBeLessThan(250);
    expect(first.results[0]).toMatchObject({ status: 'fail', output: expect.stringContaining('100 ms response deadline') });
    await sleep(350);
    const second = await engine.evaluate([check]);
    expect(second.results[0]).toMatchObject({ status: 'pass', observedValue: 42 });
    expect(runs).toBe(1);
  });

  it('reuses a result for its TTL and keeps its observed time', async () => {
    let now = 1_000_000;
    const engine = new HealthEngine({ ...settings, cacheTtlMs: 5000 }, () => now);
    let runs = 0;
    const check = defineCheck({ name: 'db', run: () => void runs++ });
    const first = await engine.result(check);
    now += 4999;
    const cached = await engine.result(check);
    expect(runs).toBe(1);
    expect(cached.time).toBe(first.time);
    now += 2;
    const fresh = await engine.result(check);
    expect(runs).toBe(2);
    expect(fresh.time).not.toBe(first.time);
  });

  it('answers from fresh results synchronously, with the same evaluation while they are the same, and not once one is stale', async () => {
    let now = 1_000_000;
    const engine = new HealthEngine({ ...settings, cacheTtlMs: 5000 }, () => now);
    const checks = [defineCheck({ name: 'db', run: () => undefined }), defineCheck({ name: 'cache', cacheTtlMs: 1000, run: () => undefined })];
    expect(engine.evaluateNow(checks)).toBeUndefined();
    const evaluated = await engine.evaluate(checks);
    const first = engine.evaluateNow(checks);
    expect(first).toEqual(evaluated);
    now += 999;
    expect(engine.evaluateNow(checks)).toBe(first);
    now += 1;
    expect(engine.evaluateNow(checks)).toBeUndefined();
    await engine.evaluate(checks);
    const refreshed = engine.evaluateNow(checks);
    expect(refreshed).not.toBe(first);
    expect(refreshed!.results[0]).toBe(first!.results[0]);
  });

  it('shares one in-flight run between 100 concurrent probes (single-flight)', async () => {
    const engine = new HealthEngine(settings);
    let runs = 0;
    const check = defineCheck({ name: 'db', run: async () => { runs++; await sleep(50); } });
    const evaluations = await Promise.all(Array.from({ length: 100 }, () => engine.evaluate([check])));
    expect(runs).toBe(1);
    expect(evaluations.length).toBe(100);
    expect(evaluations.filter((e) => e.status !== 'pass')).toEqual([]);
  });

  it('serves the last result while refreshing in the background', async () => {
    let now = 0;
    const engine = new HealthEngine({ ...settings, cacheTtlMs: 1000 }, () => now);
    let value = 1;
    const check = defineCheck({ name: 'slow', refreshInBackground: true, run: async () => { await sleep(100); return { status: 'pass', observedValue: value }; } });
    expect((await engine.result(check)).observedValue).toBe(1);
    value = 2;
    now += 2000;
    const started = Date.now();
    const stale = await engine.result(check);
    expect(Date.now() - started).toBeLessThan(50);
    expect(stale.observedValue).toBe(1);
    await sleep(150);
    expect((await engine.result(check)).observedValue).toBe(2);
  });

  it('isolates a throwing check as a fail of that check, with a redacted message', async () => {
    const engine = new HealthEngine(settings);
    const checks: HealthCheck[] = [
      defineCheck({ name: 'boom', secrets: ['hunter2-secret'], run: () => { throw new Error('login failed for postgres://app:hunter2-secret@db/x'); } }),
      defineCheck({ name: 'async-boom', run: async () => Promise.reject(new TypeError('nope')) }),
      defineCheck({ name: 'bad-result', run: () => ({ status: 'great' }) as never }),
      defineCheck({ name: 'fine', run: () => 'pass' }),
    ];
    const { status, results } = await engine.evaluate(checks);
    expect(status).toBe('fail');
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(byName.boom).toMatchObject({ status: 'fail', output: 'check threw: login failed for postgres://app:***@db/x' });
    expect(byName['async-boom']).toMatchObject({ status: 'fail', output: 'check threw: nope' });
    expect(byName['bad-result']!.status).toBe('fail');
    expect(byName.fine!.status).toBe('pass');
  });

  it('tells listeners about fresh results only, not cached reads', async () => {
    const engine = new HealthEngine({ ...settings, cacheTtlMs: 60_000 });
    const seen: string[] = [];
    engine.onResult((result, previous) => seen.push(`${previous?.status ?? '-'}>${result.status}`));
    const check = defineCheck({ name: 'db', run: () => 'warn' });
    await engine.result(check);
    await engine.result(check);
    expect(seen).toEqual(['->warn']);
  });

  it('aborts running checks when closed', async () => {
    const engine = new HealthEngine({ ...settings, timeoutMs: 10_000 });
    let signal: AbortSignal | undefined;
    const check = defineCheck({ name: 'slow', run: (ctx) => { signal = ctx.signal; return sleep(10_000, ctx.signal); } });
    const pending = engine.result(check);
    await sleep(10);
    engine.close();
    const result = await pending;
    expect(result.status).toBe('fail');
    expect(signal?.aborted).toBe(true);
  });

  it('fails runs that start after close without calling the check', async () => {
    const engine = new HealthEngine(settings);
    const run = jest.fn(() => 'pass' as const);
    engine.close();
    const result = await engine.result(defineCheck({ name: 'late', run }));
    expect(result).toMatchObject({ status: 'fail', output: 'health engine is shutting down' });
    expect(run).not.toHaveBeenCalled();
  });
  it('after close answers the last result of a closed check, and keeps running the checks it was told to', async () => {
    const engine = new HealthEngine({ ...settings, cacheTtlMs: 0 });
    const db = jest.fn(() => 'pass' as const);
    const heap = jest.fn(() => 'pass' as const);
    const dbCheck = defineCheck({ name: 'db', run: db });
    const heapCheck = defineCheck({ name: 'heap', run: heap });
    const before = await engine.result(dbCheck);
    engine.close([heapCheck]);
    const after = await engine.evaluate([dbCheck, heapCheck]);
    expect(after.results[0]).toBe(before);
    expect(after.results[1]!.status).toBe('pass');
    await engine.result(heapCheck);
    expect({ db: db.mock.calls.length, heap: heap.mock.calls.length }).toEqual({ db: 1, heap: 2 });
  });
});
