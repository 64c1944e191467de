import { randomUUID } from 'node:crypto';
import type { CheckResult, SharedCheckResult, SharedResultStore } from '../../engine/health-engine.js';
import { assertReady, type RedisClient } from './redis-connection.js';
import { NOT_AN_OBJECT } from '../../engine/messages.js';
import { Problems, show } from '../../validation/problems.js';
import { NOT_A_REDIS_CLIENT } from './messages.js';

/** Options of {@link redisSharedResultStore}. */
export interface RedisSharedResultStoreOptions {
  /** The application's ioredis client (`Redis` or `Cluster`); never closed by the store. */
  client: RedisClient;
  /** Prefix of the result and lock keys. @default 'nestjs-deep-health:results:' */
  prefix?: string;
}

export const REDIS_SHARED_RESULT_DEFAULTS = { prefix: 'nestjs-deep-health:results:' } as const;

/** Sets the result and drops the lock only if this replica still holds it (its token). */
const PUT_AND_RELEASE = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1`;

/**
 * Shares the results of expensive checks between replicas through Redis: the first replica whose
 * cache expires takes a lock (`SET NX PX`), asks the provider and stores the result with the
 * check's TTL; the others read it. Keys of one check share a hash tag, so it works on a Cluster.
 * Freshness comes from Redis's own TTL (`PTTL`), so replicas' clocks need not agree.
 *
 * @example
 * import { redisSharedResultStore } from 'nestjs-deep-health/redis';
 * DeepHealthModule.forRoot({
 *   checks: [openaiCheck({ apiKey, cacheTtlMs: 60_000 })],
 *   sharedResults: { store: redisSharedResultStore({ client: redis }), checks: ['openai'] },
 * });
 */
export function redisSharedResultStore(options: RedisSharedResultStoreOptions): SharedResultStore {
  const problems = new Problems();
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    problems.add('options', NOT_AN_OBJECT(show(options)));
  } else if (problems.object('', options, ['client', 'prefix'])) {
    const client = options.client as Partial<RedisClient> | undefined;
    if (typeof client !== 'object' || client === null || typeof client.multi !== 'function' || typeof client.eval !== 'function') {
      problems.add('client', NOT_A_REDIS_CLIENT(show(client)));
    }
    if (options.prefix !== undefined && typeof options.prefix !== 'string') problems.add('prefix', `must be a string, got ${show(options.prefix)}`);
  }
  problems.throwIfAny('redisSharedResultStore options');

  const redis = options.client;
  const prefix = options.prefix ?? REDIS_SHARED_RESULT_DEFAULTS.prefix;
  const resultKey = (key: string) => `${prefix}{${key}}:result`;
  const lockKey = (key: string) => `${prefix}{${key}}:lock`;
  // One token per claim, so a replica never releases a lock another replica took after it lapsed.
  const tokens = new Map<string, string>();

  return {
    async get(key: string): Promise<SharedCheckResult | undefined> {
      assertReady(redis);
      const replies = await redis.multi().get(resultKey(key)).pttl(resultKey(key)).exec();
      const [[getError, text], [ttlError, ttl]] = (replies ?? [[null, null], [null, -2]]) as [[Error | null, unknown], [Error | null, unknown]];
      if (getError) throw getError;
      if (ttlError) throw ttlError;
      if (typeof text !== 'string' || typeof ttl !== 'number' || ttl <= 0) return undefined;
      return { result: JSON.parse(text) as CheckResult, expiresAt: Date.now() + ttl };
    },

    async tryLock(key: string, ttlMs: number): Promise<boolean> {
      assertReady(redis);
      const token = randomUUID();
      const won = (await redis.set(lockKey(key), token, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
      if (won) tokens.set(key, token);
      return won;
    },

    async put(key: string, result: CheckResult, ttlMs: number): Promise<void> {
      assertReady(redis);
      const token = tokens.get(key) ?? '';
      tokens.delete(key);
      await redis.eval(PUT_AND_RELEASE, 2, resultKey(key), lockKey(key), JSON.stringify(result), String(Math.max(1, Math.round(ttlMs))), token);
    },
  };
}
