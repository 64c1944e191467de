/**
 * The app under test: a small Nest app on the BUILT library (`require('nestjs-deep-health')`
 * resolves to this repository's package, i.e. `dist/`, by self-reference), run as a child process
 * by bench/run.mjs. It serves, side by side in one process:
 *
 *   GET /bare                   a constant JSON body: the physical limit of this app and adapter
 *   GET /bare-sized             the same with a constant body the size and shape of /health/live's
 *                               (diagnostic: does the size of the answer cost anything?)
 *   GET /health/*               nestjs-deep-health: postgresCheck + migrationsCheck + redisCheck,
 *                               module defaults (timeout 800 ms, TTL 5 s, deadline 900 ms)
 *   GET /terminus/ready         @nestjs/terminus 12, the equivalent checks written the usual way:
 *                               TypeOrmHealthIndicator.pingCheck + a migrations query + a Redis PING
 *                               through HealthIndicatorService, each .withTimeout(800)
 *   GET /terminus/ready-cached  the same with terminus's own cache: .cacheFor(5000)
 *   GET /bench/heap             forces a GC (node --expose-gc) and returns process.memoryUsage()
 *
 * Environment: ADAPTER (express | fastify), PG_PORT, PG_DATABASE, REDIS_PORT; LIVENESS=off runs
 * /health/live without its process checks (to tell the checks' cost from the HTTP layer's).
 * Tells its parent { event: 'listening', port } over IPC.
 */
'use strict';
const { runChild, serveInChild } = require('../test/support/child-app.cjs');
require('reflect-metadata');
const { Controller, Get, Inject, Module } = require('@nestjs/common');
const { HealthCheckService, HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator } = require('@nestjs/terminus');
const { DataSource } = require('typeorm');
const { Redis } = require('ioredis');
const { DeepHealthModule } = require('nestjs-deep-health');
const { migrationsCheck, postgresCheck } = require('nestjs-deep-health/typeorm');
const { redisCheck } = require('nestjs-deep-health/redis');

const TIMEOUT_MS = 800;
const TTL_MS = 5000;
/** The one migration of the bench database (bench/run.mjs records it as run). */
const MIGRATION = 'CreateBench1712000000000';
const MIGRATIONS_SQL = 'SELECT name FROM "migrations" ORDER BY id';

class CreateBench {
  async up() {}
  async down() {}
}
Object.defineProperty(CreateBench, 'name', { value: MIGRATION });

const DATA_SOURCE = 'BENCH_DATA_SOURCE';
const REDIS = 'BENCH_REDIS';

/** Decorates a plain class the way TypeScript's emitted decorators would. */
function decorate(target, decorators, methods = {}, params = []) {
  for (const [name, list] of Object.entries(methods)) {
    Reflect.decorate(list, target.prototype, name, Object.getOwnPropertyDescriptor(target.prototype, name));
  }
  params.forEach((token, index) => Inject(token)(target, undefined, index));
  Reflect.decorate(decorators, target);
}

/** A constant the size and shape of a /health/live body (two process checks with measurements). */
const LIVE_SIZED = {
  status: 'pass',
  version: '1.0.0',
  serviceId: 'bench-app',
  layer: 'live',
  checks: {
    eventLoopDelay: [{ componentType: 'system', status: 'pass', critical: true, time: '2026-12-01T10:00:00.000Z', durationMs: 0, observedValue: 10.2, observedUnit: 'ms', measurements: { p50Ms: 10.1, p99Ms: 12.3, maxMs: 14.1, windowMs: 5000 } }],
    heap: [{ componentType: 'system', status: 'pass', critical: true, time: '2026-12-01T10:00:00.000Z', durationMs: 0, observedValue: 0.31, observedUnit: 'ratio', measurements: { heapUsedMb: 24.3, heapLimitMb: 4144, rssMb: 150.2 } }],
  },
};

class BareController {
  bare() {
    return { status: 'ok' };
  }
  bareSized() {
    return LIVE_SIZED;
  }
  heap() {
    global.gc?.();
    global.gc?.();
    return { ...process.memoryUsage(), gc: typeof global.gc === 'function' };
  }
}
decorate(BareController, [Controller()], { bare: [Get('bare')], bareSized: [Get('bare-sized')], heap: [Get('bench/heap')] });

class TerminusController {
  constructor(health, typeorm, indicators, dataSource, redis) {
    this.health = health;
    this.typeorm = typeorm;
    this.indicators = indicators;
    this.dataSource = dataSource;
    this.redis = redis;
  }

  indicatorsFor(cacheTtlMs) {
    const cached = (attempt) => (cacheTtlMs ? attempt.cacheFor(cacheTtlMs) : attempt);
    const key = (name) => (cacheTtlMs ? `${name}_cached` : name);
    return [
      () => cached(this.typeorm.pingCheck(key('postgres'), { connection: this.dataSource }).withTimeout(TIMEOUT_MS)),
      () =>
        cached(
          this.indicators
            .check(key('migrations'))
            .attempt(async () => {
              const rows = await this.dataSource.query(MIGRATIONS_SQL);
              const executed = new Set(rows.map((row) => row.name));
              const pending = [MIGRATION].filter((name) => !executed.has(name));
              if (pending.length) throw new Error(`${pending.length} pending: ${pending.join(', ')}`);
              return { executed: rows.length };
            })
            .withTimeout(TIMEOUT_MS),
        ),
      () =>
        cached(
          this.indicators
            .check(key('redis'))
            .attempt(() => this.redis.ping())
            .withTimeout(TIMEOUT_MS),
        ),
    ];
  }

  ready() {
    return this.health.check(this.indicatorsFor(0));
  }

  readyCached() {
    return this.health.check(this.indicatorsFor(TTL_MS));
  }
}
decorate(
  TerminusController,
  [Controller('terminus')],
  { ready: [Get('ready')], readyCached: [Get('ready-cached')] },
  [HealthCheckService, TypeOrmHealthIndicator, HealthIndicatorService, DATA_SOURCE, REDIS],
);

async function main() {
  const env = process.env;
  const dataSource = new DataSource({
    type: 'postgres',
    host: '127.0.0.1',
    port: Number(env.PG_PORT ?? 5432),
    username: 'postgres',
    database: env.PG_DATABASE ?? 'test',
    migrations: [CreateBench],
  });
  await dataSource.initialize();
  // An ordinary app client: ioredis defaults (offline queue, reconnecting forever).
  const redis = new Redis({ host: '127.0.0.1', port: Number(env.REDIS_PORT ?? 6379), lazyConnect: true });
  redis.on('error', () => undefined);
  await redis.connect();

  class AppModule {
    async onApplicationShutdown() {
      redis.disconnect();
      await dataSource.destroy();
    }
  }
  decorate(AppModule, [
    Module({
      imports: [
        TerminusModule.forRoot({ logger: false }),
        DeepHealthModule.forRoot({
          service: { name: 'bench-app', version: '1.0.0' },
          ...(env.LIVENESS === 'off' ? { liveness: { eventLoopDelay: false, heap: false } } : {}),
          checks: [postgresCheck({ dataSource }), migrationsCheck({ dataSource }), redisCheck({ client: redis })],
        }),
      ],
      controllers: [BareController, TerminusController],
      providers: [
        { provide: DATA_SOURCE, useValue: dataSource },
        { provide: REDIS, useValue: redis },
      ],
    }),
  ]);

  await serveInChild(AppModule, { adapter: env.ADAPTER, shutdownHooks: true });
}

runChild(main);
