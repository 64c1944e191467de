import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { MaintenanceState } from '../maintenance/maintenance-state.js';
import { MaintenanceService } from '../maintenance/maintenance.service.js';
import type { ResolvedHealthOptions } from '../module/deep-health-options.js';
import { DEEP_HEALTH_OPTIONS } from '../module/tokens.js';
import { ProcessMonitor } from '../liveness/process-checks.js';
import type { HealthCheck } from './check.js';
import { HealthEngine, type CheckResult } from './health-engine.js';
import type { HealthStatus } from './health-status.js';

/** The layers the endpoints answer for. */
export type HealthLayer = 'live' | 'startup' | 'ready' | 'deep' | 'check';

/** What a layer reports: the engine's results plus the instance state that decided the answer. */
export interface LayerReport {
  layer: HealthLayer;
  status: HealthStatus;
  /** Why the layer is not passing, in names only (safe without details). */
  output?: string;
  results: readonly CheckResult[];
  /** Set on readiness and deep: the maintenance state. */
  maintenance?: MaintenanceState;
  /** True while the instance drains before shutdown. */
  draining?: boolean;
  /** For a 503 that will clear by itself (maintenance, draining). */
  retryAfterSeconds?: number;
}

const DRAIN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs the layers: which checks each one asks the engine for, plus startup latch, maintenance
 * and drain state. The engine does the running; this class only decides what to run.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly engine: HealthEngine;
  private readonly logger = new Logger('DeepHealth');
  private readonly processMonitor: ProcessMonitor;
  private readonly byName = new Map<string, HealthCheck>();
  private bootstrapped = false;
  private startupLatched = false;
  private drainingSince?: number;
  private drainWait?: Promise<void>;
  private endDrainEarly?: () => void;
  private restoreBeforeClose?: () => void;
  private readonly onSignal = (signal: NodeJS.Signals) => this.startDraining(signal);

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: ResolvedHealthOptions,
    private readonly maintenance: MaintenanceService,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    const shared = options.sharedResults;
    this.engine = new HealthEngine({
      ...options.defaults,
      ...(shared
        ? { sharedResults: { store: shared.store, shares: (check) => shared.checks.includes(check.name), namespace: options.service.name } }
        : {}),
    });
    this.processMonitor = new ProcessMonitor(options.liveness);
    const storeCheck = maintenance.storeCheck ? [maintenance.storeCheck] : [];
    for (const check of [...this.processMonitor.checks, ...options.checks, ...storeCheck]) this.byName.set(check.name, check);
    this.engine.onResult((result, previous) => this.reportTransition(result, previous));
  }

  /** Every check the deep layer runs, process checks first. */
  get checks(): readonly HealthCheck[] {
    return [...this.byName.values()];
  }

  onApplicationBootstrap(): void {
    this.processMonitor.start();
    this.bootstrapped = true;
    this.holdCloseUntilDrained();
    if (this.options.shutdown.drainDelayMs > 0) {
      // Prepended so readiness flips before any other handler (e.g. Nest's own close) runs.
      for (const signal of DRAIN_SIGNALS) process.prependListener(signal, this.onSignal);
    }
  }

  /** Liveness: process-local checks only, never a dependency. */
  async live(): Promise<LayerReport> {
    return this.report('live', this.processMonitor.checks);
  }

  /** Startup: 503 until boot and the startup checks passed once; 200 for good afterwards. */
  async startup(): Promise<LayerReport> {
    if (this.startupLatched) return { layer: 'startup', status: 'pass', results: [] };
    if (!this.bootstrapped) return { layer: 'startup', status: 'fail', output: 'application is still booting', results: [] };
    const report = await this.report('startup', this.options.checks.filter((c) => c.startup));
    if (report.status !== 'fail') {
      this.startupLatched = true;
      this.logger.log('startup complete');
    }
    return report;
  }

  /** Readiness: critical checks, plus maintenance and drain state. */
  async ready(): Promise<LayerReport> {
    const report = await this.report('ready', this.options.checks.filter((c) => c.critical));
    const maintenance = this.maintenance.status();
    report.maintenance = maintenance;
    if (this.drainingSince !== undefined) {
      return { ...report, status: 'fail', draining: true, output: 'draining: the instance is shutting down', retryAfterSeconds: this.drainRetryAfter() };
    }
    if (maintenance.enabled) {
      return { ...report, status: 'fail', output: `maintenance: ${maintenance.reason ?? 'in maintenance'}`, retryAfterSeconds: this.maintenance.retryAfterSeconds() };
    }
    if (!this.bootstrapped) return { ...report, status: 'fail', output: 'application is still booting' };
    return report;
  }

  /** Deep: every check, critical or not; shows maintenance and drain state without failing on them. */
  async deep(): Promise<LayerReport> {
    const report = await this.report('deep', this.checks);
    report.maintenance = this.maintenance.status();
    if (this.drainingSince !== undefined) report.draining = true;
    return report;
  }

  /** One check by name, or `undefined` for an unknown name. */
  async check(name: string): Promise<LayerReport | undefined> {
    const check = this.byName.get(name);
    return check ? this.report('check', [check]) : undefined;
  }

  get isDraining(): boolean {
    return this.drainingSince !== undefined;
  }

  /**
   * Readiness turns 503 now; the app may close once `drainDelayMs` has passed. A second signal
   * during the drain ends it at once (Ctrl-C twice).
   */
  startDraining(signal?: string): void {
    if (this.drainingSince !== undefined) {
      if (signal && this.endDrainEarly) {
        this.logger.warn(`${signal} received again: ending the drain now`);
        this.endDrainEarly();
      }
      return;
    }
    this.drainingSince = Date.now();
    const delay = this.options.shutdown.drainDelayMs;
    this.logger.log(`${signal ?? 'shutdown'} received: readiness is now 503; draining for ${delay} ms`);
    this.drainWait = new Promise((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.endDrainEarly = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (signal && process.listenerCount(signal) === 1) {
      // Nobody else handles the signal (no app.enableShutdownHooks()): keep the default of
      // exiting on it, but only after the drain delay.
      void this.drainWait.then(() => {
        this.removeSignalListeners();
        process.kill(process.pid, signal);
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    // Normally a no-op: the wait happened in the adapter's beforeClose. Kept for apps whose
    // adapter has no beforeClose (or no HTTP adapter at all).
    await this.finishDraining();
  }

  /** Checks that opened connections of their own release them, after the drain and the HTTP server. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.options.checks.map((check) => check.close()));
  }

  beforeApplicationShutdown(): void {
    this.removeSignalListeners();
    this.restoreBeforeClose?.();
    this.processMonitor.stop();
    this.engine.close();
  }

  /**
   * `app.close()` (also the one run by `enableShutdownHooks()` on SIGTERM) awaits the HTTP
   * adapter's `beforeClose()` before ANY shutdown hook: waiting for the drain there keeps every
   * other module (database pools, queue workers) open while the load balancer still routes
   * requests here. Waiting in our own `onModuleDestroy` is too late: Nest calls it after the
   * `onModuleDestroy` of other modules (a global module comes last), and after `beforeClose`
   * has already switched on `return503OnClosing`.
   */
  private holdCloseUntilDrained(): void {
    const adapter = this.adapterHost?.httpAdapter as { beforeClose?: () => unknown } | undefined;
    if (!adapter || this.restoreBeforeClose) return;
    const original = adapter.beforeClose;
    const own = Object.prototype.hasOwnProperty.call(adapter, 'beforeClose');
    adapter.beforeClose = async () => {
      await this.finishDraining();
      return original?.call(adapter);
    };
    this.restoreBeforeClose = () => {
      if (own) adapter.beforeClose = original;
      else delete adapter.beforeClose;
    };
  }

  /** Shutdown has begun: readiness answers 503 from now on; waits for a drain already under way. */
  private async finishDraining(): Promise<void> {
    this.drainingSince ??= Date.now();
    if (this.drainWait) await this.drainWait;
  }

  /** Logs once per status change of a check, never once per probe, and tells `onStatusChange`. */
  private reportTransition(result: CheckResult, previous: CheckResult | undefined): void {
    const before = previous?.status;
    if (before === result.status || (before === undefined && result.status === 'pass')) return;
    const line = `check ${result.name}: ${before ?? 'unknown'} -> ${result.status}${result.output ? ` (${result.output})` : ''}`;
    if (result.status === 'fail' && result.critical) this.logger.error(line);
    else if (result.status === 'pass') this.logger.log(line);
    else this.logger.warn(line);
    this.options.onStatusChange?.({ check: result.name, previous: before, current: result.status, output: result.output, time: result.time });
  }

  private removeSignalListeners(): void {
    for (const signal of DRAIN_SIGNALS) process.removeListener(signal, this.onSignal);
  }

  private drainRetryAfter(): number {
    const left = (this.drainingSince ?? Date.now()) + this.options.shutdown.drainDelayMs - Date.now();
    return Math.max(1, Math.ceil(left / 1000));
  }

  private async report(layer: HealthLayer, checks: readonly HealthCheck[]): Promise<LayerReport> {
    const { status, results } = await this.engine.evaluate(checks);
    const notPassing = results.filter((r) => r.status !== 'pass').map((r) => `${r.name} ${r.status === 'fail' ? 'failed' : 'warns'}`);
    return { layer, status, results, ...(notPassing.length ? { output: notPassing.join(', ') } : {}) };
  }
}
