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
  eventLoopDelay?: false | { warnMs?: number; failMs?: number };
  /**
   * Heap used as a fraction of V8's heap limit, or `false` to leave it out.
   * @default { warnRatio: 0.9, failRatio: 0.98 }
   */
  heap?: false | { warnRatio?: number; failRatio?: number };
}

/** `liveness` after resolution: each process check's thresholds, or `false` when it is left out. */
export interface ResolvedLivenessOptions {
  eventLoopDelay: false | { warnMs: number; failMs: number };
  heap: false | { warnRatio: number; failRatio: number };
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
  checks: HealthCheck[];
  service: ResolvedServiceInfo;
  defaults: { timeoutMs: number; cacheTtlMs: number; deadlineMs: number; failureCacheTtlMs: number };
  /** The `defaults` the user set: they beat a check factory's suggestion. */
  userDefaults: UserDefaults;
  adminToken?: string;
  liveness: ResolvedLivenessOptions;
  shutdown: Required<ShutdownOptions>;
  onStatusChange?: (event: StatusTransition) => void;
  sharedResults?: ResolvedSharedResults;
  /** Each group's checks, by name. */
  groups: Record<string, { checks: readonly string[] }>;
}
