import { Module, type DynamicModule, type OnApplicationShutdown, Inject, Optional } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DeepHealthModule } from 'nestjs-deep-health';
import type { DataSource } from 'typeorm';
import { DOCUMENTS_QUEUE, type SampleConfig } from './config.js';
import { DocumentEntity } from './documents/document.entity.js';
import { DocumentsController } from './documents/documents.controller.js';
import { DOCUMENTS_QUEUE_TOKEN, DocumentsService } from './documents/documents.service.js';
import { buildChecks } from './health/health-checks.js';
import { MIGRATIONS } from './migrations/index.js';

export const REDIS_TOKEN = Symbol('redis');

/** Closes the Redis clients the app opened, after the HTTP server has closed. */
class RedisLifecycle implements OnApplicationShutdown {
  constructor(
    @Optional() @Inject(REDIS_TOKEN) private readonly redis?: Redis,
    @Optional() @Inject(DOCUMENTS_QUEUE_TOKEN) private readonly queue?: Queue,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
    this.redis?.disconnect();
  }
}

@Module({})
export class AppModule {
  static register(config: SampleConfig & { databaseUrl: string }): DynamicModule {
    const redisProviders = config.redisUrl
      ? [
          { provide: REDIS_TOKEN, useFactory: () => new Redis(config.redisUrl!, { lazyConnect: false }) },
          {
            provide: DOCUMENTS_QUEUE_TOKEN,
            useFactory: () => new Queue(DOCUMENTS_QUEUE, { connection: { url: config.redisUrl } as never }),
          },
        ]
      : [];
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.databaseUrl,
          entities: [DocumentEntity],
          migrations: MIGRATIONS,
          migrationsRun: true,
          poolSize: 5,
        }),
        DeepHealthModule.forRootAsync({
          inject: [getDataSourceToken(), { token: REDIS_TOKEN, optional: true }, { token: DOCUMENTS_QUEUE_TOKEN, optional: true }],
          useFactory: (dataSource: DataSource, redis?: Redis, queue?: Queue) => ({
            service: { name: 'sample-app', description: 'nestjs-deep-health sample: documents with pgvector search' },
            checks: buildChecks(config, { dataSource, redis, queue }),
            adminToken: config.adminToken,
            shutdown: { drainDelayMs: config.drainDelayMs },
          }),
        }),
      ],
      controllers: [DocumentsController],
      providers: [DocumentsService, ...redisProviders, RedisLifecycle],
      exports: [...redisProviders.map((p) => p.provide)],
    };
  }
}
