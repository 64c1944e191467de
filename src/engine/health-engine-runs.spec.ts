/**
 * The engine owns every run (issue 11): whatever a check does or returns, the engine answers with
 * that check's result and never wedges, piles up runs, or loses data on the way.
 */
import { defineCheck, type CheckOutcome } from './check';
import { HealthEngine } from './health-engine';
import { untilAborted } from './until-aborted';

const settings = { timeoutMs: 500, cacheTtlMs: 0, deadlineMs: 2000 };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('HealthEngine: bad values become that check’s fail, never a crash (defect 1)', () => {
  it('renders BigInt details, observedValue and measurements as numbers (or strings beyond 2^53)', async () => {
    const engine = new HealthEngine(settings);
    const check = defineCheck({
      name: 'counts',
      run: () => ({ status: 'pass', observedValue: 10n, measurements: { rows: 7n }, details: { count: 10n, huge: 2n ** 70n } }) as unknown as CheckOutcome,
    });
    const result = await engine.result(check);
    expect(result).toMatchObject({ status: 'pass', observedValue: 10, measurements: { rows: 7 }, details: { count: 10, huge: '1180591620717411303424' } });
    expect(() => JSON.stringify(result)).not.toThrow();
  });

  const throwingGetter = (key: string) =>
    Object.defineProperty({ status: 'pass' }, key, {
      enumerable: true,
      get() {
        throw new Error(`${key} getter exploded`);
      },
    });
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const unreadableMessage = () =>
    Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('no message for you');
      },
    });

  it.each([
    ['a status getter that throws', () => throwingGetter('status')],
    ['a details getter that throws', () => throwingGetter('details')],
    ['a nested details getter that throws', () => ({ status: 'pass', details: throwingGetter('inner') })],
    ['a revoked Proxy as the outcome', revoked],
    ['a revoked Proxy as details', () => ({ status: 'pass', details: revoked() })],
  ])('%s: fail with a safe description, and the next run runs (defect 2)', async (_label, outcome) => {
    const engine = new HealthEngine(settings);
    let calls = 0;
    const check = defineCheck({ name: 'odd', run: () => (++calls === 1 ? (outcome() as CheckOutcome) : 'pass') });
    const other = defineCheck({ name: 'fine', run: () => 'pass' });
    const first = await engine.evaluate([check, other]);
    expect(first.results.map((r) => [r.name, r.status])).toEqual([['odd', 'fail'], ['fine', 'pass']]);
    expect(first.results[0]!.output).toMatch(/^(check returned a result that cannot be read|check threw): /);
    expect(() => JSON.stringify(first)).not.toThrow();
    // The slot was cleared: the check runs again and recovers.
    expect((await engine.result(check)).status).toBe('pass');
    expect(calls).toBe(2);
  });

  it.each([
    ['a revoked Proxy', revoked],
    ['an error whose message getter throws', unreadableMessage],
  ])('throwing %s: fail with a safe description', async (_label, thrown) => {
    const engine = new HealthEngine(settings);
    const check = defineCheck({ name: 'thrower', run: () => { throw thrown(); } });
    const result = await engine.result(check);
    expect(result).toMatchObject({ status: 'fail', output: 'check threw: unreadable error (reading it threw)' });
  });
});

describe('HealthEngine: at most one run per check in flight (defect 3)', () => {
  it('20 probes of a check that ignores its signal start one run, not 20', async () => {
    const engine = new HealthEngine({ ...settings, timeoutMs: 30 });
    let started = 0;
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const check = defineCheck({ name: 'deaf', run: () => { started++; return hung; } });
    const outputs: string[] = [];
    for (let i = 0; i < 20; i++) outputs.push((await engine.result(check)).output ?? '');
    const pending = started; // every started run is still pending: `hung` never settled
    console.info(`runs pending after 20 probes of a signal-ignoring check: ${pending}`);
    expect(pending).toBe(1);
    expect(outputs[0]).toBe('timed out after 30 ms');
    expect(outputs.slice(1).filter((o) => !/^previous run still running after \d+ ms/.test(o))).toEqual([]);
    // Once the abandoned run settles, the next probe runs the check again.
    release();
    await hung;
    await sleep(0);
    await engine.result(check);
    expect(started).toBe(2);
  });
});

describe('HealthEngine: at most one unanswered call per check', () => {
  it('a call raced with untilAborted and left unanswered at the timeout holds the check until it settles', async () => {
    const engine = new HealthEngine({ ...settings, timeoutMs: 30 });
    let sent = 0;
    let answer!: () => void;
    const reply = new Promise<void>((resolve) => (answer = resolve));
    // Like a PING on a hung Redis connection: the driver call cannot be cancelled, the run returns at the timeout.
    const check = defineCheck({ name: 'ping', run: ({ signal }) => (sent++, untilAborted(reply, signal)) });
    const outputs: string[] = [];
    for (let i = 0; i < 20; i++) outputs.push((await engine.result(check)).output ?? '');
    expect(sent).toBe(1);
    expect(outputs[0]).toBe('timed out after 30 ms');
    expect(outputs.slice(1).filter((o) => !/^previous run still running after \d+ ms \(the check ignores its abort signal, or a call it made is unanswered\)/.test(o))).toEqual([]);
    // The dependency answers at last: the next probe asks it again.
    answer();
    await sleep(0);
    expect(await engine.result(check)).toMatchObject({ status: 'pass' });
    expect(sent).toBe(2);
  });
});

describe('HealthEngine: precedence and slow checks (defect 4)', () => {
  const vendor = (extra: Parameters<typeof defineCheck>[0] extends infer D ? Partial<D> : never = {}) =>
    defineCheck({ name: 'vendor', critical: false, suggested: { timeoutMs: 3000, cacheTtlMs: 30_000 }, run: () => 'pass', ...extra });

  it('settles precedence once: check option > module defaults the user set > factory suggestion > built-in', () => {
    const builtIn = { timeoutMs: 800, cacheTtlMs: 5000, deadlineMs: 900 };
    expect(new HealthEngine(builtIn).policy(vendor())).toMatchObject({ timeoutMs: 3000, cacheTtlMs: 30_000, refreshInBackground: true });
    expect(new HealthEngine({ ...builtIn, userDefaults: { timeoutMs: 600 } }).policy(vendor())).toMatchObject({ timeoutMs: 600, cacheTtlMs: 30_000, refreshInBackground: false });
    expect(new HealthEngine({ ...builtIn, userDefaults: { timeoutMs: 600, cacheTtlMs: 1000 } }).policy(vendor({ timeoutMs: 700 }))).toMatchObject({ timeoutMs: 700, cacheTtlMs: 1000 });
    expect(new HealthEngine(builtIn).policy(defineCheck({ name: 'db', run: () => 'pass' }))).toMatchObject({ timeoutMs: 800, cacheTtlMs: 5000, failureCacheTtlMs: 1000, failureThreshold: 1 });
  });

  it('a healthy 1.2 s vendor is never failed for being slow within its timeout: the first probe after its TTL passes', async () => {
    let now = 0;
    const engine = new HealthEngine({ timeoutMs: 800, cacheTtlMs: 5000, deadlineMs: 100 }, () => now);
    let runs = 0;
    const check = vendor({ run: async () => { runs++; await sleep(300); return 'pass' as const; } });
    // Before any result: pending, `warn` for a non-critical check.
    const first = await engine.evaluate([check]);
    expect(first.results[0]).toMatchObject({ status: 'warn', output: expect.stringContaining('first run still in progress') });
    await engine.result(check);
    now += 31_000; // past its TTL
    const afterTtl = await engine.evaluate([check]);
    console.info(`first-probe status of a slow vendor after its TTL: ${afterTtl.results[0]!.status}`);
    expect(afterTtl.results[0]!.status).toBe('pass');
    expect(runs).toBe(2); // and a refresh started behind it
  });
});

describe('HealthEngine: failures are cached briefly and tolerated up to a threshold (defect 5, failureThreshold)', () => {
  it('a recovered dependency is seen after failureCacheTtlMs, not after the whole TTL; a flood still makes one call', async () => {
    let now = 0;
    const engine = new HealthEngine({ timeoutMs: 500, cacheTtlMs: 5000, deadlineMs: 900 }, () => now);
    let down = true;
    let calls = 0;
    const check = defineCheck({ name: 'db', run: () => { calls++; return down ? 'fail' : 'pass'; } });
    expect((await engine.result(check)).status).toBe('fail');
    await Promise.all(Array.from({ length: 100 }, () => engine.result(check)));
    expect(calls).toBe(1);
    down = false;
    now += 999;
    expect((await engine.result(check)).status).toBe('fail');
    now += 2;
    expect((await engine.result(check)).status).toBe('pass');
    console.info(`recovery seen after ${now} ms with the failure cache (default failureCacheTtlMs 1000, cacheTtlMs 5000)`);
    // A good result is kept for the whole TTL.
    now += 4000;
    await engine.result(check);
    expect(calls).toBe(2);
  });

  it('module default and per-check failureCacheTtlMs; never longer than cacheTtlMs', () => {
    const engine = new HealthEngine({ timeoutMs: 500, cacheTtlMs: 5000, deadlineMs: 900, userDefaults: { failureCacheTtlMs: 250 } });
    expect(engine.policy(defineCheck({ name: 'a', run: () => 'pass' })).failureCacheTtlMs).toBe(250);
    expect(engine.policy(defineCheck({ name: 'b', failureCacheTtlMs: 2000, run: () => 'pass' })).failureCacheTtlMs).toBe(2000);
    expect(engine.policy(defineCheck({ name: 'c', cacheTtlMs: 100, run: () => 'pass' })).failureCacheTtlMs).toBe(100);
  });

  it('failureThreshold 3: warn for two failed runs in a row, fail on the third; a pass resets the count', async () => {
    const engine = new HealthEngine(settings);
    let status: 'pass' | 'fail' = 'fail';
    const check = defineCheck({ name: 'flaky', failureThreshold: 3, run: () => ({ status, output: 'lost a packet' }) });
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const r = await engine.result(check);
      seen.push([r.status, r.consecutiveFailures]);
    }
    status = 'pass';
    const ok = await engine.result(check);
    seen.push([ok.status, ok.consecutiveFailures]);
    status = 'fail';
    const again = await engine.result(check);
    seen.push([again.status, again.consecutiveFailures]);
    expect(seen).toEqual([['warn', 1], ['warn', 2], ['fail', 3], ['pass', undefined], ['warn', 1]]);
  });
});

describe('HealthEngine: details keep their data, within a size bound (defect 9)', () => {
  it('keeps Date, URL and Buffer readable, redacts the URL, and bounds the size of details', async () => {
    const engine = new HealthEngine(settings);
    const at = new Date('2026-12-01T10:00:00.000Z');
    const check = defineCheck({
      name: 'rich',
      run: () => ({
        status: 'pass',
        details: {
          at,
          url: new URL('postgres://app:s3cr3t@db:5432/app'),
          text: Buffer.from('abc'),
          bytes: Buffer.from([0, 1, 2, 255]),
          tags: new Set(['a', 'b']),
          big: Array.from({ length: 5000 }, (_, i) => `item-${i}-${'x'.repeat(50)}`),
        },
      }),
    });
    const { details } = await engine.result(check);
    expect(details).toMatchObject({ at: at.toISOString(), url: 'postgres://app:***@db:5432/app', text: 'abc', bytes: '[binary, 4 bytes]', tags: ['a', 'b'] });
    expect(JSON.stringify(details).length).toBeLessThan(12_000);
    expect((details!.big as string[]).at(-1)).toMatch(/^\[truncated\] \d+ more item/);
  });
});
