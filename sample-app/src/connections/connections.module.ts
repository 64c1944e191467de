import { Inject, Module, Optional, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DOCUMENTS_QUEUE, type SampleConfig } from '../config.js';
import { DOCUMENT_EVENTS_TOKEN, DocumentEvents } from '../documents/document-events.js';

export const REDIS_TOKEN = Symbol('redis');
export const DOCUMENTS_QUEUE_TOKEN = Symbol('documents-queue');

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
        { provide: REDIS_TOKEN, useFactory: () => new Redis(config.redisUrl!) },
        { provide: DOCUMENTS_QUEUE_TOKEN, useFactory: () => new Queue(DOCUMENTS_QUEUE, { connection: { url: config.redisUrl } as never }) },
      );
    }
    if (config.rabbitmqUrl) providers.push({ provide: DOCUMENT_EVENTS_TOKEN, useFactory: () => DocumentEvents.connect(config.rabbitmqUrl!) });
    const tokens = providers.map((p) => (p as { provide: symbol }).provide);
    return { module: ConnectionsModule, global: true, providers: [...providers, ConnectionsLifecycle], exports: tokens };
  }
}
