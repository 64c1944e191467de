import { Inject, Logger, Module, Optional, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { DOCUMENTS_QUEUE, type SampleConfig } from '../config.js';
import { DOCUMENT_EVENTS_TOKEN, DocumentEvents } from '../documents/document-events.js';

export const REDIS_TOKEN = Symbol('redis');
export const DOCUMENTS_QUEUE_TOKEN = Symbol('documents-queue');

/**
 * ioredis settings for a client that never blocks boot and fails fast while Redis is away:
 * it connects in the background and reconnects forever (the default retryStrategy), a command
 * sent while disconnected fails at once instead of waiting in the offline queue, and each command
 * is retried at most once across a reconnect. `redisCheck` reports the client's status
 * (`connecting`, `reconnecting`) meanwhile.
 */
export const FAIL_FAST_REDIS: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 3000 };

/** An ioredis/BullMQ `error` event with no listener is printed on every retry (ioredis) or ends the process (BullMQ). */
export function logErrorsOnce(emitter: { on(event: 'error', listener: (error: Error) => void): unknown }, what: string): void {
  const logger = new Logger('Connections');
  let last: string | undefined;
  emitter.on('error', (error) => {
    if (error.message !== last) logger.warn(`${what}: ${error.message}`);
    last = error.message;
  });
}

/** Closes what ConnectionsModule opened, after the drain and the HTTP server have finished. */
class ConnectionsLifecycle implements OnApplicationShutdown {
  constructor(
    @Optional() @Inject(REDIS_TOKEN) private readonly redis?: Redis,
    @Optional() @Inject(DOCUMENTS_QUEUE_TOKEN) private readonly queue?: Queue,
    @Optional() @Inject(DOCUMENT_EVENTS_TOKEN) private readonly events?: DocumentEvents,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
    this.redis?.disconnect();
    await this.events?.close();
  }
}

/**
 * The optional connections (Redis, the BullMQ queue, RabbitMQ events), each present only when its
 * URL is set. Import it where they are needed, e.g. in `DeepHealthModule.forRootAsync({ imports })`.
 */
@Module({})
export class ConnectionsModule {
  static register(config: SampleConfig): DynamicModule {
    const providers: Provider[] = [];
    if (config.redisUrl) {
      providers.push(
        {
          provide: REDIS_TOKEN,
          useFactory: () => {
            const redis = new Redis(config.redisUrl!, FAIL_FAST_REDIS);
            logErrorsOnce(redis, 'Redis');
            return redis;
          },
        },
        {
          provide: DOCUMENTS_QUEUE_TOKEN,
          useFactory: () => {
            // A producer fails fast too (BullMQ's advice for queues); only a Worker needs maxRetriesPerRequest: null.
            const queue = new Queue(DOCUMENTS_QUEUE, { connection: { url: config.redisUrl, ...FAIL_FAST_REDIS } as never });
            logErrorsOnce(queue, 'BullMQ queue');
            return queue;
          },
        },
      );
    }
    if (config.rabbitmqUrl) providers.push({ provide: DOCUMENT_EVENTS_TOKEN, useFactory: () => DocumentEvents.connect(config.rabbitmqUrl!) });
    const tokens = providers.map((p) => (p as { provide: symbol }).provide);
    return { module: ConnectionsModule, global: true, providers: [...providers, ConnectionsLifecycle], exports: tokens };
  }
}
