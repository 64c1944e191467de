import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { HealthCheck } from 'nestjs-deep-health';
import { openaiCheck } from 'nestjs-deep-health/llm';
import { bullmqCheck, rabbitmqCheck } from 'nestjs-deep-health/queues';
import { redisCheck } from 'nestjs-deep-health/redis';
import { migrationsCheck, pgvectorCheck, postgresCheck } from 'nestjs-deep-health/typeorm';
import { qdrantCheck } from 'nestjs-deep-health/vector';
import type { DataSource } from 'typeorm';
import { EMBEDDING_DIMENSIONS, type SampleConfig } from '../config.js';
import { DOCUMENT_EVENTS_QUEUE, type DocumentEvents } from '../documents/document-events.js';

export interface CheckDependencies {
  dataSource: DataSource;
  redis?: Redis;
  queue?: Queue;
  events?: DocumentEvents;
}

/**
 * The sample's checks: what is configured is checked, nothing else. Postgres and its migrations
 * are critical (the app cannot serve without them); shared providers are not.
 */
export function buildChecks(config: SampleConfig, { dataSource, redis, queue, events }: CheckDependencies): HealthCheck[] {
  const checks: HealthCheck[] = [
    postgresCheck({ dataSource }),
    // Gates /health/startup and /health/ready until every migration of this build has run.
    migrationsCheck({ dataSource, startup: true }),
    pgvectorCheck({ dataSource, table: 'documents', column: 'embedding', dimensions: EMBEDDING_DIMENSIONS }),
  ];
  if (redis) checks.push(redisCheck({ client: redis }));
  // Non-critical here: the workers run in another process; the web tier still serves without them.
  if (queue) checks.push(bullmqCheck({ queue, critical: false, minWorkers: 1 }));
  // Nobody consumes document events in the sample, so no consumer is required; a backlog still warns.
  if (events) checks.push(rabbitmqCheck({ connection: events.connection, queue: DOCUMENT_EVENTS_QUEUE, minConsumers: 0, readyWarn: 10_000 }));
  if (config.llm) {
    checks.push(openaiCheck({ baseUrl: config.llm.baseUrl, apiKey: config.llm.apiKey ?? 'EMPTY', model: config.llm.model }));
  }
  if (config.qdrantUrl) checks.push(qdrantCheck({ url: config.qdrantUrl, collection: 'documents', dimensions: EMBEDDING_DIMENSIONS }));
  return checks;
}
