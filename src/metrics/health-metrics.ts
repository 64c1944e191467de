import { createRequire } from 'node:module';
import type { CheckResult } from '../engine/health-engine.js';
import { HEALTH_STATUSES } from '../engine/health-status.js';
import type { HealthService } from '../layers/health.service.js';
import type { MaintenanceService } from '../maintenance/maintenance.service.js';

/**
 * The part of a prom-client `Registry` this module uses, written out so users without prom-client
 * never see its types.
 */
export interface MetricsRegistry {
  /** The `Content-Type` of the exposition text, sent with `GET /<path>/metrics`. */
  readonly contentType: string;
  /** Renders every metric of the registry in the Prometheus text format (what a scrape receives). */
  metrics(): Promise<string>;
  /** Adds a metric to the registry (prom-client's metric constructors call it through `registers`). */
  registerMetric(metric: unknown): void;
  /** The metric registered under a name, if any. */
  getSingleMetric(name: string): unknown;
  /** prom-client's `Registry#removeSingleMetric`: the module removes its metrics from an app's registry at shutdown. */
  removeSingleMetric?(name: string): void;
}

/** The `metrics` option in object form: which prom-client registry to use and how to name the metrics. */
export interface MetricsOptions {
  /** The app's own prom-client `Registry`, so health metrics appear next to the app's. @default a registry of its own */
  registry?: MetricsRegistry;
  /** Metric name prefix. @default 'deep_health_' */
  prefix?: string;
}

/** `metrics` after validation (`true` becomes `{ prefix: 'deep_health_' }`). */
export interface ResolvedMetricsOptions {
  /** The app's registry, or none: the module then creates a registry of its own. */
  registry?: MetricsRegistry;
  /** Prefix of every metric name, a valid Prometheus name. @default 'deep_health_' */
  prefix: string;
}

/** Injection token of the `HealthMetrics` instance (`null` when metrics are off). */
export const HEALTH_METRICS = Symbol('nestjs-deep-health:metrics');

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type PromClient = typeof import('prom-client');

function loadPromClient(): PromClient {
  try {
    // Loaded only when metrics are switched on: prom-client is an optional peer.
    return createRequire(__filename)('prom-client') as PromClient;
  } catch {
    throw new Error('DeepHealthModule: `metrics` needs the optional peer "prom-client": npm install prom-client');
  }
}

/**
 * Prometheus metrics of the health layers: a status state-set per check, a duration histogram
 * fed by every fresh result, the maintenance and drain gauges, and an info gauge with the version.
 * A scrape evaluates the deep layer through the engine, so it respects the cache and single-flight.
 */
export class HealthMetrics {
  /** The registry the metrics live in: the app's `{ registry }`, else the one this instance created. */
  readonly registry: MetricsRegistry;
  /** Names of the metrics this instance registered, removed again at shutdown. */
  private readonly names: string[] = [];
  private readonly unsubscribe: () => void;

  constructor(options: ResolvedMetricsOptions, health: HealthService, maintenance: MaintenanceService, service: { name: string; version: string; releaseId?: string }) {
    const prom = loadPromClient();
    const registry = (options.registry ?? new prom.Registry()) as InstanceType<PromClient['Registry']>;
    this.registry = registry as unknown as MetricsRegistry;
    const p = options.prefix;
    const registers = [registry];
    // What was there before, so shutdown takes exactly this instance's metrics out again.
    const registered = (): string[] => (typeof registry.getMetricsAsArray === 'function' ? registry.getMetricsAsArray().map((metric) => metric.name) : []);
    const before = new Set(registered());
    // One deep evaluation per scrape, shared by the metrics that read it (prom-client collects them concurrently).
    let scrape: Promise<readonly CheckResult[]> | undefined;
    const current = () =>
      (scrape ??= health
        .deep()
        .then((report) => report.results)
        .finally(() => {
          scrape = undefined;
        }));

    new prom.Gauge({
      name: `${p}check_status`,
      help: 'Current status of each health check: 1 for the status it has, 0 for the others.',
      labelNames: ['check', 'critical', 'status'],
      registers,
      async collect() {
        const results = await current();
        this.reset();
        for (const result of results) {
          for (const status of HEALTH_STATUSES) {
            this.set({ check: result.name, critical: String(result.critical), status }, result.status === status ? 1 : 0);
          }
        }
      },
    });
    new prom.Gauge({
      name: `${p}check_observed_age_seconds`,
      help: 'Age of the result each health check reported at the last scrape (cached results grow older until refreshed).',
      labelNames: ['check'],
      registers,
      async collect() {
        const results = await current();
        this.reset();
        for (const result of results) this.set({ check: result.name }, Math.max(0, (Date.now() - Date.parse(result.time)) / 1000));
      },
    });
    const duration = new prom.Histogram({
      name: `${p}check_duration_seconds`,
      help: 'Duration of health check runs (fresh runs only, not cached reads).',
      labelNames: ['check'],
      buckets: DURATION_BUCKETS,
      registers,
      async collect() {
        // The scrape's evaluation may run checks; their durations belong in this scrape.
        await current();
      },
    });
    this.unsubscribe = health.engine.onResult((result) => duration.observe({ check: result.name }, result.durationMs / 1000));
    new prom.Gauge({
      name: `${p}maintenance`,
      help: 'Whether this instance is in maintenance (1) or not (0).',
      labelNames: ['scope'],
      registers,
      collect() {
        const state = maintenance.status();
        this.reset();
        this.set({ scope: state.scope ?? 'instance' }, state.enabled ? 1 : 0);
      },
    });
    new prom.Gauge({
      name: `${p}draining`,
      help: 'Whether this instance is draining before shutdown (1) or not (0).',
      registers,
      collect() {
        this.set(health.isDraining ? 1 : 0);
      },
    });
    new prom.Gauge({
      name: `${p}info`,
      help: 'Version of the running service; always 1.',
      labelNames: ['service', 'version', 'release_id'],
      registers,
    }).set({ service: service.name, version: service.version, release_id: service.releaseId ?? '' }, 1);
    this.names.push(...registered().filter((name) => !before.has(name)));
  }

  /**
   * Takes this module's metrics out of the registry (after the drain, so scrapes see it), so a
   * shared `{ registry }` outlives the app and a second app in the same process boots.
   */
  onApplicationShutdown(): void {
    this.unsubscribe();
    for (const name of this.names.splice(0)) this.registry.removeSingleMetric?.(name);
  }

  /** The whole registry as a scrape answer (the app's own metrics included when it is the app's registry). */
  async render(): Promise<{
    /** The registry's `Content-Type` (the Prometheus text format). */
    contentType: string;
    /** The exposition text. */
    body: string;
  }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
