import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Worker, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DeepHealthModule } from 'nestjs-deep-health';
import { bullmqCheck } from 'nestjs-deep-health/queues';
import { redisCheck } from 'nestjs-deep-health/redis';
import { migrationsCheck, postgresCheck } from 'nestjs-deep-health/typeorm';
import type { DataSource } from 'typeorm';
import { DOCUMENTS_QUEUE, type SampleConfig } from './config.js';
import { typeOrmOptions } from './database/typeorm-options.js';
import { ConnectionsModule, DOCUMENTS_QUEUE_TOKEN, logErrorsOnce, REDIS_TOKEN } from './connections/connections.module.js';
import { DocumentsService } from './documents/documents.service.js';
import { dataSourceStarter } from './database/data-source-starter.js';

const WORKER = Symbol('embed-worker');

/** Stops taking jobs (and finishes the running ones) when the worker shuts down. */
class WorkerLifecycle implements OnApplicationShutdown {
  constructor(@Inject(WORKER) private readonly worker: Worker) {}

  async onApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}

@Module({})
export class WorkerModule {
  static register(config: SampleConfig & { databaseUrl: string; redisUrl: string }): DynamicModule {
    const connections = ConnectionsModule.register(config);
    return {
      module: WorkerModule,
      imports: [
        connections,
        // The web tier owns the migrations; the worker only waits for them (see migrationsCheck below).
        TypeOrmModule.forRoot(typeOrmOptions(config.databaseUrl, { runMigrations: false })),
        DeepHealthModule.forRootAsync({
          imports: [connections],
          inject: [getDataSourceToken(), REDIS_TOKEN, DOCUMENTS_QUEUE_TOKEN],
          useFactory: (dataSource: DataSource, redis: Redis, queue: Queue) => ({
            service: { name: 'sample-worker', description: 'nestjs-deep-health sample: embed-documents worker' },
            // No HTTP adapter in a worker: the module serves the health endpoints itself.
            server: { port: config.healthPort, host: config.healthHost },
            metrics: true,
            adminToken: config.adminToken,
            checks: [
              postgresCheck({ dataSource }),
              // A worker started before the web tier finished migrating stays unready instead of crashing.
              migrationsCheck({ dataSource, startup: true }),
              redisCheck({ client: redis }),
              bullmqCheck({ queue, minWorkers: 1 }),
            ],
          }),
        }),
      ],
      providers: [
        DocumentsService,
        dataSourceStarter(),
        {
          provide: WORKER,
          inject: [DocumentsService],
          useFactory: (documents: DocumentsService) => {
            // A Worker blocks on Redis, so BullMQ requires maxRetriesPerRequest: null; it reconnects by itself.
            const worker = new Worker(DOCUMENTS_QUEUE, async (job) => documents.storeEmbedding(Number(job.data.id)), {
              connection: { url: config.redisUrl, maxRetriesPerRequest: null } as never,
              concurrency: 4,
            });
            logErrorsOnce(worker, 'BullMQ worker');
            return worker;
          },
        },
        WorkerLifecycle,
      ],
    };
  }
}
