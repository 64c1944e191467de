import type { StoreCallOptions } from '../../maintenance/maintenance-store.js';
import type { FleetHeartbeat, FleetStore } from '../../status-page/fleet-store.js';
import { Problems } from '../../validation/problems.js';
import { untilAborted } from '../../engine/until-aborted.js';
import { whenReady, type RedisClient } from './redis-connection.js';

/** Options of {@link redisFleetStore}. */
export interface RedisFleetStoreOptions {
  /** The application's ioredis client (`Redis` or `Cluster`); never closed by the store. */
  client: RedisClient;
  /**
   * Key of the hash that holds the heartbeats (one field per replica). Replicas sharing it form one
   * fleet view: give each service its own key when several services share a Redis.
   * @default 'nestjs-deep-health:fleet'
   */
  key?: string;
}

export const REDIS_FLEET_DEFAULTS = { key: 'nestjs-deep-health:fleet' } as const;

/**
 * The fleet view's heartbeats in one Redis hash (`HSET key <replica id> <json>`). The key expires
 * after the longest silence the fleet view keeps (`ui.fleet.forgetAfterMs`), so a fleet that is
 * gone leaves nothing behind; silent replicas are removed by the others (`HDEL`).
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { redisFleetStore } from 'nestjs-deep-health/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * DeepHealthModule.forRoot({ ui: { fleet: { store: redisFleetStore({ client: redis, key: 'orders-api:fleet' }) } } });
 */
export function redisFleetStore(options: RedisFleetStoreOptions): FleetStore {
  const problems = new Problems();
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    problems.add('options', 'must be an object like { client }');
  } else {
    problems.object('', options, ['client', 'key']);
    const client = options.client as Partial<RedisClient> | undefined;
    if (typeof client !== 'object' || client === null || typeof client.hset !== 'function' || typeof client.hgetall !== 'function') {
      problems.add('client', 'must be an ioredis Redis or Cluster instance');
    }
    problems.string('key', options.key);
  }
  problems.throwIfAny('redisFleetStore() options');

  const redis = options.client;
  const key = options.key ?? REDIS_FLEET_DEFAULTS.key;

  return {
    async publish(heartbeat: FleetHeartbeat, ttlMs: number, { signal }: StoreCallOptions = {}) {
      await whenReady(redis, signal);
      const replies = await untilAborted(redis.multi().hset(key, heartbeat.id, JSON.stringify(heartbeat)).pexpire(key, Math.max(1, Math.round(ttlMs))).exec(), signal);
      const failed = replies?.find(([error]) => error);
      if (failed) throw failed[0];
    },

    async list({ signal }: StoreCallOptions = {}) {
      await whenReady(redis, signal);
      const all = await untilAborted(redis.hgetall(key), signal);
      return Object.values(all).map((text) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return undefined;
        }
      });
    },

    async remove(ids: readonly string[], { signal }: StoreCallOptions = {}) {
      if (ids.length === 0) return;
      await whenReady(redis, signal);
      await untilAborted(redis.hdel(key, ...ids), signal);
    },
  };
}
