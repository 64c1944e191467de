import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthService } from 'nestjs-deep-health';
import { AppModule } from './app.module.js';
import { readConfig } from './config.js';
import { startPglite, type RunningPglite } from './database/embedded-postgres.js';

async function bootstrap(): Promise<void> {
  const logger = new Logger('SampleApp');
  const config = readConfig();
  let embedded: RunningPglite | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    // No DATABASE_URL: an in-memory Postgres (PGlite + pgvector) on a loopback port stands in.
    // Room for this app's pool and a worker's (DATABASE_URL=<the URL printed below> npm run start:worker).
    const { vector } = await import('@electric-sql/pglite-pgvector');
    embedded = await startPglite({ extensions: { vector }, maxConnections: 16 });
    databaseUrl = embedded.url;
    logger.log(`no DATABASE_URL: started embedded Postgres (PGlite + pgvector) at ${embedded.url}`);
  }

  const app = await NestFactory.create(AppModule.register({ ...config, databaseUrl }));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);

  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const health = app.get(HealthService);
  logger.log(`sample app listening on ${base}`);
  for (const path of ['live', 'startup', 'ready', 'deep', 'maintenance']) logger.log(`  ${`/health/${path}`.padEnd(20)} ${base}/health/${path}`);
  logger.log(`active checks: ${health.checks.map((c) => `${c.name}${c.critical ? '' : ' (non-critical)'}${c.startup ? ' (startup)' : ''}`).join(', ')}`);
  if (!config.adminToken) logger.log('HEALTH_ADMIN_TOKEN not set: details are hidden and the maintenance endpoints are disabled');

  if (embedded) {
    const stop = embedded;
    process.once('exit', () => void stop.close());
  }
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
