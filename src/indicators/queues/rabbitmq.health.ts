import { performance } from 'node:perf_hooks';
import { defineCheck, checkOptions, fail, outcomeFromFindings, type CheckOptions, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { untilAborted } from '../../engine/until-aborted.js';
import { show } from '../../validation/problems.js';
import { describeError } from '../../engine/redact.js';
import { round } from '../redis/probe-support.js';
import {
  AMQPLIB_MISSING,
  RABBITMQ_CHECK_FAILED,
  RABBITMQ_CONNECT_FAILED,
  RABBITMQ_CONNECTION_CLOSED,
  RABBITMQ_QUEUE_MISSING,
  RABBITMQ_CONNECTION_REQUIRED,
  RABBITMQ_RECONNECTING,
  RABBITMQ_SOURCE_REQUIRED,
  READY_MESSAGES,
  TOO_FEW_CONSUMERS,
} from './messages.js';

/**
 * The part of an amqplib connection (`ChannelModel`, or the recovering one of amqplib 2) that the
 * check uses. Declared here so the types of `nestjs-deep-health/queues` never name amqplib.
 */
export interface AmqpConnection {
  /** Opens a channel; each run uses a throwaway channel of its own and closes it, never one of the app's. */
  createChannel(): Promise<AmqpChannel>;
}

/**
 * The part of an amqp-connection-manager `AmqpConnectionManager` (a connection that reconnects by
 * itself) that the check uses: it checks on the manager's current amqplib connection, and reports
 * `reconnecting` while there is none. Declared here so amqp-connection-manager stays optional.
 */
export interface ReconnectingAmqpConnection {
  /** Whether the manager has a live connection now (the check reports `reconnecting` while not). */
  isConnected(): boolean;
  /** The current amqplib connection, `undefined` while (re)connecting. */
  readonly connection: AmqpConnection | undefined;
}

/** The part of an amqplib `Channel` that the check uses. */
export interface AmqpChannel {
  /** Asserts passively that the queue exists (a missing one closes the channel with a 404). */
  checkQueue(queue: string): Promise<{
    /** Messages ready for delivery (not counting unacknowledged ones). */
    messageCount: number;
    /** Consumers subscribed to the queue. */
    consumerCount: number;
  }>;
  /** Closes the throwaway channel after the run. */
  close(): Promise<void>;
  /** Registers the `error` listener the check attaches before any use, so a channel error never takes the connection down. */
  on(event: 'error', listener: (error: Error) => void): unknown;
}

interface OwnConnection extends AmqpConnection {
  close(): Promise<void>;
  on(event: 'error' | 'close', listener: (error?: Error) => void): unknown;
}

/** Options of {@link rabbitmqCheck}. Give `connection` or `url`, not both. */
export interface RabbitmqCheckOptions extends CheckOptions {
  /**
   * The application's amqplib connection, or its amqp-connection-manager `AmqpConnectionManager`
   * (reconnects by itself; the check reports `reconnecting` while it has no connection). The check
   * opens a throwaway channel on it per run, so a missing queue (which makes the broker close the
   * channel) never touches the app's channels.
   */
  connection?: AmqpConnection | ReconnectingAmqpConnection;
  /**
   * An `amqp://` / `amqps://` URL: the check opens its own connection (loading amqplib lazily),
   * keeps it, and opens a new one on the next run after it closes. Its password never appears in
   * any output. The module closes it at application shutdown.
   */
  url?: string;
  /** The queue to check, passively (`checkQueue`): the check never declares it. */
  queue: string;
  /** Fewer consumers than this fails the check. `0` disables it. @default 1 */
  minConsumers?: number;
  /** Ready messages from which the check warns. `Infinity` disables it. @default 1000 */
  readyWarn?: number;
  /** Ready messages from which the check fails. @default Infinity (off) */
  readyFail?: number;
}

export const RABBITMQ_DEFAULTS = { minConsumers: 1, readyWarn: 1000, readyFail: Infinity } as const;

const NOT_FOUND = 404;

/**
 * Checks a RabbitMQ queue passively: that it exists, has at least `minConsumers` consumers, and
 * that its ready messages stay under the thresholds. `observedValue` is the ready message count.
 *
 * @example
 * import { rabbitmqCheck } from 'nestjs-deep-health/queues';
 *
 * // with the app's amqplib connection
 * rabbitmqCheck({ connection: amqpConnection, queue: 'orders', readyWarn: 500 });
 * // or with its own connection (close it at shutdown)
 * const orders = rabbitmqCheck({ url: process.env.RABBITMQ_URL!, queue: 'orders' });
 * // the module calls orders.close() at application shutdown
 */
export function rabbitmqCheck(options: RabbitmqCheckOptions): HealthCheck {
  validateCheckOptions('rabbitmqCheck', options, (problems, o) => {
    if ((o.connection === undefined) === (o.url === undefined)) {
      problems.add('connection, url', RABBITMQ_SOURCE_REQUIRED(o.url === undefined ? 'neither' : 'both'));
    }
    if (o.connection !== undefined && !isReconnecting(o.connection) && typeof (o.connection as Partial<AmqpConnection> | null)?.createChannel !== 'function') {
      problems.add('connection', RABBITMQ_CONNECTION_REQUIRED(show(o.connection)));
    }
    // Only the scheme and host are ever echoed: the URL carries the password.
    problems.url('url', o.url, { required: false, scheme: 'amqp' });
    problems.requiredString('queue', o.queue);
    problems.count('minConsumers', o.minConsumers);
    problems.count('readyWarn', o.readyWarn);
    problems.count('readyFail', o.readyFail);
  });

  const settings = {
    minConsumers: options.minConsumers ?? RABBITMQ_DEFAULTS.minConsumers,
    readyWarn: options.readyWarn ?? RABBITMQ_DEFAULTS.readyWarn,
    readyFail: options.readyFail ?? RABBITMQ_DEFAULTS.readyFail,
  };
  const queue = options.queue;
  // Loaded here, not at import: an app without a `url` check never loads amqplib, and one that
  // lacks it learns so at boot rather than at the first probe.
  const own = options.url === undefined ? undefined : new OwnRabbitmqConnection(loadAmqplib(), options.url);

  const check = defineCheck({
    name: `rabbitmq:${queue}`,
    critical: true,
    componentType: 'component',
    ...checkOptions(options),
    secrets: [urlPassword(options.url)],
    close: () => own?.close(),
    run: async ({ signal, timeoutMs }) => {
      let connection: AmqpConnection;
      try {
        const given = options.connection;
        if (given && isReconnecting(given)) {
          const current = given.isConnected() ? given.connection : undefined;
          if (!current) return fail(RABBITMQ_RECONNECTING);
          connection = current;
        } else {
          connection = own ? await untilAborted(own.get(timeoutMs), signal) : given!;
        }
      } catch (error) {
        if (signal.aborted) throw error;
        return fail(RABBITMQ_CONNECT_FAILED(describeError(error)));
      }

      const started = performance.now();
      let reply: { messageCount: number; consumerCount: number };
      try {
        reply = await withThrowawayChannel(connection, signal, (channel) => channel.checkQueue(queue));
      } catch (error) {
        if (signal.aborted) throw error;
        if ((error as { code?: unknown }).code === NOT_FOUND) return fail(RABBITMQ_QUEUE_MISSING(queue));
        if (error instanceof ChannelOpenError) return fail(RABBITMQ_CONNECTION_CLOSED(describeError(error.cause)));
        return fail(RABBITMQ_CHECK_FAILED(describeError(error)));
      }
      const latencyMs = round(performance.now() - started, 1);

      const ready = reply.messageCount;
      const consumers = reply.consumerCount;
      const findings: Finding[] = [];
      if (consumers < settings.minConsumers) findings.push({ status: 'fail', message: TOO_FEW_CONSUMERS(consumers, settings.minConsumers) });
      if (ready >= settings.readyFail) findings.push({ status: 'fail', message: READY_MESSAGES(ready, settings.readyFail) });
      else if (ready >= settings.readyWarn) findings.push({ status: 'warn', message: READY_MESSAGES(ready, settings.readyWarn) });
      return outcomeFromFindings(findings, {
        observedValue: ready,
        observedUnit: 'messages',
        measurements: { ready, consumers, latencyMs },
        details: { queue },
      });
    },
  });

  return check;
}

function isReconnecting(connection: unknown): connection is ReconnectingAmqpConnection {
  return typeof (connection as Partial<ReconnectingAmqpConnection> | null)?.isConnected === 'function' && 'connection' in (connection as object);
}

/** Failure to open the throwaway channel: the connection itself is unusable. */
class ChannelOpenError extends Error {
  constructor(override readonly cause: unknown) {
    super('cannot open a channel', { cause });
    this.name = 'ChannelOpenError';
  }
}

/**
 * Runs `use` on a channel of its own, then closes it. The channel gets an `error` listener before
 * any use: without one, the 404 of a missing queue is re-thrown inside amqplib's socket handler
 * and takes the whole connection (the app's!) down.
 */
async function withThrowawayChannel<T>(connection: AmqpConnection, signal: AbortSignal, use: (channel: AmqpChannel) => Promise<T>): Promise<T> {
  const opening = connection.createChannel();
  let channel: AmqpChannel;
  try {
    channel = await untilAborted(opening, signal);
  } catch (error) {
    // A channel that opens after the timeout must still be closed, or each slow run leaks one.
    opening.then(closeQuietly, () => undefined);
    if (signal.aborted) throw error;
    throw new ChannelOpenError(error);
  }
  channel.on('error', () => undefined);
  try {
    return await untilAborted(use(channel), signal);
  } finally {
    closeQuietly(channel);
  }
}

function closeQuietly(channel: AmqpChannel): void {
  try {
    // Already closed by the broker (404) or by a dead connection: nothing to do.
    channel.close().catch(() => undefined);
  } catch {
    // amqplib may throw synchronously on an already closed channel.
  }
}

/** The connection a `url` check owns: opened on first use, reopened after it closes. */
class OwnRabbitmqConnection {
  private current?: Promise<OwnConnection>;
  private closed = false;

  constructor(
    private readonly amqplib: Amqplib,
    private readonly url: string,
  ) {}

  get(timeoutMs: number): Promise<OwnConnection> {
    if (this.closed) return Promise.reject(new Error('the check was closed'));
    if (!this.current) {
      // The socket timeout bounds connect + handshake, so a partitioned broker frees the slot.
      const connecting = this.amqplib.connect(this.url, { timeout: timeoutMs });
      this.current = connecting;
      connecting.then(
        (connection) => {
          // 'error' is always followed by 'close'; without a listener it would crash the process.
          connection.on('error', () => undefined);
          connection.on('close', () => {
            if (this.current === connecting) this.current = undefined;
          });
          if (this.closed) connection.close().catch(() => undefined);
        },
        () => {
          if (this.current === connecting) this.current = undefined;
        },
      );
    }
    return this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    try {
      await (await current).close();
    } catch {
      // Never connected, or already closed: nothing is left open either way.
    }
  }
}

interface Amqplib {
  connect(url: string, socketOptions?: { timeout?: number }): Promise<OwnConnection>;
}

/** amqplib is an optional peer: required only by a check created with a `url`. */
function loadAmqplib(): Amqplib {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('amqplib') as Amqplib;
  } catch (error) {
    throw new Error(AMQPLIB_MISSING(describeError(error)), { cause: error });
  }
}

function urlPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
