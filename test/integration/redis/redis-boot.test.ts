/**
 * redisCheck at boot, before the client's first connection is ready: the answer is a `fail` that
 * says so, the log says it as a warning, not as an ERROR. Once the client has been ready, losing
 * it (`reconnecting`) is a real outage, logged as an ERROR.
 */
import Redis from 'ioredis';
import { redisCheck } from '../../../src/indicators/redis';
import { startLoggedHealthApp } from '../../support/boot-log';
import { TcpFaultProxy } from '../../support/tcp-fault-proxy';

const NOT_READY = (status: string) => `Redis client is not ready (status "${status}"); not waiting for it to reconnect`;

describe('redisCheck while the client is still connecting', () => {
  let proxy: TcpFaultProxy | undefined;
  let client: Redis | undefined;
  afterEach(async () => {
    client?.disconnect();
    await proxy?.close();
  });

  it('logs a warning until the first ready, then a lost connection as an ERROR', async () => {
    // Accepted but unanswered: the TCP connection is up ("connect"), the ready check never returns.
    proxy = await TcpFaultProxy.start({ targetPort: 6379 });
    proxy.blackhole();
    // disconnectTimeout: ioredis would keep a 2 s timer for the socket of its last (already reset) attempt.
    client = new Redis({ host: '127.0.0.1', port: proxy.port, disconnectTimeout: 0 });
    client.on('error', () => undefined);
    await new Promise((resolve) => client!.once('connect', resolve));
    const app = await startLoggedHealthApp([redisCheck({ client, cacheTtlMs: 0 })]);
    try {
      expect(await app.probe('redis')).toEqual([503, NOT_READY('connect')]);
      expect(app.logOf('redis')).toEqual([`WARN check redis: unknown -> fail (${NOT_READY('connect')})`]);

      proxy.pass();
      await new Promise((resolve) => client!.once('ready', resolve));
      expect((await app.probe('redis'))[0]).toBe(200);
      expect(app.logOf('redis').slice(1)).toEqual(['LOG check redis: connecting -> pass']);

      // Ready once, then cut: the client reconnects, and that is an outage.
      const closed = new Promise((resolve) => client!.once('close', resolve));
      proxy.reset();
      await closed;
      const [status, output] = await app.probe('redis');
      expect([status, app.logOf('redis').slice(2)]).toEqual([503, [`ERROR check redis: pass -> fail (${output})`]]);
      expect(output).toMatch(/status "(reconnecting|connecting)"/);
    } finally {
      await app.close();
    }
  });

  it('logs a warning while every attempt before the first ready is refused', async () => {
    proxy = await TcpFaultProxy.start({ targetPort: 6379 });
    proxy.reset();
    client = new Redis({ host: '127.0.0.1', port: proxy.port, disconnectTimeout: 0 });
    client.on('error', () => undefined);
    // Created with the client, as at boot: the check sees it `connecting`, then refused and retrying.
    const check = redisCheck({ client, cacheTtlMs: 0 });
    await new Promise((resolve) => client!.once('reconnecting', resolve));
    const app = await startLoggedHealthApp([check]);
    try {
      const [status, output] = await app.probe('redis');
      expect([status, app.logOf('redis')]).toEqual([503, [`WARN check redis: unknown -> fail (${output})`]]);
    } finally {
      await app.close();
    }
  });
});
