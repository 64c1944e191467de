/**
 * A Nest app that boots while its dependencies are down, as the docs' recipe
 * (docs/dependencies-down-at-boot.md) sets it up. Plain CommonJS on the built library (`dist/`),
 * run as a child process by test/reliability/boot-while-down.test.ts.
 *
 * Environment (each dependency only when its variable is set):
 *   ADAPTER        express | fastify
 *   DATABASE_URL   TypeORM with manualInitialization + DataSourceStarter; postgresCheck, migrationsCheck
 *   NEEDS_ROLE     adds a migration that GRANTs to this role (fails until the role exists)
 *   REDIS_URL      ioredis (fail-fast settings) + redisCheck, a BullMQ queue + bullmqCheck
 *   RABBITMQ_URL   amqp-connection-manager + rabbitmqCheck
 *   QUEUE_PREFIX   prefix of the BullMQ queue and RabbitMQ queue names
 *
 * Prints {"event":"listening","port":...} on stdout once listening.
 */
'use strict';
const { createAdapter } = require('../support/child-app.cjs');
require('reflect-metadata');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

const dist = path.resolve(__dirname, '../../dist');
const { DeepHealthModule } = require(path.join(dist, 'index.js'));

const env = process.env;
const prefix = env.QUEUE_PREFIX ?? 'h12_boot';

class CreateItems1712000000000 {
  name = 'CreateItems1712000000000';
  async up(queryRunner) {
    await queryRunner.query(`CREATE TABLE ${prefix}_items (id serial PRIMARY KEY, title text NOT NULL)`);
  }
  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE ${prefix}_items`);
  }
}
class GrantReader1712100000000 {
  name = 'GrantReader1712100000000';
  async up(queryRunner) {
    await queryRunner.query(`GRANT SELECT ON ${prefix}_items TO ${env.NEEDS_ROLE}`);
  }
  async down() {}
}

async function main() {
  const imports = [];
  const providers = [];
  const inject = [];
  const checkFactories = [];
  const closers = [];

  if (env.DATABASE_URL) {
    const { TypeOrmModule, getDataSourceToken } = require('@nestjs/typeorm');
    const { DataSourceStarter, postgresCheck, migrationsCheck } = require(path.join(dist, 'indicators/typeorm/index.js'));
    imports.push(
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: env.DATABASE_URL,
        migrations: [CreateItems1712000000000, ...(env.NEEDS_ROLE ? [GrantReader1712100000000] : [])],
        migrationsRun: true,
        manualInitialization: true,
        connectTimeoutMS: 2000,
        poolSize: 3,
      }),
    );
    providers.push({
      provide: DataSourceStarter,
      inject: [getDataSourceToken()],
      useFactory: (dataSource) => new DataSourceStarter(dataSource, { retry: { initialDelayMs: 200, maxDelayMs: 1000 } }),
    });
    inject.push(getDataSourceToken());
    checkFactories.push((dataSource) => [postgresCheck({ dataSource }), migrationsCheck({ dataSource, startup: true })]);
  }

  if (env.REDIS_URL) {
    const Redis = require('ioredis');
    const { Queue } = require('bullmq');
    const { redisCheck } = require(path.join(dist, 'indicators/redis/index.js'));
    const { bullmqCheck } = require(path.join(dist, 'indicators/queues/index.js'));
    // The recipe: connect in the background, reconnect forever, fail fast while disconnected.
    const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 };
    const redis = new Redis(env.REDIS_URL, failFast);
    redis.on('error', () => undefined);
    const queue = new Queue(`${prefix}_jobs`, { connection: { ...parseRedisUrl(env.REDIS_URL), ...failFast } });
    queue.on('error', () => undefined);
    closers.push(() => queue.close().catch(() => undefined), () => redis.disconnect());
    checkFactories.push(() => [redisCheck({ client: redis, startup: true }), bullmqCheck({ queue, minWorkers: 0 })]);
  }

  if (env.RABBITMQ_URL) {
    const amqp = require('amqp-connection-manager');
    const { rabbitmqCheck } = require(path.join(dist, 'indicators/queues/index.js'));
    const connection = amqp.connect([env.RABBITMQ_URL], { heartbeatIntervalInSeconds: 2, reconnectTimeInSeconds: 0.5, connectionOptions: { timeout: 2000 } });
    const channel = connection.createChannel({ setup: (ch) => ch.assertQueue(`${prefix}_events`, { durable: false }) });
    closers.push(async () => {
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
    });
    checkFactories.push(() => [rabbitmqCheck({ connection, queue: `${prefix}_events`, minConsumers: 0, startup: true })]);
  }

  class AppModule {
    async onApplicationShutdown() {
      for (const close of closers) await close();
    }
  }
  Reflect.decorate(
    [
      Module({
        imports: [
          ...imports,
          DeepHealthModule.forRootAsync({
            inject,
            useFactory: (...deps) => ({
              service: { name: 'boot-app', version: '1.0.0' },
              details: 'always',
              defaults: { timeoutMs: 1000, cacheTtlMs: 500 },
              checks: checkFactories.flatMap((factory) => factory(...deps)),
            }),
          }),
        ],
        providers,
      }),
    ],
    AppModule,
  );
  const app = await NestFactory.create(AppModule, createAdapter(env.ADAPTER), { logger: env.APP_LOGS ? undefined : false });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: app.getHttpServer().address().port, at: Date.now() })}\n`);
}

function parseRedisUrl(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379) };
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
