import { Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DeepHealthModule } from 'nestjs-deep-health';
import { redisMaintenanceStore } from 'nestjs-deep-health/redis';
import type { DataSource } from 'typeorm';
import type { SampleConfig } from './config.js';
import { ConnectionsModule, DOCUMENTS_QUEUE_TOKEN, REDIS_TOKEN } from './connections/connections.module.js';
import { typeOrmOptions } from './database/typeorm-options.js';
import { DOCUMENT_EVENTS_TOKEN, type DocumentEvents } from './documents/document-events.js';
import { DocumentsController } from './documents/documents.controller.js';
import { DocumentsService } from './documents/documents.service.js';
import { buildChecks } from './health/health-checks.js';
import { dataSourceStarter } from './database/data-source-starter.js';

@Module({})
export class AppModule {
  static register(config: SampleConfig & { databaseUrl: string }): DynamicModule {
    const connections = ConnectionsModule.register(config);
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions(config.databaseUrl, { runMigrations: true })),
        connections,
        DeepHealthModule.forRootAsync({
          imports: [connections],
          inject: [
            getDataSourceToken(),
            { token: REDIS_TOKEN, optional: true },
            { token: DOCUMENTS_QUEUE_TOKEN, optional: true },
            { token: DOCUMENT_EVENTS_TOKEN, optional: true },
          ],
          useFactory: (dataSource: DataSource, redis?: Redis, queue?: Queue, events?: DocumentEvents) => ({
            service: { name: 'sample-app', description: 'nestjs-deep-health sample: documents with pgvector search' },
            checks: buildChecks(config, { dataSource, redis, queue, events }),
            metrics: true,
            adminToken: config.adminToken,
            shutdown: { drainDelayMs: config.drainDelayMs },
            // With Redis, one PUT /health/maintenance {"scope":"fleet"} drains every replica.
            ...(redis ? { maintenance: { store: redisMaintenanceStore({ client: redis, key: 'sample-app:maintenance' }) } } : {}),
          }),
        }),
      ],
      controllers: [DocumentsController],
      providers: [DocumentsService, dataSourceStarter()],
    };
  }
}
