import type { HealthStatus } from '../engine/health-status.js';
import type { StoreCallOptions } from '../maintenance/maintenance-store.js';

/** What each replica publishes about itself. Small and secret-free: ids, versions, statuses. */
export interface FleetHeartbeat {
  /** The replica's id (`ui.fleet.replicaId`). */
  id: string;
  /** The replica's service name (`service.name`). */
  service: string;
  /** The version the replica runs (`service.version`). */
  version: string;
  /** The replica's release id (`service.releaseId`), when it has one. */
  releaseId?: string;
  /** Layer statuses at the time of the heartbeat. */
  layers: {
    /** Status of `/<path>/live`. */
    live: HealthStatus;
    /** Status of `/<path>/startup`. */
    startup: HealthStatus;
    /** Status of `/<path>/ready`. */
    ready: HealthStatus;
  };
  /** Whether readiness reported maintenance (this instance's or the fleet's). */
  maintenance: boolean;
  /** Whether the replica was draining after SIGTERM/SIGINT (readiness 503 before shutdown). */
  draining: boolean;
  /** When the replica's process started (ISO 8601). */
  startedAt: string;
  /** When this heartbeat was sent (epoch ms, the replica's clock). */
  seenAt: number;
}

/**
 * Where replicas publish their heartbeats for the fleet view. The service validates whatever
 * `list()` returns (other processes write there). Every method may reject when the store is
 * unreachable: the page then says so, and the replica keeps publishing on its schedule.
 *
 * @example
 * import { redisFleetStore } from 'nestjs-deep-health/redis';
 * DeepHealthModule.forRoot({ ui: { fleet: { store: redisFleetStore({ client: redis }) } } });
 */
export interface FleetStore {
  /** Publishes (or replaces) this replica's heartbeat; the whole list may expire after `ttlMs` of silence. */
  publish(heartbeat: FleetHeartbeat, ttlMs: number, options?: StoreCallOptions): Promise<void>;
  /** Every heartbeat in the store, as stored (validated by the caller). */
  list(options?: StoreCallOptions): Promise<unknown[]>;
  /** Removes replicas from the list (this one at shutdown, or ones silent for too long). */
  remove(ids: readonly string[], options?: StoreCallOptions): Promise<void>;
}
