import type { Cluster, Redis } from 'ioredis';
import { STORE_CLOSED, STORE_NOT_READY } from '../../maintenance/messages.js';

/** An ioredis client the fleet stores accept: a single node or a Cluster. */
export type RedisClient = Redis | Cluster;

/** Statuses from which ioredis will not connect again by itself. */
const ENDED = new Set(['end', 'close']);

/**
 * Resolves once `client` is ready to take a command, rejects when `signal` aborts first or the
 * client has ended. Commands are then sent only to a live connection, never queued in ioredis's
 * offline queue, where a write the caller already gave up on could land minutes later.
 */
export function whenReady(client: RedisClient, signal?: AbortSignal): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (ENDED.has(client.status)) return Promise.reject(new Error(STORE_NOT_READY(client.status)));
  if (signal?.aborted) return Promise.reject(signal.reason ?? new Error(STORE_NOT_READY(client.status)));
  if (client.status === 'wait') void client.connect().catch(() => undefined);
  return new Promise((resolve, reject) => {
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(STORE_CLOSED));
    };
    const onAbort = () => {
      cleanup();
      reject(signal?.reason ?? new Error(STORE_NOT_READY(client.status)));
    };
    const cleanup = () => {
      client.off('ready', onReady);
      client.off('end', onEnd);
      signal?.removeEventListener('abort', onAbort);
    };
    client.once('ready', onReady);
    client.once('end', onEnd);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Throws unless `client` can take a command now: callers that have a fallback (a local run) use
 * it instead of waiting, so an outage never piles up queued commands or listeners.
 */
export function assertReady(client: RedisClient): void {
  if (client.status === 'ready') return;
  if (client.status === 'wait') void client.connect().catch(() => undefined);
  throw new Error(STORE_NOT_READY(client.status));
}
