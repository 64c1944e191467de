import { connect, type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import { rabbitmqCheck, type RabbitmqCheckOptions } from '../../../src/indicators/queues';
import { isHealthCheck, type HealthCheck } from '../../../src/engine/check';
import { CheckRunner, sleep, until } from '../../support/check-runner';
import { TcpFaultProxy } from '../../support/tcp-fault-proxy';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const TIMEOUT_MS = 1000;
const MARGIN_MS = 300;
const runner = new CheckRunner({ timeoutMs: TIMEOUT_MS });
const evaluate = runner.evaluate.bind(runner);

const runId = `deep-health-${process.pid}-${Date.now().toString(36)}`;
let sequence = 0;
const created: string[] = [];

/** The application under test: its own connection and channel, which the check must never disturb. */
let app: ChannelModel;
let appChannel: ConfirmChannel;
const appConnectionEvents: string[] = [];

async function newQueue(): Promise<string> {
  const name = `${runId}-${++sequence}`;
  await appChannel.assertQueue(name, { durable: false });
  created.push(name);
  return name;
}

async function publish(queue: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) appChannel.sendToQueue(queue, Buffer.from(String(i)));
  await appChannel.waitForConfirms();
}

beforeAll(async () => {
  app = await connect(URL);
  app.on('error', () => appConnectionEvents.push('error'));
  app.on('close', () => appConnectionEvents.push('close'));
  appChannel = await app.createConfirmChannel();
});

afterAll(async () => {
  for (const queue of created) await appChannel.deleteQueue(queue);
  await app.close();
  runner.close();
});

describe('rabbitmqCheck with the application connection', () => {
  it('passes with a consumer, named rabbitmq:<queue>, critical, componentType component', async () => {
    const queue = await newQueue();
    await appChannel.consume(queue, () => undefined);
    const check = rabbitmqCheck({ connection: app, queue });
    expect(isHealthCheck(check)).toBe(true); // the object carrying close() is still a check to the engine and module
    const result = await evaluate(check);
    expect(result).toMatchObject({ name: `rabbitmq:${queue}`, status: 'pass', critical: true, componentType: 'component' });
    expect(result).toMatchObject({ observedValue: 0, observedUnit: 'messages' });
    expect(result.measurements).toMatchObject({ ready: 0, consumers: 1 });
  });

  it('fails without consumers, and counts consumers against minConsumers', async () => {
    const queue = await newQueue();
    const none = await evaluate(rabbitmqCheck({ connection: app, queue }));
    expect(none.status).toBe('fail');
    expect(none.output).toBe('0 consumers, at least 1 required');

    const consumers = await app.createChannel();
    await consumers.consume(queue, () => undefined);
    const check = rabbitmqCheck({ connection: app, queue, minConsumers: 2 });
    const one = await evaluate(check);
    expect(one.status).toBe('fail');
    expect(one.output).toBe('1 consumer, at least 2 required');
    await consumers.consume(queue, () => undefined);
    const two = await evaluate(check);
    expect(two.status).toBe('pass');
    expect(two.measurements).toMatchObject({ consumers: 2 });
    await consumers.close();
  });

  it('warns and fails on ready messages over the thresholds', async () => {
    const queue = await newQueue();
    const check = rabbitmqCheck({ connection: app, queue, minConsumers: 0, readyWarn: 3, readyFail: 10 });
    await publish(queue, 5);
    const warned = await until(() => evaluate(check), (r) => r.observedValue === 5);
    expect(warned.status).toBe('warn');
    expect(warned.output).toBe('5 messages ready (threshold 3)');
    await publish(queue, 5);
    const failed = await until(() => evaluate(check), (r) => r.observedValue === 10);
    expect(failed.status).toBe('fail');
    expect(failed.output).toBe('10 messages ready (threshold 10)');
  });

  it('fails for a missing queue without declaring it, and the app channel and connection keep working', async () => {
    const missing = `${runId}-missing`;
    const result = await evaluate(rabbitmqCheck({ connection: app, queue: missing }));
    expect(result.status).toBe('fail');
    expect(result.output).toBe(`queue "${missing}" does not exist`);
    // Passive: the check did not create it (checkQueue on the app's side 404s too, on a throwaway channel).
    const probe = await app.createChannel();
    probe.on('error', () => undefined);
    await expect(probe.checkQueue(missing)).rejects.toMatchObject({ code: 404 });
    // The app's own channel is untouched: publish + confirm + consume still work.
    const queue = await newQueue();
    await publish(queue, 1);
    const message = await until(() => appChannel.get(queue, { noAck: true }), (m) => m !== false);
    expect(message && message.content.toString()).toBe('0');
    expect(appConnectionEvents).toEqual([]);
  });

  it('fails when the application connection is closed', async () => {
    const queue = await newQueue();
    const closed = await connect(URL);
    await closed.close();
    const result = await evaluate(rabbitmqCheck({ connection: closed, queue, minConsumers: 0 }));
    expect(result.status).toBe('fail');
    expect(result.output).toMatch(/^RabbitMQ connection is closed: .*Connection closed/);
  });

  it('accepts amqplib connections, recovering ones included (compile-time)', () => {
    const recovering = null as unknown as RecoveringChannelModel;
    const options: RabbitmqCheckOptions[] = [{ connection: recovering, queue: 'q' }, { connection: app, queue: 'q' }];
    expect(options).toHaveLength(2);
  });

  it('rejects bad options with one TypeError, never echoing the URL', () => {
    expect(() =>
      rabbitmqCheck({ url: 'http://guest:s3cret-pw@host/vhost?password=s3cret-pw', connection: app, queue: '', readyWarn: -2 } as never),
    ).toThrow(
      new TypeError(
        [
          'Invalid rabbitmqCheck options (4 problems):',
          '  - connection, url: must be exactly one of the two (an amqplib connection, or an amqp:// URL), got both',
          '  - url: must use amqp or amqps, got "http:" in http://host',
          '  - queue: must be a non-empty string, got ""',
          '  - readyWarn: must be a whole number >= 0 or Infinity, got -2',
        ].join('\n'),
      ),
    );
    expect(() => rabbitmqCheck({ url: 'http://guest:s3cret-pw@host', queue: 'q' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret-pw') }),
    );
    expect(() => rabbitmqCheck({ queue: 'q' } as never)).toThrow(
      'connection, url: must be exactly one of the two (an amqplib connection, or an amqp:// URL), got neither',
    );
    expect(() => rabbitmqCheck({ connection: {} as never } as never)).toThrow(
      new TypeError(
        [
          'Invalid rabbitmqCheck options (2 problems):',
          '  - connection: must be an amqplib connection (with createChannel()) or an amqp-connection-manager connection, got an object',
          '  - queue: is required',
        ].join('\n'),
      ),
    );
  });
});

describe('rabbitmqCheck with its own connection (url)', () => {
  let proxy: TcpFaultProxy;
  const checks: HealthCheck[] = [];
  beforeAll(async () => {
    proxy = await TcpFaultProxy.start({ targetPort: 5672 });
  });
  afterEach(() => proxy.pass());
  afterAll(async () => {
    await Promise.all(checks.map((check) => check.close()));
    await proxy.close();
  });
  /** A check with its own connection (through the proxy) on a fresh queue. */
  const ownCheck = async (password = 'guest'): Promise<HealthCheck> => {
    const check = rabbitmqCheck({ url: `amqp://guest:${password}@127.0.0.1:${proxy.port}`, queue: await newQueue(), minConsumers: 0 });
    checks.push(check);
    return check;
  };

  it('connects lazily, passes, and keeps one connection across runs', async () => {
    const check = await ownCheck();
    expect(proxy.connectionCount).toBe(0); // nothing opened before the first run
    expect((await evaluate(check)).status).toBe('pass');
    expect((await evaluate(check)).status).toBe('pass');
    expect(proxy.connectionCount).toBe(1);
  });

  it('reconnects on the next run after its connection was cut', async () => {
    const check = await ownCheck();
    expect((await evaluate(check)).status).toBe('pass');
    proxy.reset();
    await sleep(50);
    proxy.pass();
    expect((await runner.untilStatus(check, 'pass')).status).toBe('pass');
    expect(proxy.connectionCount).toBe(1);
  });

  it('fails within the timeout when the broker link is blackholed', async () => {
    const check = await ownCheck();
    expect((await evaluate(check)).status).toBe('pass');
    proxy.blackhole();
    const { result, elapsedMs: elapsed } = await runner.timed(check);
    expect(result.status).toBe('fail');
    expect(result.output).toBe(`timed out after ${TIMEOUT_MS} ms`);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    console.info(`rabbitmq link blackholed: failed in ${elapsed} ms (timeout ${TIMEOUT_MS} ms)`);
    proxy.pass();
    expect((await runner.untilStatus(check, 'pass')).status).toBe('pass');
  });

  it('never shows the URL password, even when the login is refused', async () => {
    const check = await ownCheck('Wr0ng-Passw0rd');
    const result = await evaluate(check);
    expect(result.status).toBe('fail');
    expect(result.output).toMatch(/^cannot connect to RabbitMQ: /);
    expect(JSON.stringify(result)).not.toContain('Wr0ng-Passw0rd');
  });
});
