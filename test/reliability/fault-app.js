/**
 * The app the reliability tests fault: a small Nest app on the BUILT library (dist/, made by
 * `npm run build` before jest runs), run as a child process so that a crash is a real exit and an
 * unhandled rejection reaches a real `process.on('unhandledRejection')` listener (inside jest,
 * jest-circus swaps every such listener for its own while a test runs).
 *
 * Checks: postgresCheck + migrationsCheck (TypeORM DataSource) + redisCheck (ioredis), details always.
 * Environment: PG_PORT, PG_DATABASE, REDIS_PORT, TIMEOUT_MS, TTL_MS, DEADLINE_MS, POOL_SIZE,
 * MIGRATION (the one migration of this build), ADAPTER (express | fastify), DEEP_HEALTH_DIST.
 *
 * Test-only routes:
 *   GET /test/state   { unhandled, reasons, pool: { total, idle, waiting, max }, redis: status }
 *   GET /test/query   a normal app query on the DataSource (SELECT 1), 503 if it takes over 3 s
 *   GET /test/redis   a normal app command (PING), 503 if it takes over 3 s
 *   GET /test/reject  leaves one promise rejection unhandled (proves the detector works)
 * Tells its parent { event: 'listening', port } over IPC.
 */
'use strict';
const { runChild, serveInChild } = require('../support/child-app.cjs');
require('reflect-metadata');
const path = require('node:path');
const { Controller, Get, Module, ServiceUnavailableException } = require('@nestjs/common');
const { DataSource } = require('typeorm');
const { Redis } = require('ioredis');

// DEEP_HEALTH_DIST points at another build (e.g. a patched copy, to try a fix); default: this repo's.
const dist = path.resolve(process.env.DEEP_HEALTH_DIST || path.join(__dirname, '../../dist'));
const { DeepHealthModule } = require(path.join(dist, 'index.js'));
const { migrationsCheck, postgresCheck } = require(path.join(dist, 'indicators/typeorm/index.js'));
const { redisCheck } = require(path.join(dist, 'indicators/redis/index.js'));

const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason && reason.stack ? reason.stack : reason).slice(0, 500)));

const env = process.env;

function within(ms, promise) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new ServiceUnavailableException(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  class Migration {
    async up() {}
    async down() {}
  }
  Object.defineProperty(Migration, 'name', { value: env.MIGRATION });
  const dataSource = new DataSource({
    type: 'postgres',
    host: '127.0.0.1',
    port: Number(env.PG_PORT),
    username: 'postgres',
    database: env.PG_DATABASE,
    poolSize: Number(env.POOL_SIZE ?? 4),
    migrations: [Migration],
  });
  await dataSource.initialize();
  // An app's client, reconnecting every 100 ms, so the recovery bound the tests assert is known.
  const redis = new Redis({ host: '127.0.0.1', port: Number(env.REDIS_PORT), lazyConnect: true, retryStrategy: () => 100 });
  redis.on('error', () => undefined);
  await redis.connect();

  class TestController {
    state() {
      const pool = dataSource.driver.master;
      return {
        unhandled: unhandled.length,
        reasons: unhandled,
        pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max },
        redis: redis.status,
      };
    }
    async query() {
      return { rows: await within(3000, dataSource.query('SELECT 1 AS ok')) };
    }
    async ping() {
      return { reply: await within(3000, redis.ping()) };
    }
    reject() {
      void Promise.reject(new Error('canary: deliberately unhandled'));
      return { rejected: true };
    }
  }
  for (const [method, route] of [['state', 'state'], ['query', 'query'], ['ping', 'redis'], ['reject', 'reject']]) {
    Reflect.decorate([Get(route)], TestController.prototype, method, Object.getOwnPropertyDescriptor(TestController.prototype, method));
  }
  Reflect.decorate([Controller('test')], TestController);

  class AppModule {
    async onApplicationShutdown() {
      redis.disconnect();
      await dataSource.destroy().catch(() => undefined);
    }
  }
  Reflect.decorate(
    [
      Module({
        imports: [
          DeepHealthModule.forRoot({
            service: { name: 'reliability-app', version: '1.0.0' },
            details: 'always',
            defaults: { timeoutMs: Number(env.TIMEOUT_MS), cacheTtlMs: Number(env.TTL_MS), deadlineMs: Number(env.DEADLINE_MS) },
            checks: [postgresCheck({ dataSource }), migrationsCheck({ dataSource }), redisCheck({ client: redis })],
          }),
        ],
        controllers: [TestController],
      }),
    ],
    AppModule,
  );
  await serveInChild(AppModule, { adapter: env.ADAPTER, logger: env.APP_LOGS ? undefined : false });
}

runChild(main);
