/**
 * Helpers shared by the Redis and queue checks (BullMQ runs on Redis). Nothing here loads a driver.
 * Racing a driver call against the run's signal is `untilAborted` (engine); option validation is
 * `validateCheckOptions` (engine).
 */

/** The part of an ioredis client (or BullMQ's wrapper around one) that the checks read. */
export interface ReadyAwareClient {
  readonly status: string;
}

/**
 * ioredis queues commands while it is not `ready` (offline queue) and, with
 * `maxRetriesPerRequest: null`, retries them forever: a probe must not join that queue.
 * Returns the status when the client cannot answer now, else `undefined`.
 */
export function notReadyStatus(client: ReadyAwareClient): string | undefined {
  return client.status === 'ready' ? undefined : String(client.status);
}

/** An ioredis client that tells when it becomes `ready` (both `Redis` and `Cluster` emit `ready`). */
export interface ReadyEventClient extends ReadyAwareClient {
  once?(event: 'ready', listener: () => void): unknown;
}

/**
 * Watches whether `client` is still making its first connection: created in `wait`, `connecting` or
 * `connect` and never `ready` since (failed attempts before the first ready included: nothing has
 * answered yet). Once it has been `ready`, any later status is an outage, never "connecting";
 * `end` (closed, or no retry left) is not connecting either. ioredis keeps no such flag, so the
 * watch listens for the client's `ready` event once (it adds no other listener, changes nothing);
 * a client already `reconnecting` when the watch starts may have been ready before, so it counts as
 * an outage. Returns a function that tells it at any later moment.
 */
export function watchFirstConnection(client: ReadyEventClient): () => boolean {
  let first = client.status === 'wait' || client.status === 'connecting' || client.status === 'connect';
  if (first) client.once?.('ready', () => (first = false));
  return () => {
    if (client.status === 'ready') first = false;
    return first && client.status !== 'end';
  };
}

/** Rounds for display and measurements (4 significant decimals are plenty for ratios and ms). */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * The secrets in ioredis connection settings: given a client (`Redis` or `Cluster`, which carry
 * their options) or the options themselves (BullMQ's `connection` is either). Passwords of the
 * server, of the Sentinels, and of a Cluster's nodes.
 */
export function redisSecrets(connection: unknown): (string | undefined)[] {
  if (typeof connection !== 'object' || connection === null) return [];
  const own = (connection as { options?: unknown }).options;
  const options = (typeof own === 'object' && own !== null ? own : connection) as RedisSecretOptions;
  return [options.password, options.sentinelPassword, options.redisOptions?.password, options.redisOptions?.sentinelPassword];
}

interface RedisSecretOptions {
  password?: string;
  sentinelPassword?: string;
  redisOptions?: { password?: string; sentinelPassword?: string };
}
