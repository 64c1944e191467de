/**
 * Reliability under dependency faults, end to end: a real app (the built library, in a child
 * process) whose Postgres and Redis are reached through TCP fault proxies this test owns, in front
 * of the shared servers (which are never stopped). Down and back, blackholed, slow, flapping: the
 * endpoints keep their deadline, the status follows the dependency, the app recovers on its own,
 * nothing leaks (pool connections, unhandled rejections) and the process never dies.
 */
import { seededRandom, testSeed } from '../bad-input/seeded-random';
import type { TcpFaultProxy } from '../support/tcp-fault-proxy';
import { checkStatus, flood, startFaultRig, type FaultApp, type FaultRig, type Probe } from './fault-app-process';

/** Scheduling slack for a loaded 2-core CI machine: the assertions are "within a bound", not "fast". */
const MARGIN_MS = 400;
/** ioredis's reconnect delay in fault-app.js (retryStrategy: () => 100). */
const REDIS_RECONNECT_MS = 100;

const SETTINGS = { timeoutMs: 400, cacheTtlMs: 500, deadlineMs: 700 };
const RECOVERY_BOUND_MS = SETTINGS.cacheTtlMs + SETTINGS.timeoutMs + MARGIN_MS;

let rig: FaultRig;
let pgProxy: TcpFaultProxy;
let redisProxy: TcpFaultProxy;
let app: FaultApp;

const ready = (probe: Probe) => probe.status === 200;
const failing = (probe: Probe) => probe.status === 503;

beforeAll(async () => {
  rig = await startFaultRig();
  ({ pgProxy, redisProxy } = rig);
  app = await rig.start(SETTINGS);
  await app.until('/health/ready', ready, 10_000);
});

afterEach(async () => {
  pgProxy.pass();
  redisProxy.pass();
  // Every test leaves a live process and a clean record, whatever it did.
  if (!app.alive) throw new Error(`the app died (exit ${app.child.exitCode ?? app.child.signalCode}):\n${app.errors}`);
  expect((await app.state()).reasons).toEqual([]);
});

afterAll(() => rig?.close());

describe('a dependency goes down, then comes back', () => {
  it('Postgres: readiness fails, then passes again without a restart within one TTL + timeout', async () => {
    await app.until('/health/ready', ready, 5000);
    pgProxy.reset(); // every connection cut, every new one refused
    // Each check has its own cache: within one TTL + timeout, both have seen the outage.
    const bothFail = (p: Probe) => checkStatus(p, 'postgres') === 'fail' && checkStatus(p, 'postgres:migrations') === 'fail';
    const down = await app.until('/health/ready', bothFail, RECOVERY_BOUND_MS);
    expect(down.probe.status).toBe(503);
    expect(checkStatus(down.probe, 'redis')).toBe('pass');
    expect(down.probe.elapsedMs).toBeLessThan(SETTINGS.deadlineMs + MARGIN_MS);

    // Stay down a little longer: the time to recover must not depend on how long the outage lasted.
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.cacheTtlMs));
    pgProxy.pass();
    const back = await app.until('/health/ready', ready, RECOVERY_BOUND_MS + 2000);
    console.info(`postgres back: ready again after ${Math.round(back.afterMs)} ms (bound ${RECOVERY_BOUND_MS} ms)`);
    expect(back.afterMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(checkStatus(back.probe, 'postgres')).toBe('pass');
    expect((await app.get('/test/query')).status).toBe(200);
  });

  it('Redis: readiness fails, then passes again within one TTL + timeout (+ the client reconnect delay)', async () => {
    await app.until('/health/ready', ready, 5000);
    redisProxy.reset();
    const down = await app.until('/health/ready', failing, RECOVERY_BOUND_MS);
    expect(checkStatus(down.probe, 'redis')).toBe('fail');
    expect(checkStatus(down.probe, 'postgres')).toBe('pass');

    await new Promise((resolve) => setTimeout(resolve, SETTINGS.cacheTtlMs));
    redisProxy.pass();
    const bound = RECOVERY_BOUND_MS + REDIS_RECONNECT_MS;
    const back = await app.until('/health/ready', ready, bound + 2000);
    console.info(`redis back: ready again after ${Math.round(back.afterMs)} ms (bound ${bound} ms)`);
    expect(back.afterMs).toBeLessThan(bound);
    expect((await app.get('/test/redis')).json).toEqual({ reply: 'PONG' });
  });
});

describe('blackholed dependencies (connections open, nothing answers)', () => {
  // No cache here: every wave of probes runs the checks, so a connection leaked per timed-out run
  // would exhaust the pool (4 connections) many times over.
  const HOLE = { timeoutMs: 250, cacheTtlMs: 0, deadlineMs: 400 };
  let uncached: FaultApp;
  beforeAll(async () => {
    uncached = await rig.start({ poolSize: 4, ...HOLE });
    await uncached.until('/health/ready', ready, 10_000);
  });

  it('answers 1,000 readiness probes within the deadline, then the pool and the client still work', async () => {
    pgProxy.blackhole();
    redisProxy.blackhole();
    const started = performance.now();
    const probes = await flood(uncached, '/health/ready', 1000, 100);
    const tookMs = performance.now() - started;
    const slowest = Math.max(...probes.map((p) => p.elapsedMs));
    console.info(`1,000 probes under a blackhole in ${Math.round(tookMs)} ms; slowest ${Math.round(slowest)} ms (deadline ${HOLE.deadlineMs} ms)`);
    expect(probes.filter((p) => p.status !== 503)).toEqual([]);
    expect(slowest).toBeLessThan(HOLE.deadlineMs + MARGIN_MS);
    const sample = probes.at(-1)!;
    for (const name of ['postgres', 'postgres:migrations', 'redis']) expect(checkStatus(sample, name)).toBe('fail');
    // Liveness never waits on a dependency.
    const live = await uncached.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.elapsedMs).toBeLessThan(MARGIN_MS);

    pgProxy.pass();
    redisProxy.pass();
    // The app's own work goes on: a normal query and a normal command, through the same pool and client.
    const query = await uncached.get('/test/query');
    expect(query).toMatchObject({ status: 200, json: { rows: [{ ok: 1 }] } });
    expect((await uncached.get('/test/redis')).json).toEqual({ reply: 'PONG' });
    const back = await uncached.until('/health/ready', ready, HOLE.timeoutMs + MARGIN_MS + 2000);
    expect(back.afterMs).toBeLessThan(HOLE.timeoutMs + MARGIN_MS);
    const { pool, unhandled, reasons } = await uncached.state();
    expect(pool.total).toBeLessThanOrEqual(pool.max);
    expect(pool.waiting).toBe(0);
    expect(unhandled).toBe(0);
    expect(reasons).toEqual([]);
    expect(uncached.alive).toBe(true);
  });
});

describe('a slow dependency (delay mode)', () => {
  const fresh = (probe: Probe, name: string, minMs: number) => Number(probe.json?.checks?.[name]?.[0]?.observedValue) >= minMs;

  it('Postgres: passes with the latency measured while under the timeout, fails at the timeout above it', async () => {
    pgProxy.delay(10); // 20 ms per round trip
    const slow = await app.until('/health/ready', (p) => fresh(p, 'postgres', 20), 3000);
    expect(slow.probe.status).toBe(200);
    expect(checkStatus(slow.probe, 'postgres')).toBe('pass');
    expect(checkStatus(slow.probe, 'postgres:migrations')).toBe('pass');

    pgProxy.delay(SETTINGS.timeoutMs); // a round trip now takes twice the timeout
    const late = await app.until('/health/ready', (p) => checkStatus(p, 'postgres') === 'fail', RECOVERY_BOUND_MS);
    expect(late.probe.status).toBe(503);
    expect(late.probe.json.checks.postgres[0].output).toBe(`timed out after ${SETTINGS.timeoutMs} ms`);
    expect(late.probe.elapsedMs).toBeLessThan(SETTINGS.deadlineMs + MARGIN_MS);

    pgProxy.pass();
    await app.until('/health/ready', ready, RECOVERY_BOUND_MS + 2000);
  });

  it('Redis: passes with the PING latency measured while under the timeout, fails at the timeout above it', async () => {
    redisProxy.delay(10);
    const slow = await app.until('/health/ready', (p) => fresh(p, 'redis', 20), 3000);
    expect(slow.probe.status).toBe(200);
    expect(checkStatus(slow.probe, 'redis')).toBe('pass');

    redisProxy.delay(SETTINGS.timeoutMs);
    const late = await app.until('/health/ready', (p) => checkStatus(p, 'redis') === 'fail', RECOVERY_BOUND_MS);
    expect(late.probe.status).toBe(503);
    expect(late.probe.json.checks.redis[0].output).toBe(`timed out after ${SETTINGS.timeoutMs} ms`);
    expect(late.probe.elapsedMs).toBeLessThan(SETTINGS.deadlineMs + MARGIN_MS);

    redisProxy.pass();
    // Replies held in the slow link still arrive in order; the client stays usable.
    await app.until('/health/ready', ready, RECOVERY_BOUND_MS + 2 * SETTINGS.timeoutMs + 2000);
    expect((await app.get('/test/redis')).json).toEqual({ reply: 'PONG' });
  });
});

describe('a flapping dependency', () => {
  it('follows the dependency up and down for 4 s of probes, never crashes, leaks nothing', async () => {
    const random = seededRandom(testSeed(8_2026));
    console.info(`flapping seed ${random.seed} (SEED=${random.seed} to replay)`);
    const modes = ['pass', 'reset', 'blackhole', 'pass', 'delay'] as const;
    const apply = (proxy: TcpFaultProxy, mode: (typeof modes)[number]) => (mode === 'delay' ? proxy.delay(30) : proxy[mode]());
    let flapping = true;
    const flapper = (async () => {
      while (flapping) {
        apply(pgProxy, random.pick(modes));
        apply(redisProxy, random.pick(modes));
        await new Promise((resolve) => setTimeout(resolve, random.int(150, 600)));
      }
    })();
    const probes: Probe[] = [];
    const until = performance.now() + 4000;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < until) {
          probes.push(await app.get('/health/ready'));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    flapping = false;
    await flapper;
    pgProxy.pass();
    redisProxy.pass();

    // Every probe got an answer, in time, and the answer is self-consistent.
    expect(probes.filter((p) => p.status !== 200 && p.status !== 503)).toEqual([]);
    expect(Math.max(...probes.map((p) => p.elapsedMs))).toBeLessThan(SETTINGS.deadlineMs + MARGIN_MS);
    for (const probe of probes) {
      const statuses = ['postgres', 'postgres:migrations', 'redis'].map((name) => checkStatus(probe, name));
      expect(probe.status === 200 ? ['pass', 'warn'] : ['fail']).toContain(probe.json.status);
      expect(statuses.includes('fail')).toBe(probe.status === 503);
    }
    const codes = new Set(probes.map((p) => p.status));
    console.info(`flapping: ${probes.length} probes, ${probes.filter(ready).length} × 200, ${probes.filter(failing).length} × 503`);
    expect(codes).toEqual(new Set([200, 503]));

    // Once the dependencies are steady again, so is the app.
    await app.until('/health/ready', ready, RECOVERY_BOUND_MS + REDIS_RECONNECT_MS + 2000);
    expect((await app.get('/test/query')).status).toBe(200);
    expect((await app.get('/test/redis')).json).toEqual({ reply: 'PONG' });
    const { unhandled, pool } = await app.state();
    expect(unhandled).toBe(0);
    expect(pool.total).toBeLessThanOrEqual(pool.max);
    expect(app.alive).toBe(true);
  });
});

describe('the detectors themselves', () => {
  it('reports an unhandled rejection in the app (so "none fired" above means something)', async () => {
    const canary = await rig.start(SETTINGS);
    expect((await canary.state()).unhandled).toBe(0);
    await canary.get('/test/reject');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await canary.state()).reasons).toEqual([expect.stringContaining('canary: deliberately unhandled')]);
    await canary.stop();
  });
});
