import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthServerHost } from 'nestjs-deep-health';
import { readConfig } from './config.js';
import { WorkerModule } from './worker.module.js';

/**
 * The BullMQ worker process: no HTTP adapter, so `server` makes the module serve the health
 * endpoints on HEALTH_PORT (0.0.0.0 by default: a container's probe comes from outside its loopback).
 */
async function bootstrap(): Promise<void> {
  const logger = new Logger('SampleWorker');
  const config = readConfig();
  const missing = [!config.databaseUrl && 'DATABASE_URL', !config.redisUrl && 'REDIS_URL'].filter(Boolean);
  if (missing.length > 0) {
    logger.error(`the worker needs ${missing.join(' and ')} (start the web app first: with no DATABASE_URL it prints the URL of its embedded Postgres)`);
    process.exit(1);
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.register({ ...config, databaseUrl: config.databaseUrl!, redisUrl: config.redisUrl! }));
  app.enableShutdownHooks();
  await app.init();
  const address = app.get(HealthServerHost).address!;
  logger.log(`worker health endpoints on http://${address.host === '0.0.0.0' ? '127.0.0.1' : address.host}:${address.port}/health/{live,startup,ready,deep,metrics}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
