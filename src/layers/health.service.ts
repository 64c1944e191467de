import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { GracefulDrain } from './graceful-drain.js';
import type { MaintenanceState } from '../maintenance/maintenance-state.js';
import { MaintenanceService } from '../maintenance/maintenance.service.js';
import type { ResolvedHealthOptions } from '../module/deep-health-options.js';
import { DEEP_HEALTH_OPTIONS } from '../module/tokens.js';
import { ProcessMonitor } from './process-checks.js';
import type { HealthCheck } from '../engine/check.js';
import { HealthEngine, type CheckResult, type Evaluation } from '../engine/health-engine.js';
import type { HealthStatus } from '../engine/health-status.js';

/** The layers the endpoints answer for. */
export type HealthLayer = 'live' | 'startup' | 'ready' | 'deep' | 'check';

/** The layers with an endpoint of their own. */
export type ReportLayer = Exclude<HealthLayer, 'check'>;

const STARTUP_LATCHED: LayerReport = Object.freeze({ layer: 'startup', status: 'pass', results: [] });
const STILL_BOOTING: LayerReport = Object.freeze({ layer: 'startup', status: 'fail', output: 'application is still booting', results: [] });

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

/**
 * Runs the layers: which checks each one asks the engine for, plus startup latch, maintenance
 * and drain state. The engine does the running; this class only decides what to run.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly engine: HealthEngine;
  private readonly logger = new Logger('DeepHealth');
  private readonly processMonitor: ProcessMonitor;
  private readonly byName = new Map<string, HealthCheck>();
  // Each layer's checks, chosen once: a probe flood must not filter the list on every request.
  private readonly allChecks: readonly HealthCheck[];
  private readonly startupChecks: readonly HealthCheck[];
  private readonly readyChecks: readonly HealthCheck[];
  private bootstrapped = false;
  private startupLatched = false;
  /** The report made from each evaluation, reused while the engine hands out the same one. */
  private readonly reports = new WeakMap<Evaluation, LayerReport>();
  private readonly shown = new WeakMap<LayerReport, LayerReport>();

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: ResolvedHealthOptions,
    private readonly maintenance: MaintenanceService,
    private readonly drain: GracefulDrain,
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
    this.allChecks = [...this.byName.values()];
    this.startupChecks = options.checks.filter((c) => c.startup);
    this.readyChecks = options.checks.filter((c) => c.critical);
    this.engine.onResult((result, previous) => this.reportTransition(result, previous));
  }

  /** Every check the deep layer runs, process checks first. */
  get checks(): readonly HealthCheck[] {
    return this.allChecks;
  }

  onApplicationBootstrap(): void {
    this.processMonitor.start();
    this.bootstrapped = true;
  }

  /** Liveness: process-local checks only, never a dependency. */
  async live(): Promise<LayerReport> {
    return this.layer('live');
  }

  /** Startup: 503 until boot and the startup checks passed once; 200 for good afterwards. */
  async startup(): Promise<LayerReport> {
    return this.layer('startup');
  }

  /** Readiness: critical checks, plus maintenance and drain state. */
  async ready(): Promise<LayerReport> {
    return this.layer('ready');
  }

  /** Deep: every check, critical or not; shows maintenance and drain state without failing on them. */
  async deep(): Promise<LayerReport> {
    return this.layer('deep');
  }

  /** A layer's report, running the checks whose results are not fresh. */
  async layer(layer: ReportLayer): Promise<LayerReport> {
    return this.settled(layer) ?? this.compose(layer, await this.engine.evaluate(this.checksOf(layer)));
  }

  /**
   * A layer's report when no check has to run (every result cached and fresh), else `undefined`.
   * Synchronous: the path of a probe flood, with no await between the request and the answer.
   */
  reportNow(layer: ReportLayer): LayerReport | undefined {
    const settled = this.settled(layer);
    if (settled) return settled;
    const evaluation = this.engine.evaluateNow(this.checksOf(layer));
    return evaluation && this.compose(layer, evaluation);
  }

  /** One check by name, or `undefined` for an unknown name. */
  async check(name: string): Promise<LayerReport | undefined> {
    const check = this.byName.get(name);
    if (!check) return undefined;
    const report = this.resultsReport('check', await this.engine.evaluate([check]));
    // One check answers for itself: a failing non-critical check is a 503 here, not a layer's `warn`.
    return { ...report, status: report.results[0]!.status };
  }

  get isDraining(): boolean {
    return this.drain.isDraining;
  }

  /** Checks that opened connections of their own release them, after the drain and the HTTP server. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.options.checks.map((check) => check.close()));
  }

  beforeApplicationShutdown(): void {
    this.processMonitor.stop();
    this.engine.close();
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

  private checksOf(layer: ReportLayer): readonly HealthCheck[] {
    if (layer === 'live') return this.processMonitor.checks;
    if (layer === 'startup') return this.startupChecks;
    return layer === 'ready' ? this.readyChecks : this.allChecks;
  }

  /** The startup answer that needs no check: latched for good, or still booting. */
  private settled(layer: ReportLayer): LayerReport | undefined {
    if (layer !== 'startup') return undefined;
    if (this.startupLatched) return STARTUP_LATCHED;
    if (!this.bootstrapped) return STILL_BOOTING;
    return undefined;
  }

  /** A layer's report from its checks' evaluation, with the instance state that decides the answer. */
  private compose(layer: ReportLayer, evaluation: Evaluation): LayerReport {
    const report = this.resultsReport(layer, evaluation);
    if (layer === 'live') return report;
    if (layer === 'startup') {
      if (report.status !== 'fail' && !this.startupLatched) {
        this.startupLatched = true;
        this.logger.log('startup complete');
      }
      return report;
    }
    const maintenance = this.maintenance.status();
    if (layer === 'deep') return this.withState(report, maintenance, this.drain.isDraining);
    if (this.drain.isDraining) {
      return { ...report, maintenance, status: 'fail', draining: true, output: 'draining: the instance is shutting down', retryAfterSeconds: this.drain.retryAfterSeconds() };
    }
    if (maintenance.enabled) {
      return { ...report, maintenance, status: 'fail', output: `maintenance: ${maintenance.reason ?? 'in maintenance'}`, retryAfterSeconds: this.maintenance.retryAfterSeconds() };
    }
    if (!this.bootstrapped) return { ...report, maintenance, status: 'fail', output: 'application is still booting' };
    return this.withState(report, maintenance, false);
  }

  /** `report` with the instance state shown; the same object again while neither has changed. */
  private withState(report: LayerReport, maintenance: MaintenanceState, draining: boolean): LayerReport {
    const memo = this.shown.get(report);
    if (memo && memo.maintenance === maintenance && Boolean(memo.draining) === draining) return memo;
    const shown: LayerReport = { ...report, maintenance, ...(draining ? { draining: true } : {}) };
    this.shown.set(report, shown);
    return shown;
  }

  /** The engine's evaluation as a layer's report; the same object again for the same evaluation. */
  private resultsReport(layer: HealthLayer, evaluation: Evaluation): LayerReport {
    const memo = this.reports.get(evaluation);
    if (memo?.layer === layer) return memo;
    const { status, results } = evaluation;
    const notPassing = results.filter((r) => r.status !== 'pass').map((r) => `${r.name} ${r.status === 'fail' ? 'failed' : 'warns'}`);
    const report: LayerReport = { layer, status, results, ...(notPassing.length ? { output: notPassing.join(', ') } : {}) };
    this.reports.set(evaluation, report);
    return report;
  }

}
