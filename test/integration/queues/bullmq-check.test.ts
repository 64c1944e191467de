import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { bullmqCheck } from '../../../src/indicators/queues';
import { RedisServer } from '../../support/redis-server';
import { CheckRunner, sleep, until } from '../../support/check-runner';
import { TcpFaultProxy } from '../../support/tcp-fault-proxy';

const TIMEOUT_MS = 1000;
const MARGIN_MS = 300;
const runner = new CheckRunner({ timeoutMs: TIMEOUT_MS });
const evaluate = runner.evaluate.bind(runner);
const connection = { host: '127.0.0.1', port: 6379 };

const runId = `deep-health-${process.pid}-${Date.now().toString(36)}`;
let sequence = 0;
const queues: Queue[] = [];
const workers: Worker[] = [];

function newQueue(): Queue {
  const queue = new Queue(`${runId}-${++sequence}`, { connection });
  queue.on('error', () => undefined);
  queues.push(queue);
  return queue;
}

function startWorker(queue: Queue, processor: (job: Job) => Promise<unknown> = async () => 'done'): Worker {
  const worker = new Worker(queue.name, processor, { connection });
  worker.on('error', () => undefined);
  workers.push(worker);
  return worker;
}

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close(true)));
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  runner.close();
});

describe('bullmqCheck against the shared Redis and real workers', () => {
  it('passes with a connected worker, named bullmq:<queue>, critical, componentType component', async () => {
    const queue = newQueue();
    const worker = startWorker(queue);
    await worker.waitUntilReady();
    const result = await until(() => evaluate(bullmqCheck({ queue })), (r) => r.status === 'pass');
    expect(result).toMatchObject({ name: `bullmq:${queue.name}`, status: 'pass', critical: true, componentType: 'component' });
    expect(result).toMatchObject({ observedValue: 0, observedUnit: 'jobs' });
    expect(result.measurements).toMatchObject({ workers: 1, waiting: 0, active: 0, paused: 0 });
  });

  it('fails when no worker is connected', async () => {
    const queue = newQueue();
    await queue.waitUntilReady();
    const result = await evaluate(bullmqCheck({ queue }));
    expect(result.status).toBe('fail');
    expect(result.output).toBe('0 workers connected, at least 1 required');
    expect(result.measurements).toMatchObject({ workers: 0 });
  });

  it('fails once the only worker goes away mid-test', async () => {
    const queue = newQueue();
    const check = bullmqCheck({ queue, minWorkers: 1 });
    const worker = startWorker(queue);
    await worker.waitUntilReady();
    expect((await until(() => evaluate(check), (r) => r.status === 'pass')).status).toBe('pass');
    await worker.close();
    const result = await until(() => evaluate(check), (r) => r.status === 'fail');
    expect(result.status).toBe('fail');
    expect(result.output).toContain('0 workers connected');
  });

  it('fails below minWorkers', async () => {
    const queue = newQueue();
    await startWorker(queue).waitUntilReady();
    const result = await until(() => evaluate(bullmqCheck({ queue, minWorkers: 2 })), (r) => r.measurements?.workers === 1);
    expect(result.status).toBe('fail');
    expect(result.output).toBe('1 worker connected, at least 2 required');
  });

  it('warns on a paused queue, and fails with failWhenPaused', async () => {
    const queue = newQueue();
    await startWorker(queue).waitUntilReady();
    await queue.pause();
    const paused = await until(() => evaluate(bullmqCheck({ queue })), (r) => r.measurements?.workers === 1);
    expect(paused.status).toBe('warn');
    expect(paused.output).toBe('queue is paused');
    expect(paused.measurements).toMatchObject({ paused: 1 });
    const strict = await evaluate(bullmqCheck({ queue, failWhenPaused: true }));
    expect(strict.status).toBe('fail');
  });

  it('warns and fails on the waiting backlog (paused jobs included)', async () => {
    const queue = newQueue();
    await queue.pause(); // nothing consumes them, whatever other tests do
    await queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'job', data: { i } })));
    const options = { queue, minWorkers: 0, failWhenPaused: false, backlogWarn: 3, backlogFail: 10 };
    const warned = await evaluate(bullmqCheck(options));
    expect(warned.status).toBe('warn');
    expect(warned.output).toContain('5 jobs waiting (threshold 3)');
    expect(warned.observedValue).toBe(5);

    await queue.addBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'job', data: { i }, opts: { priority: 1 + i } })));
    const failed = await evaluate(bullmqCheck(options));
    expect(failed.status).toBe('fail');
    expect(failed.output).toContain('10 jobs waiting (threshold 10)');
  });

  it('fails on a stuck queue: workers connected, small backlog, but the oldest job waits too long', async () => {
    const queue = newQueue();
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const worker = startWorker(queue, () => hung); // concurrency 1: the first job never finishes
    await worker.waitUntilReady();
    await queue.add('hangs', {});
    await until(() => queue.getActiveCount(), (n) => n === 1);
    await queue.add('stuck behind it', {});
    const check = bullmqCheck({ queue, maxWaitingAgeMs: 300 });
    expect((await evaluate(check)).status).toBe('pass'); // young: depth 1 and a worker, all looks fine
    await sleep(400);
    const result = await evaluate(check);
    expect(result.status).toBe('fail');
    expect(result.output).toMatch(/the oldest waiting job has waited \d+ ms \(limit 300 ms\): the queue looks stuck/);
    expect(result.measurements).toMatchObject({ workers: 1, waiting: 1, active: 1 });
    expect(result.measurements!.oldestWaitingAgeMs).toBeGreaterThanOrEqual(300);
    release();
  });

  it('warns on jobs failed within the window, and stops once they are older than the window', async () => {
    const queue = newQueue();
    await startWorker(queue, async () => {
      throw new Error('boom');
    }).waitUntilReady();
    await queue.addBulk(Array.from({ length: 3 }, () => ({ name: 'fails', data: {} })));
    await until(() => queue.getFailedCount(), (n) => n === 3);
    const check = bullmqCheck({ queue, failedWarn: 3, failedWindowMs: 600 });
    const result = await evaluate(check);
    expect(result.status).toBe('warn');
    expect(result.output).toBe('3 jobs failed in the last 600 ms (threshold 3)');
    expect(result.measurements).toMatchObject({ failedInWindow: 3, failed: 3 });
    await sleep(700);
    const later = await evaluate(check);
    expect(later.status).toBe('pass');
    expect(later.measurements).toMatchObject({ failedInWindow: 0, failed: 3 });
  });

  it('accepts a typed Queue<Data, Result, Name> of the app (compile-time)', () => {
    const typed = new Queue<{ to: string }, boolean, 'send'>(`${runId}-typed`, { connection });
    typed.on('error', () => undefined);
    queues.push(typed as unknown as Queue);
    expect(bullmqCheck({ queue: typed }).name).toBe(`bullmq:${runId}-typed`);
  });

  it('rejects a Worker (or anything but a Queue) and bad thresholds with one TypeError', () => {
    const worker = { name: 'w', isPaused: () => false } as unknown as Queue;
    expect(() => bullmqCheck({ queue: worker, minWorkers: -1, backlogWarn: 1.5, failWhenPaused: 'yes' as unknown as boolean })).toThrow(
      new TypeError(
        [
          'Invalid bullmqCheck options (4 problems):',
          '  - queue: must be a BullMQ Queue (a Worker will not do: its blocking connection can hang a probe forever), got an object',
          '  - minWorkers: must be a whole number >= 0 or Infinity, got -1',
          '  - failWhenPaused: must be true or false, got "yes"',
          '  - backlogWarn: must be a whole number >= 0 or Infinity, got 1.5',
        ].join('\n'),
      ),
    );
  });
});

describe('bullmqCheck when the queue cannot reach Redis', () => {
  it('fails at once for a queue whose connection never became ready', async () => {
    const gone = await RedisServer.start();
    await gone.stop();
    const queue = new Queue(`${runId}-unreachable`, { connection: { host: '127.0.0.1', port: gone.port } });
    queue.on('error', () => undefined);
    const result = await evaluate(bullmqCheck({ queue }));
    expect(result.status).toBe('fail');
    expect(result.output).toContain("the queue's Redis connection is initializing");
    expect(result.durationMs).toBeLessThan(50);
    await queue.close();
  });

  describe('on its own redis-server behind a fault proxy', () => {
    let server: RedisServer;
    let proxy: TcpFaultProxy;
    let queue: Queue;
    let worker: Worker;
    beforeAll(async () => {
      server = await RedisServer.start();
      proxy = await TcpFaultProxy.start({ targetPort: server.port });
      // The queue goes through the proxy; the worker connects directly, so only the probe's link faults.
      queue = new Queue(`${runId}-faults`, { connection: { host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: 0 } });
      queue.on('error', () => undefined);
      worker = new Worker(queue.name, async () => 'done', { connection: { host: '127.0.0.1', port: server.port } });
      worker.on('error', () => undefined);
      await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    });
    afterAll(async () => {
      await worker.close(true);
      await queue.close().catch(() => undefined);
      await proxy.close();
      await server.stop();
    });

    it('passes, then fails within the timeout when the queue link is blackholed', async () => {
      const check = bullmqCheck({ queue });
      expect((await until(() => evaluate(check), (r) => r.status === 'pass')).status).toBe('pass');
      proxy.blackhole();
      const { result, elapsedMs: elapsed } = await runner.timed(check);
      expect(result.status).toBe('fail');
      expect(result.output).toBe(`timed out after ${TIMEOUT_MS} ms`);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      console.info(`bullmq queue link blackholed: failed in ${elapsed} ms (timeout ${TIMEOUT_MS} ms)`);
    });

    it('fails at once while the queue client reconnects, and passes again when it is back', async () => {
      proxy.reset(); // cuts the link: ioredis notices and starts reconnecting (and is refused)
      const down = await until(() => evaluate(bullmqCheck({ queue })), (r) => /not ready/.test(r.output ?? ''), 3000);
      expect(down.status).toBe('fail');
      expect(down.output).toMatch(/the queue's Redis client is not ready \(status "\w+"\)/);
      expect(down.durationMs).toBeLessThan(50);
      proxy.pass();
      const back = await until(() => evaluate(bullmqCheck({ queue })), (r) => r.status === 'pass', 10_000);
      expect(back.status).toBe('pass');
    });
  });
});

describe('test queue cleanup', () => {
  it('obliterate removes every key a test queue created', async () => {
    const redis = new Redis(connection);
    const queue = newQueue();
    await queue.add('x', {});
    expect(await redis.exists(`bull:${queue.name}:meta`)).toBe(1);
    await queue.obliterate({ force: true });
    expect(await redis.keys(`bull:${queue.name}:*`)).toEqual([]);
    redis.disconnect();
  });
});
