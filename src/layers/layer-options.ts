import type { HealthCheck } from '../engine/check.js';
import type { UserDefaults } from '../engine/health-engine.js';
import type { StatusTransition } from '../engine/transitions.js';
import type { ResolvedServiceInfo } from '../identity/service-info.js';
import type { ResolvedSharedResults } from './shared-results-options.js';

/** The `liveness` module option: the process-local checks of `/health/live`. */
export interface LivenessOptions {
  /**
   * Event-loop delay (p99 over the last window) thresholds, or `false` to leave it out.
   * @default { warnMs: 200, failMs: 1000 }
   */
  eventLoopDelay?:
    | false
    | {
        /** Delay in milliseconds from which the check reports `warn`. @default 200 */
        warnMs?: number;
        /** Delay in milliseconds from which the check reports `fail`. @default 1000 */
        failMs?: number;
      };
  /**
   * Heap used as a fraction of V8's heap limit, or `false` to leave it out.
   * @default { warnRatio: 0.9, failRatio: 0.98 }
   */
  heap?:
    | false
    | {
        /** Fraction of the heap limit (0 to 1) from which the check reports `warn`. @default 0.9 */
        warnRatio?: number;
        /** Fraction of the heap limit (0 to 1) from which the check reports `fail`. @default 0.98 */
        failRatio?: number;
      };
}

/** `liveness` after resolution: each process check's thresholds, or `false` when it is left out. */
export interface ResolvedLivenessOptions {
  /** The event-loop delay check's thresholds, or `false` when it is left out. */
  eventLoopDelay:
    | false
    | {
        /** Delay in milliseconds from which the check reports `warn`. */
        warnMs: number;
        /** Delay in milliseconds from which the check reports `fail`. */
        failMs: number;
      };
  /** The heap check's thresholds, or `false` when it is left out. */
  heap:
    | false
    | {
        /** Fraction of the heap limit from which the check reports `warn`. */
        warnRatio: number;
        /** Fraction of the heap limit from which the check reports `fail`. */
        failRatio: number;
      };
}

/** The `shutdown` module option. */
export interface ShutdownOptions {
  /**
   * After SIGTERM or SIGINT, how long readiness answers 503 before Nest closes anything, so load
   * balancers and kube-proxy stop routing here first; in-flight requests finish meanwhile. A second
   * signal ends the drain at once. Use it with `app.enableShutdownHooks()` (without it, the process
   * still drains, then exits on the signal without Nest's shutdown hooks).
   * @default 0 (in Kubernetes: more than readiness periodSeconds x failureThreshold, less than terminationGracePeriodSeconds)
   */
  drainDelayMs?: number;
}

/**
 * What the layers (HealthService, GracefulDrain, the process checks) read of the resolved module
 * options. The module's `ResolvedHealthOptions` extends it, so the two cannot drift apart.
 */
export interface OptionsForLayers {
  /** The `forRoot`/`forRootAsync` checks (not those of `forFeature` modules). */
  checks: HealthCheck[];
  /** Name, version and release of this service, as every response shows them. */
  service: ResolvedServiceInfo;
  /** The module `defaults`, with the built-in value wherever the user set none. */
  defaults: {
    /** Per-check timeout in milliseconds. */
    timeoutMs: number;
    /** Per-check result TTL in milliseconds. */
    cacheTtlMs: number;
    /** Time in milliseconds within which every endpoint answers, even while checks still run. */
    deadlineMs: number;
    /** How long a failed result is reused, in milliseconds. */
    failureCacheTtlMs: number;
  };
  /** The `defaults` the user set: they beat a check factory's suggestion. */
  userDefaults: UserDefaults;
  /** Bearer token for details and the maintenance endpoints; unset, those endpoints answer 404. */
  adminToken?: string;
  /** The process checks of `/health/live` and their thresholds. */
  liveness: ResolvedLivenessOptions;
  /** The drain after a shutdown signal (`drainDelayMs`, 0 when not set). */
  shutdown: Required<ShutdownOptions>;
  /** The user's callback for every status transition of a check, if any. */
  onStatusChange?: (event: StatusTransition) => void;
  /** The checks whose results replicas share, and the store; unset when nothing is shared. */
  sharedResults?: ResolvedSharedResults;
  /** Each group's checks, by name. */
  groups: Record<string, { checks: readonly string[] }>;
}
