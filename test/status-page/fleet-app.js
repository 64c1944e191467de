/**
 * One replica for the fleet view test: a Nest app on the built library (`dist/`) whose heartbeat
 * goes to a Redis hash shared by every replica of the test. Run with `fork()`; tells its port over IPC.
 *
 * Environment: ADAPTER, REDIS_URL, FLEET_KEY, APP_VERSION, RELEASE_ID, REPLICA_ID.
 */
'use strict';
require('reflect-metadata');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const Redis = require('ioredis');
const { serveInChild, runChild } = require('../support/child-app.cjs');

const dist = path.resolve(__dirname, '../../dist');
const { DeepHealthModule } = require(path.join(dist, 'index.js'));
const { redisFleetStore } = require(path.join(dist, 'indicators/redis/index.js'));

runChild(async () => {
  const env = process.env;
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  class AppModule {
    onApplicationShutdown() {
      redis.disconnect();
    }
  }
  Reflect.decorate(
    [
      Module({
        imports: [
          DeepHealthModule.forRoot({
            service: { name: 'fleet-ui', version: env.APP_VERSION, releaseId: env.RELEASE_ID },
            liveness: { eventLoopDelay: false },
            ui: {
              refreshIntervalMs: 250,
              fleet: { store: redisFleetStore({ client: redis, key: env.FLEET_KEY }), replicaId: env.REPLICA_ID, heartbeatIntervalMs: 200, staleAfterMs: 1500 },
            },
          }),
        ],
      }),
    ],
    AppModule,
  );
  await serveInChild(AppModule, { adapter: env.ADAPTER });
});
