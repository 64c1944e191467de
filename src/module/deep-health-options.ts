import type { DynamicModule, ForwardReference, InjectionToken, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { HealthCheck } from '../engine/check.js';
import type { StatusTransition } from '../engine/transitions.js';
import type { ResolvedServiceInfo, ServiceInfo } from '../identity/service-info.js';
import type { LivenessOptions, OptionsForLayers, ResolvedLivenessOptions, ShutdownOptions } from '../layers/layer-options.js';
import type { SharedResultsOptions } from '../layers/shared-results-options.js';
import type { MaintenanceOptions, OptionsForMaintenance } from '../maintenance/maintenance-options.js';
import type { MetricsOptions, ResolvedMetricsOptions } from '../metrics/health-metrics.js';
import type { OptionsForStatusPage, StatusPageOptions, WebhookOptions } from '../status-page/status-page-options.js';
import type { AuthFailureBudgetOptions } from '../transport/auth-failure-budget.js';
import type { HealthServerOptions } from '../transport/standalone/health-server.js';
import type { DetailsPolicy, OptionsForTransport, ResponseFormat } from '../transport/transport-options.js';

// Option types owned by the folders that read them, re-exported here as part of the module's options.
export type { DetailsPolicy, LivenessOptions, ResolvedLivenessOptions, ResolvedServiceInfo, ResponseFormat, ServiceInfo, ShutdownOptions };

/** What `onStatusChange` receives: one status transition of a check. */
export type StatusChangeEvent = StatusTransition;

/**
 * The options of `DeepHealthModule.forRoot`, or what a `forRootAsync` factory returns. Validated once
 * at boot; every problem is reported in one `InvalidOptionsError`. See docs/options.md.
 */
export interface DeepHealthModuleOptions {
  /**
   * Base path of the health endpoints; also taken from a `forRootAsync` factory's result (a
   * `path` given to `forRoot`/`forRootAsync` itself wins). @default 'health'
   */
  path?: string;
  /** The checks of this service. Names must be unique. @default [] */
  checks?: HealthCheck[];
  /**
   * Name, version and release of this service, shown in every response, the metrics and the status page.
   * @default read from env `APP_VERSION`, `RELEASE_ID`, `GIT_SHA` and the app's package.json
   */
  service?: ServiceInfo;
  /** Timeouts and cache TTLs for every check that does not set its own (all in milliseconds). */
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
  /**
   * Wrong admin tokens one client (remote address) may send before it gets 429 with `Retry-After`
   * until its window ends; other clients and token-less probes are never affected. `false` turns
   * it off. @default { maxFailures: 10, windowSeconds: 60, maxClients: 10000 }
   */
  authFailureBudget?: AuthFailureBudgetOptions | false;
  /** Thresholds of the process checks of `/<path>/live` (event-loop delay, heap), or `false` to leave one out. */
  liveness?: LivenessOptions;
  /** The graceful drain after SIGTERM/SIGINT: how long readiness answers 503 before Nest closes. */
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
  /**
   * The status page for people at `GET /<path>/ui`, with the check history behind it
   * (`GET /<path>/history`) and, with `ui.fleet.store`, the fleet view (`GET /<path>/fleet`).
   * `false` turns all three off (and stops recording the history).
   * @default true
   * @example { refreshIntervalMs: 2000, fleet: { store: redisFleetStore({ client: redis }) } }
   */
  ui?: boolean | StatusPageOptions;
  /**
   * Webhooks told about status transitions (generic JSON, Slack or Teams shapes), debounced,
   * retried with backoff, never on a probe's path. `onStatusChange` stays for custom code.
   * @default []
   * @example [{ url: process.env.SLACK_WEBHOOK_URL!, format: 'slack' }]
   */
  webhooks?: WebhookOptions[];
  /**
   * Named sets of checks served at `GET /<path>/groups/<name>`, for a dashboard of one team's
   * dependencies or a second load balancer that needs a readiness of its own. Every listed check
   * counts as critical there; maintenance and draining make a group 503 as they do readiness.
   * Names may refer to checks of `forFeature` modules. An unknown name fails at boot.
   * @default {}
   * @example
   * groups: { payments: { checks: ['postgres', 'stripe'], details: 'always' } }
   */
  groups?: Record<string, HealthGroupOptions>;
}

/** One health group: the checks it runs and who sees their details. */
export interface HealthGroupOptions {
  /** Names of checks (of `forRoot`, `forRootAsync` or any `forFeature`). At least one. */
  checks: string[];
  /** Who sees failure outputs and details at this group's endpoint. @default the module's `details` */
  details?: DetailsPolicy;
}

/**
 * Options known before the async factory runs: they shape the controller and the module itself,
 * so `forRootAsync` takes them beside `useFactory`, not from it.
 */
export interface DeepHealthModuleExtras {
  /** Base path of the health endpoints. @default 'health' */
  path?: string;
  /**
   * Registers the module globally, so `MaintenanceService`, `HealthService` and the options token
   * are injectable in every module without importing it again.
   * @default true
   * @example
   * DeepHealthModule.forRootAsync({ isGlobal: false, useFactory: () => ({}) })
   */
  isGlobal?: boolean;
  /**
   * Class decorators applied to the health controller, so it follows the app's own policy for
   * global guards and interceptors (e.g. `Public()` for a JWT guard, `SkipThrottle()` for the
   * `ThrottlerGuard`). See docs/in-a-real-app.md.
   * @default []
   * @example
   * controllerDecorators: [Public(), SkipThrottle()]
   */
  controllerDecorators?: ClassDecorator[];
  /**
   * Serves the endpoints as `VERSION_NEUTRAL`, so `app.enableVersioning({ type: URI, defaultVersion: '1' })`
   * leaves them at `/health/*` instead of moving them to `/v1/health/*`. `false` lets them follow
   * the app's default version.
   * @default true
   * @example
   * versionNeutral: false // GET /v1/health/ready with enableVersioning({ type: URI, defaultVersion: '1' })
   */
  versionNeutral?: boolean;
  /**
   * Documents the endpoints in the @nestjs/swagger document when that package is installed
   * (schemas, 200/503/400/401/404, bearer auth on maintenance, operationIds prefixed `deepHealth_`).
   * `false` leaves them out of the document (`ApiExcludeController`). Never loads @nestjs/swagger
   * when it is not installed.
   * @default true
   * @example
   * swagger: false // keep the probes out of the public API document
   */
  swagger?: boolean;
  /**
   * Also serve kube-apiserver style aliases at the app root: `GET /livez` (= `/<path>/live`),
   * `GET /readyz` (= `/<path>/ready`) and `GET /startupz` (= `/<path>/startup`), with `?verbose`
   * and `?exclude=`. Off by default: root paths belong to the app.
   * @default false
   * @example
   * kubernetesAliases: true // curl 'http://pod:3000/readyz?verbose'
   */
  kubernetesAliases?: boolean;
}

/** What a feature module contributes with `DeepHealthModule.forFeature()`. */
export interface DeepHealthFeatureOptions {
  /** Checks built from the feature module's own providers; names unique across every contribution. */
  checks: HealthCheck[];
}

/** `DeepHealthModule.forFeatureAsync()`: checks built from injected providers. */
export interface DeepHealthFeatureAsyncOptions {
  /** Modules that export the providers `inject` names. */
  imports?: Array<Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference>;
  /** Providers passed to `useFactory`, in order. */
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  /** Builds the feature's checks. */
  useFactory: (...deps: any[]) => DeepHealthFeatureOptions | Promise<DeepHealthFeatureOptions>;
}

/**
 * For `forRootAsync({ useClass })` and `forRootAsync({ useExisting })`: a provider that builds the
 * module options.
 * @example
 * @Injectable()
 * class HealthConfig implements DeepHealthOptionsFactory {
 *   constructor(private readonly config: ConfigService) {}
 *   createDeepHealthOptions(): DeepHealthModuleOptions {
 *     return { adminToken: this.config.get('HEALTH_ADMIN_TOKEN') };
 *   }
 * }
 */
export interface DeepHealthOptionsFactory {
  /** Returns the module options (or a promise of them); called once, at boot. */
  createDeepHealthOptions(): DeepHealthModuleOptions | Promise<DeepHealthModuleOptions>;
}

/**
 * The module options after validation and defaults, as `InjectDeepHealthOptions()` injects them.
 * Each part of the module declares what it reads (`OptionsForLayers`, `OptionsForMaintenance`,
 * `OptionsForStatusPage`, `OptionsForTransport`), so no folder below the module imports this type.
 */
export interface ResolvedHealthOptions extends OptionsForLayers, OptionsForMaintenance, OptionsForStatusPage, OptionsForTransport {
  /** Each group's checks and who sees their details. */
  groups: Record<
    string,
    {
      /** Names of the group's checks, all critical within the group. */
      checks: readonly string[];
      /** Who sees failure outputs and details at the group's endpoint (the module's `details` unless the group set its own). */
      details: DetailsPolicy;
    }
  >;
  /** Registry and name prefix of the Prometheus metrics; absent when `metrics` is off. */
  metrics?: ResolvedMetricsOptions;
}
