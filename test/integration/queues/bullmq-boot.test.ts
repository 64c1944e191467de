/**
 * A BullMQ check at boot, before the queue's Redis connection is up: the answer is a `fail` that
 * says so (the normal result), the log says it once as a warning, not as an ERROR; once the queue
 * has an answer, a critical failure is logged as the error it is.
 */
import { Queue } from 'bullmq';
import { bullmqCheck } from '../../../src/indicators/queues';
import { startLoggedHealthApp } from '../../support/boot-log';
import { TcpFaultProxy } from '../../support/tcp-fault-proxy';

describe('bullmqCheck while the queue is still connecting', () => {
  let proxy: TcpFaultProxy | undefined;
  let queue: Queue | undefined;
  afterEach(async () => {
    await queue?.close();
    await proxy?.close();
  });

  it('reports fail with the connection state and logs no ERROR until the queue has answered', async () => {
    // Accepted but unanswered: the queue stays "initializing" (Redis has not answered its handshake).
    proxy = await TcpFaultProxy.start({ targetPort: 6379 });
    proxy.blackhole();
    queue = new Queue(`h24-boot-${process.pid}-${Date.now().toString(36)}`, { connection: { host: '127.0.0.1', port: proxy.port } });
    queue.on('error', () => undefined);
    const name = `bullmq:${queue.name}`;
    const app = await startLoggedHealthApp([bullmqCheck({ queue, minWorkers: 1, cacheTtlMs: 0 })]);
    try {
      expect(await app.probe(name)).toEqual([503, "the queue's Redis connection is initializing; not waiting for it"]);
      expect(app.logOf(name)).toEqual([`WARN check ${name}: unknown -> fail (the queue's Redis connection is initializing; not waiting for it)`]);

      // The link heals: the queue answers, and its answer (no worker) is a critical failure, logged as one.
      proxy.pass();
      await queue.waitUntilReady();
      expect(await app.probe(name)).toEqual([503, '0 workers connected, at least 1 required']);
      expect(app.logOf(name).slice(1)).toEqual([`ERROR check ${name}: connecting -> fail (0 workers connected, at least 1 required)`]);
    } finally {
      await app.close();
    }
  });
});
