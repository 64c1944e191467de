import type { MetricsOptions, ResolvedMetricsOptions } from '../metrics/health-metrics.js';
import type { HealthServerOptions } from '../transport/standalone/health-server.js';
import type { HealthCheck } from '../engine/check.js';
import type { UserDefaults } from '../engine/health-engine.js';
import type { HealthStatus } from '../engine/health-status.js';
import type { MaintenanceOptions, ResolvedMaintenanceOptions } from '../maintenance/maintenance-options.js';
import type { ResolvedSharedResults, SharedResultsOptions } from './shared-results-options.js';

/** Who may see failure outputs and details in responses. */
export type DetailsPolicy = 'always' | 'when-authorized' | 'never';

/** Response body shape. */
export type ResponseFormat = 'ietf' | 'terminus';

export interface ServiceInfo {
  /** `serviceId` in responses. @default the app's package.json `name` */
  name?: string;
  /** @default env `APP_VERSION`, else the app's package.json `version` */
  version?: string;
  /** @default env `RELEASE_ID`, else env `GIT_SHA` */
  releaseId?: string;
  description?: string;
}

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

export interface StatusChangeEvent {
  /** The check name. */
  check: string;
  previous: HealthStatus | undefined;
  current: HealthStatus;
  output?: string;
  time: string;
}

export interface DeepHealthModuleOptions {
  /**
   * Base path of the health endpoints; also taken from a `forRootAsync` factory's result (a
   * `path` given to `forRoot`/`forRootAsync` itself wins). @default 'health'
   */
  path?: string;
  /** The checks of this service. Names must be unique. @default [] */
  checks?: HealthCheck[];
  service?: ServiceInfo;
  defaults?: {
    /** Per-check timeout. @default 800 */
    timeoutMs?: number;
    /** Per-check result cache TTL. @default 5000 */
    cacheTtlMs?: number;
    /**
     * How long a failed result is reused (capped at the check's `cacheTtlMs`), so a recovered
     * dependency is seen within about a second while a probe flood still makes one call per interval.
     * @default 1000
     */
    failureCacheTtlMs?: number;
    /**
     * Time within which every endpoint answers, even while checks still run
     * (fits a Kubernetes probe's default 1 s timeout). @default 900
     */
    deadlineMs?: number;
  };
  /** Who sees failure outputs and details. @default 'when-authorized' */
  details?: DetailsPolicy;
  /** Bearer token for details and the maintenance endpoints. Without it those endpoints answer 404. */
  adminToken?: string;
  liveness?: LivenessOptions;
  shutdown?: ShutdownOptions;
  /** @default 'ietf' (application/health+json) */
  format?: ResponseFormat;
  /** Called once per status transition of a check (never once per probe). */
  onStatusChange?: (event: StatusChangeEvent) => void;
  /** Maintenance mode: initial state, read-only mode, fleet store. See `MaintenanceOptions`. */
  maintenance?: MaintenanceOptions;
  /** Share the results of chosen expensive checks between replicas (one call per TTL for the fleet). */
  sharedResults?: SharedResultsOptions;
  /**
   * Prometheus metrics at `/<path>/metrics` (needs the optional peer prom-client). `true` for a
   * registry of the module's own; `{ registry }` to add them to the app's registry.
   * @default false
   */
  metrics?: boolean | MetricsOptions;
  /**
   * Serve the health endpoints on a port of their own, for apps without an HTTP adapter (workers
   * made with `NestFactory.createApplicationContext`) or for a separate management port.
   * `true` uses env `HEALTH_PORT` (else 9000) on 0.0.0.0.
   */
  server?: boolean | HealthServerOptions;
}

/** Options known before the async factory runs (they shape the routes). */
export interface DeepHealthModuleExtras {
  /** Base path of the health endpoints. @default 'health' */
  path?: string;
}

export interface ResolvedHealthOptions {
  path: string;
  checks: HealthCheck[];
  service: { name: string; version: string; releaseId?: string; description?: string };
  defaults: { timeoutMs: number; cacheTtlMs: number; deadlineMs: number; failureCacheTtlMs: number };
  /** The `defaults` the user set: they beat a check factory's suggestion. */
  userDefaults: UserDefaults;
  details: DetailsPolicy;
  adminToken?: string;
  liveness: {
    eventLoopDelay: false | { warnMs: number; failMs: number };
    heap: false | { warnRatio: number; failRatio: number };
  };
  shutdown: { drainDelayMs: number };
  format: ResponseFormat;
  onStatusChange?: (event: StatusChangeEvent) => void;
  maintenance: ResolvedMaintenanceOptions;
  sharedResults?: ResolvedSharedResults;
  metrics?: ResolvedMetricsOptions;
  server?: { port: number; host: string };
}
