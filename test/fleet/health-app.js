/**
 * A tiny Nest app with DeepHealthModule, run as a child process by the fleet and drain tests.
 * Plain JavaScript on the built library (`dist/`, made by `npm run build` before jest runs), so
 * each replica is a real, separate Node process, as in production.
 *
 * Environment:
 *   ADAPTER          express | fastify (default express)
 *   ADMIN_TOKEN      enables the maintenance endpoints
 *   REDIS_URL        with MAINTENANCE_KEY: fleet maintenance through Redis
 *   MAINTENANCE_KEY  key of the fleet state
 *   DRAIN_DELAY_MS   shutdown.drainDelayMs
 *   TRANSPORT        adapter (default: Express/Fastify from ADAPTER) | standalone (no HTTP adapter:
 *                    NestFactory.createApplicationContext with the module's `server` option)
 *   SLOW_SHUTDOWN_MS a provider whose onApplicationShutdown takes this long (a queue worker finishing its jobs)
 *
 * Prints one JSON line per event on stdout: {"event":"listening","port":...}, {"event":"db-closed","at":...},
 * {"event":"check-run"} (each run of the `orders-db` check), {"event":"worker-stopping"|"worker-stopped"}.
 * Routes: GET /orders, POST /orders, GET /orders/slow?ms=&db= (waits, then fails with 500 if the
 * "database" was already closed by its onModuleDestroy, unless db=skip).
 */
'use strict';
const { createAdapter } = require('../support/child-app.cjs');
require('reflect-metadata');
const path = require('node:path');
const { Controller, Get, Inject, Injectable, Module, Post, Query } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

const dist = path.resolve(__dirname, '../../dist');
const { DeepHealthModule, HealthServerHost, defineCheck } = require(path.join(dist, 'index.js'));

const emit = (event, extra = {}) => process.stdout.write(`${JSON.stringify({ event, at: Date.now(), ...extra })}\n`);

/** Stands in for a database pool that a user's provider closes in onModuleDestroy (as with Prisma's $disconnect()). */
class Database {
  constructor() {
    this.closed = false;
  }
  onModuleDestroy() {
    this.closed = true;
    emit('db-closed');
  }
}
Reflect.decorate([Injectable()], Database);

/** Stands in for a BullMQ worker that finishes its jobs in onApplicationShutdown. */
class SlowWorker {
  async onApplicationShutdown() {
    emit('worker-stopping');
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLOW_SHUTDOWN_MS)));
    emit('worker-stopped');
  }
}
Reflect.decorate([Injectable()], SlowWorker);

class OrdersController {
  constructor(db) {
    this.db = db;
  }
  list() {
    return [{ id: 1 }];
  }
  create() {
    return { id: 2 };
  }
  async slow(ms, db) {
    await new Promise((resolve) => setTimeout(resolve, Number(ms) || 100));
    if (db !== 'skip' && this.db.closed) throw new Error('database pool is closed');
    return { ok: true };
  }
}
Reflect.decorate([Controller('orders')], OrdersController);
Inject(Database)(OrdersController, undefined, 0);
const describe = (name) => Object.getOwnPropertyDescriptor(OrdersController.prototype, name);
Reflect.decorate([Get()], OrdersController.prototype, 'list', describe('list'));
Reflect.decorate([Post()], OrdersController.prototype, 'create', describe('create'));
Reflect.decorate([Get('slow')], OrdersController.prototype, 'slow', describe('slow'));
Query('ms')(OrdersController.prototype, 'slow', 0);
Query('db')(OrdersController.prototype, 'slow', 1);

async function main() {
  const env = process.env;
  let redis;
  const maintenance = {};
  if (env.REDIS_URL && env.MAINTENANCE_KEY) {
    const Redis = require('ioredis');
    const { redisMaintenanceStore } = require(path.join(dist, 'stores/redis/redis-maintenance.store.js'));
    redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    maintenance.store = redisMaintenanceStore({ client: redis, key: env.MAINTENANCE_KEY });
  }
  class AppModule {
    onApplicationShutdown() {
      redis?.disconnect();
    }
  }
  const standalone = env.TRANSPORT === 'standalone';
  // The "database" as a check: each run is an event, so a test can see that none runs once resources close.
  const ordersDb = defineCheck({ name: 'orders-db', cacheTtlMs: 0, run: () => void emit('check-run') });
  Reflect.decorate(
    [
      Module({
        imports: [
          DeepHealthModule.forRoot({
            adminToken: env.ADMIN_TOKEN,
            service: { name: 'fleet-app', version: '1.0.0' },
            shutdown: { drainDelayMs: Number(env.DRAIN_DELAY_MS ?? 0) },
            maintenance,
            checks: [ordersDb],
            ...(standalone ? { server: { port: Number(env.PORT ?? 0), host: '127.0.0.1' } } : {}),
          }),
        ],
        controllers: standalone ? [] : [OrdersController],
        providers: [Database, ...(env.SLOW_SHUTDOWN_MS ? [SlowWorker] : [])],
      }),
    ],
    AppModule,
  );
  const logger = env.APP_LOGS ? undefined : false;
  if (standalone) {
    const app = await NestFactory.createApplicationContext(AppModule, { logger });
    app.enableShutdownHooks();
    emit('listening', { port: app.get(HealthServerHost).address.port });
    return;
  }
  const adapter = createAdapter(env.ADAPTER);
  const app = await NestFactory.create(AppModule, adapter, { logger });
  app.enableShutdownHooks();
  await app.listen(Number(env.PORT ?? 0), '127.0.0.1');
  emit('listening', { port: app.getHttpServer().address().port });
}

process.on('exit', (code) => emit('exit', { code }));
main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
