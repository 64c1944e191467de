import type { MaintenanceState } from './maintenance-state.js';

/** Name of the deep-layer check that reports the fleet store. */
export const MAINTENANCE_STORE_CHECK = 'maintenance:store';

/** Passed to every store call. */
export interface StoreCallOptions {
  /**
   * Aborted when the caller stops waiting (`maintenance.storeTimeoutMs`). A store should not send
   * a command after that (e.g. one queued while disconnected), so a write reported as failed
   * does not land later.
   */
  signal?: AbortSignal;
}

/**
 * Where the fleet-wide maintenance state lives, so one call drains every replica and the state
 * survives restarts. `MaintenanceService` validates whatever `read()` returns; a store only keeps
 * and propagates it. Every method may reject when the store is unreachable: replicas then keep
 * their last known state and report the store as `warn`.
 *
 * @example
 * import { redisMaintenanceStore } from 'nestjs-deep-health/redis';
 * DeepHealthModule.forRoot({ maintenance: { store: redisMaintenanceStore({ client: redis }) } });
 */
export interface MaintenanceStore {
  /** The fleet state as stored (validated by the caller), or `undefined` when the fleet is not in maintenance. */
  read(options?: StoreCallOptions): Promise<unknown>;
  /** Stores the fleet state (`undefined` clears it) and tells every subscribed replica. */
  write(state: MaintenanceState | undefined, options?: StoreCallOptions): Promise<void>;
  /**
   * Calls `onChange` whenever another replica may have changed the state (and after a reconnect,
   * when changes may have been missed); the service then calls `read()`. Returns the unsubscribe function.
   */
  subscribe(onChange: () => void): Promise<() => Promise<void> | void>;
  /** Releases what the store opened itself (not the client it was given). */
  close(): Promise<void>;
}

export function isMaintenanceStore(value: unknown): value is MaintenanceStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return ['read', 'write', 'subscribe', 'close'].every((method) => typeof store[method] === 'function');
}
