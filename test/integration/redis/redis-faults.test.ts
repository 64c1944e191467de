/**
 * Faults injected on the check's own redis-server and TCP proxy (never the shared Redis):
 * the check must fail within its timeout, recover with the same client, and leave nothing behind.
 */
import { Redis } from 'ioredis';
import type { HealthCheck } from '../../../src/engine/check';
import { redisCheck } from '../../../src/indicators/redis';
import { CheckRunner, sleep } from '../../support/check-runner';
import { RedisServer } from '../../support/redis-server';
import { TcpFaultProxy } from '../../support/tcp-fault-proxy';

const TIMEOUT_MS = 400;
/** Scheduling slack on a loaded CI machine; the assertions are "well within", not "fast". */
const MARGIN_MS = 250;

const runner = new CheckRunner({ timeoutMs: TIMEOUT_MS, deadlineMs: 2000 });
const evaluate = runner.evaluate.bind(runner);
const untilStatus = runner.untilStatus.bind(runner);

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  runner.close();
});

describe('redis-server killed and restarted on the same port', () => {
  let server: RedisServer;
  let client: Redis;
  let check: HealthCheck;
  beforeAll(async () => {
    server = await RedisServer.start();
    // The application's client, with ioredis defaults (offline queue on, reconnecting forever).
    client = new Redis({ port: server.port, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    check = redisCheck({ client });
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('passes while the server is up', async () => {
    expect((await evaluate(check)).status).toBe('pass');
  });

  it('fails within the timeout once the server is killed (SIGKILL)', async () => {
    await server.stop('SIGKILL');
    const { result, elapsedMs: elapsed } = await runner.timed(check);
    expect(result.status).toBe('fail');
    expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    // Later runs answer without waiting at all: once ioredis has noticed the closed socket, the client
    // is not ready; a PING sent before it noticed is kept by ioredis for resending after a reconnect,
    // and while it is unanswered the engine starts no other run (no pile-up of PINGs).
    const next = await untilStatus(check, 'fail', 1000);
    expect(next.output).toMatch(/^(Redis client is not ready \(status "(reconnecting|connecting|connect|close)"\)|previous run still running after \d+ ms)/);
    expect(next.durationMs).toBeLessThan(50);
    console.info(`redis killed: first run failed in ${elapsed} ms (timeout ${TIMEOUT_MS} ms), later runs in ${next.durationMs} ms`);
  });

  it('passes again after a restart on the same port, with the same client and no app restart', async () => {
    await server.start();
    const started = Date.now();
    const result = await untilStatus(check, 'pass', 10_000);
    expect(result.status).toBe('pass');
    expect(client.status).toBe('ready');
    console.info(`redis restarted: check passed again ${Date.now() - started} ms after the server was ready`);
  });
});

describe('redis behind a TCP proxy that faults', () => {
  let server: RedisServer;
  let proxy: TcpFaultProxy;
  let client: Redis;
  let check: HealthCheck;
  beforeAll(async () => {
    server = await RedisServer.start();
    proxy = await TcpFaultProxy.start({ targetPort: server.port });
    // maxRetriesPerRequest: 0 so commands stuck in the hung link are rejected when it is reset:
    // the late rejection of the check's PING must not surface as an unhandled rejection.
    client = new Redis({ port: proxy.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    await client.connect();
    check = redisCheck({ client });
  });
  afterEach(() => proxy.pass());
  afterAll(async () => {
    client.disconnect();
    await proxy.close();
    await server.stop();
  });

  it('reports the PING round trip as observedValue (delay mode adds latency)', async () => {
    proxy.delay(60);
    const result = await evaluate(check);
    expect(result.status).toBe('pass');
    expect(result.observedValue).toBeGreaterThanOrEqual(100); // 60 ms each way
  });

  it('fails at the timeout when replies are slower than the timeout (delay mode)', async () => {
    proxy.delay(TIMEOUT_MS * 2);
    const result = await evaluate(check);
    expect(result.status).toBe('fail');
    expect(result.output).toBe(`timed out after ${TIMEOUT_MS} ms`);
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it('fails within the timeout when the link is blackholed while the client still says ready', async () => {
    await sleep(TIMEOUT_MS * 2); // let delayed replies drain
    proxy.blackhole();
    expect(client.status).toBe('ready');
    const { result, elapsedMs: elapsed } = await runner.timed(check);
    expect(result.status).toBe('fail');
    expect(result.output).toBe(`timed out after ${TIMEOUT_MS} ms`);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    console.info(`redis blackholed: failed in ${elapsed} ms (timeout ${TIMEOUT_MS} ms)`);

    // The hung PING is still queued in ioredis (an internal, read only to prove the point); it is
    // rejected late, when the link is cut, and nothing unhandled may come of it.
    expect((client as unknown as { commandQueue: { length: number } }).commandQueue.length).toBeGreaterThan(0);
    proxy.reset();
    await sleep(100);
    expect((client as unknown as { commandQueue: { length: number } }).commandQueue.length).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it('passes again once the link heals, with the same client', async () => {
    proxy.pass();
    const result = await untilStatus(check, 'pass', 10_000);
    expect(result.status).toBe('pass');
    expect(unhandled).toEqual([]);
  });
});
