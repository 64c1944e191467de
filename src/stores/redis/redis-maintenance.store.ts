import type { MaintenanceState } from '../../maintenance/maintenance-state.js';
import type { MaintenanceStore, StoreCallOptions } from '../../maintenance/maintenance-store.js';
import { untilAborted } from '../../engine/until-aborted.js';
import { whenReady, type RedisClient } from './redis-connection.js';
import { NOT_AN_OBJECT } from '../../engine/messages.js';
import { Problems, show } from '../../validation/problems.js';
import { NOT_A_REDIS_CLIENT } from './messages.js';

/** Options of {@link redisMaintenanceStore}. */
export interface RedisMaintenanceStoreOptions {
  /**
   * The application's ioredis client (`Redis` or `Cluster`). The store sends GET/SET/DEL/PUBLISH
   * on it and opens one `duplicate()` connection of its own for SUBSCRIBE, closed on shutdown.
   * The client itself is never closed by the store.
   */
  client: RedisClient;
  /**
   * Key that holds the fleet state. Replicas sharing it form one fleet: give each service its own
   * key when several services share a Redis.
   * @default 'nestjs-deep-health:maintenance'
   */
  key?: string;
  /** Pub/sub channel that tells replicas to re-read the key. @default `${key}:changed` */
  channel?: string;
}

export const REDIS_MAINTENANCE_DEFAULTS = { key: 'nestjs-deep-health:maintenance' } as const;

/**
 * Keeps replicas still in maintenance after the store's key expired this long past `until`, so a
 * replica with a slightly slow clock still sees the end coming from `until`, not from a vanished key.
 */
const EXPIRY_GRACE_MS = 60_000;

/**
 * Fleet-wide maintenance in Redis: the state lives in a key (so it survives restarts of any
 * replica), changes are announced on a pub/sub channel (so every replica applies them within
 * milliseconds), and `MaintenanceService` also polls the key (`maintenance.pollIntervalMs`) in
 * case a notification is lost. A maintenance with an end also gets a Redis TTL, so the key cleans
 * itself up.
 *
 * @example
 * import Redis from 'ioredis';
 * import { redisMaintenanceStore } from 'nestjs-deep-health/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * DeepHealthModule.forRoot({
 *   adminToken: process.env.HEALTH_ADMIN_TOKEN,
 *   maintenance: { store: redisMaintenanceStore({ client: redis, key: 'orders-api:maintenance' }) },
 * });
 */
export function redisMaintenanceStore(options: RedisMaintenanceStoreOptions): MaintenanceStore {
  const problems = new Problems();
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    problems.add('options', NOT_AN_OBJECT(show(options)));
  } else if (problems.object('', options, ['client', 'key', 'channel'])) {
    const client = options.client as Partial<RedisClient> | undefined;
    if (typeof client !== 'object' || client === null || typeof client.duplicate !== 'function' || typeof client.get !== 'function') {
      problems.add('client', NOT_A_REDIS_CLIENT(show(client)));
    }
    problems.string('key', options.key);
    problems.string('channel', options.channel);
  }
  problems.throwIfAny('redisMaintenanceStore options');

  const redis = options.client;
  const key = options.key ?? REDIS_MAINTENANCE_DEFAULTS.key;
  const channel = options.channel ?? `${key}:changed`;
  const subscribers = new Set<RedisClient>();

  return {
    async read({ signal }: StoreCallOptions = {}) {
      await whenReady(redis, signal);
      const text = await untilAborted(redis.get(key), signal);
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // MaintenanceService reports a value it cannot use; it must not take it for "off".
        return `unparseable JSON (${text.length} characters)`;
      }
    },

    async write(state: MaintenanceState | undefined, { signal }: StoreCallOptions = {}) {
      await whenReady(redis, signal);
      const transaction = redis.multi();
      if (state?.enabled) {
        const ttlMs = state.until ? Date.parse(state.until) - Date.now() + EXPIRY_GRACE_MS : undefined;
        if (ttlMs !== undefined) transaction.set(key, JSON.stringify(state), 'PX', Math.max(1, Math.round(ttlMs)));
        else transaction.set(key, JSON.stringify(state));
      } else {
        transaction.del(key);
      }
      transaction.publish(channel, state?.enabled ? 'on' : 'off');
      const replies = await untilAborted(transaction.exec(), signal);
      const failed = replies?.find(([error]) => error);
      if (!replies) throw new Error('Redis transaction was discarded');
      if (failed) throw failed[0];
    },

    async subscribe(onChange: () => void) {
      const subscriber = redis.duplicate();
      subscribers.add(subscriber);
      // Without a listener ioredis prints every reconnect error; MaintenanceService reports outages.
      subscriber.on('error', () => undefined);
      subscriber.on('message', (from: string) => {
        if (from === channel) onChange();
      });
      // After a reconnect, notifications sent meanwhile are lost: subscribe again (idempotent) and re-read once.
      let connectedBefore = false;
      subscriber.on('ready', () => {
        if (connectedBefore) {
          void subscriber.subscribe(channel).catch(() => undefined);
          onChange();
        }
        connectedBefore = true;
      });
      // Not bounded here: MaintenanceService stops waiting after storeTimeoutMs, and a subscription
      // that completes later (Redis was down at boot) is still wanted.
      await subscriber.subscribe(channel);
      return async () => {
        subscribers.delete(subscriber);
        await closeQuietly(subscriber);
      };
    },

    async close() {
      await Promise.all([...subscribers].map(closeQuietly));
      subscribers.clear();
    },
  };
}

async function closeQuietly(connection: RedisClient): Promise<void> {
  if (connection.status === 'end') return;
  try {
    if (connection.status === 'ready') await connection.quit();
    else connection.disconnect();
  } catch {
    connection.disconnect();
  }
}
