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
import type { OptionsForLayers } from './layer-options.js';
import { DEEP_HEALTH_OPTIONS } from '../tokens/deep-health-options.token.js';
import { ProcessMonitor } from './process-checks.js';
import type { HealthCheck } from '../engine/check.js';
import { HealthEngine, type CheckResult, type Evaluation } from '../engine/health-engine.js';
import type { HealthStatus } from '../engine/health-status.js';
import { aggregateStatus } from '../engine/aggregate.js';
import { redactSecrets } from '../engine/redact.js';
import { statusTransition, type StatusTransition } from '../engine/transitions.js';

/** Called once per status transition of a check, with the result that made it. */
export type TransitionListener = (transition: StatusTransition, result: CheckResult) => void;

/** The layers the endpoints answer for. */
export type HealthLayer = 'live' | 'startup' | 'ready' | 'deep' | 'check' | 'group';

/** The layers with an endpoint of their own. */
export type ReportLayer = 'live' | 'startup' | 'ready' | 'deep';

const STARTUP_LATCHED: LayerReport = Object.freeze({ layer: 'startup', status: 'pass', results: [] });
const STILL_BOOTING: LayerReport = Object.freeze({ layer: 'startup', status: 'fail', output: 'application is still booting', results: [] });

/** What a layer reports: the engine's results plus the instance state that decided the answer. */
export interface LayerReport {
  /** Which endpoint's answer this is. */
  layer: HealthLayer;
  /** The answer: the checks' aggregate status, or `fail` for maintenance, draining or booting where those count. */
  status: HealthStatus;
  /** Why the layer is not passing, in names only (safe without details). */
  output?: string;
  /** The result of every check the layer ran, in order. */
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
  /** The engine that runs every check of this module (for its last results, policies and result subscription). */
  readonly engine: HealthEngine;
  private readonly logger = new Logger('DeepHealth');
  private readonly processMonitor: ProcessMonitor;
  private readonly byName = new Map<string, HealthCheck>();
  // Each layer's checks, chosen once: a probe flood must not filter the list on every request.
  private allChecks: readonly HealthCheck[] = [];
  private startupChecks: readonly HealthCheck[] = [];
  private readyChecks: readonly HealthCheck[] = [];
  private groupChecks = new Map<string, readonly HealthCheck[]>();
  /** The checks of `forRoot`/`forRootAsync` and every `forFeature`, in that order. */
  private ownChecks: readonly HealthCheck[];
  /** Every registered secret (admin token, every check's), masked in every result and log line. */
  private readonly secrets: string[];
  private readonly transitionListeners = new Set<TransitionListener>();
  private bootstrapped = false;
  private startupLatched = false;
  /** The report made from each evaluation, reused while the engine hands out the same one. */
  private readonly reports = new WeakMap<Evaluation, LayerReport>();
  private readonly shown = new WeakMap<LayerReport, LayerReport>();

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: OptionsForLayers,
    private readonly maintenance: MaintenanceService,
    private readonly drain: GracefulDrain,
  ) {
    const shared = options.sharedResults;
    this.secrets = registeredSecrets(options);
    this.engine = new HealthEngine({
      ...options.defaults,
      userDefaults: options.userDefaults,
      secrets: this.secrets,
      ...(shared
        ? { sharedResults: { store: shared.store, shares: (check) => shared.checks.includes(check.name), namespace: options.service.name } }
        : {}),
    });
    this.processMonitor = new ProcessMonitor(options.liveness);
    this.ownChecks = options.checks;
    this.chooseChecks();
    this.engine.onResult((result, previous) => this.reportTransition(result, previous));
    drain.onResourcesClosing(() => this.stopDependencyChecks());
  }

  /**
   * Subscribes to status transitions (the same ones that are logged and given to `onStatusChange`),
   * with the result that made each one. Returns the unsubscribe function.
   */
  onTransition(listener: TransitionListener): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  /**
   * Adds the checks feature modules contribute (validated by the module at boot, before any probe).
   * The layers see them like any other check.
   */
  addChecks(checks: readonly HealthCheck[]): void {
    this.ownChecks = [...this.ownChecks, ...checks];
    // The engine holds this array: a feature module's secrets are masked like the root's.
    for (const secret of checks.flatMap((check) => check.secrets)) if (!this.secrets.includes(secret)) this.secrets.push(secret);
    this.chooseChecks();
  }

  private chooseChecks(): void {
    this.byName.clear();
    const storeCheck = this.maintenance.storeCheck ? [this.maintenance.storeCheck] : [];
    for (const check of [...this.processMonitor.checks, ...this.ownChecks, ...storeCheck]) this.byName.set(check.name, check);
    this.allChecks = [...this.byName.values()];
    this.startupChecks = this.ownChecks.filter((c) => c.startup);
    this.readyChecks = this.ownChecks.filter((c) => c.critical);
    this.groupChecks = new Map(
      Object.entries(this.options.groups ?? {}).map(([name, group]) => [name, group.checks.flatMap((n) => this.byName.get(n) ?? [])]),
    );
  }

  /** Every check the deep layer runs, process checks first. */
  get checks(): readonly HealthCheck[] {
    return this.allChecks;
  }

  /** Nest hook: starts sampling the event-loop delay and ends the boot (startup and readiness stop answering "still booting"). */
  onApplicationBootstrap(): void {
    this.processMonitor.start();
    this.bootstrapped = true;
  }

  /** Liveness: process-local checks only, never a dependency. */
  async live(exclude: readonly string[] = []): Promise<LayerReport> {
    return this.layer('live', exclude);
  }

  /** Startup: 503 until boot and the startup checks passed once; 200 for good afterwards. */
  async startup(exclude: readonly string[] = []): Promise<LayerReport> {
    return this.layer('startup', exclude);
  }

  /** Readiness: critical checks, plus maintenance and drain state. */
  async ready(exclude: readonly string[] = []): Promise<LayerReport> {
    return this.layer('ready', exclude);
  }

  /** A layer's report, running the checks whose results are not fresh. */
  async layer(layer: ReportLayer, exclude: readonly string[] = []): Promise<LayerReport> {
    return this.settled(layer) ?? this.compose(layer, await this.engine.evaluate(without(this.checksOf(layer), exclude)));
  }

  /**
   * A layer's report (all its checks) when no check has to run (every result cached and fresh),
   * else `undefined`. Synchronous: the path of a probe flood, with no await before the answer.
   */
  reportNow(layer: ReportLayer): LayerReport | undefined {
    const settled = this.settled(layer);
    if (settled) return settled;
    const evaluation = this.engine.evaluateNow(this.checksOf(layer));
    return evaluation && this.compose(layer, evaluation);
  }

  /**
   * A health group: its listed checks, each counted as critical, plus maintenance and drain state
   * as readiness has them. `undefined` for an unknown group.
   */
  async group(name: string, exclude: readonly string[] = []): Promise<LayerReport | undefined> {
    const checks = this.groupChecks.get(name);
    if (!checks) return undefined;
    const report = await this.report('group', without(checks, exclude));
    const results = report.results.map((r) => (r.critical ? r : { ...r, critical: true }));
    return this.withInstanceState({ ...report, results, status: aggregateStatus(results) });
  }

  /** The names of the health groups. */
  get groups(): readonly string[] {
    return [...this.groupChecks.keys()];
  }

  /** Readiness semantics: draining, maintenance and booting turn the report into a 503. */
  private withInstanceState(report: LayerReport): LayerReport {
    const maintenance = this.maintenance.status();
    if (this.drain.isDraining) {
      return { ...report, maintenance, status: 'fail', draining: true, output: 'draining: the instance is shutting down', retryAfterSeconds: this.drain.retryAfterSeconds() };
    }
    if (maintenance.enabled) {
      return { ...report, maintenance, status: 'fail', output: `maintenance: ${maintenance.reason ?? 'in maintenance'}`, retryAfterSeconds: this.maintenance.retryAfterSeconds() };
    }
    if (!this.bootstrapped) return { ...report, maintenance, status: 'fail', output: 'application is still booting' };
    return this.withState(report, maintenance, false);
  }

  /** Deep: every check, critical or not; shows maintenance and drain state without failing on them. */
  async deep(exclude: readonly string[] = []): Promise<LayerReport> {
    return this.layer('deep', exclude);
  }

  /** One check by name, or `undefined` for an unknown name. */
  async check(name: string): Promise<LayerReport | undefined> {
    const check = this.byName.get(name);
    if (!check) return undefined;
    const report = await this.report('check', [check]);
    // One check answers for itself: a failing non-critical check is a 503 here, not a layer's `warn`.
    return { ...report, status: report.results[0]!.status };
  }

  /** True from the shutdown signal (or the start of `app.close()`) until exit, while readiness answers 503. */
  get isDraining(): boolean {
    return this.drain.isDraining;
  }

  /** Checks that opened connections of their own release them, after the drain and the HTTP server. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.ownChecks.map((check) => check.close()));
    this.processMonitor.stop();
  }

  /** Nest hook: no dependency check runs again (each answers its last result); the process checks keep running. */
  beforeApplicationShutdown(): void {
    this.stopDependencyChecks();
  }

  /**
   * The app's resources are closing: no dependency check runs again (each answers its last
   * result), while the process checks keep running, so liveness stays true until exit.
   */
  private stopDependencyChecks(): void {
    this.engine.close(this.processMonitor.checks);
  }

  /** Logs once per status change of a check, never once per probe, and tells `onStatusChange`. */
  private reportTransition(result: CheckResult, previous: CheckResult | undefined): void {
    const transition = statusTransition(result, previous);
    this.logTransition(result, previous, transition !== undefined);
    if (!transition) return;
    this.options.onStatusChange?.(transition);
    for (const listener of [...this.transitionListeners]) {
      try {
        listener(transition, result);
      } catch {
        // A faulty listener must not break health reporting.
      }
    }
  }

  /**
   * One line per status change. A result with no answer yet (`connecting`: the client's first
   * connection, at boot) is a warning whatever its status: nothing has failed yet. The first
   * answer after it is news even when the status stays `fail`: `connecting -> fail` is the error.
   */
  private logTransition(result: CheckResult, previous: CheckResult | undefined, changed: boolean): void {
    const answered = previous?.connecting === true && result.connecting !== true;
    if (!changed && !(answered && result.status !== 'pass')) return;
    const from = answered ? 'connecting' : (previous?.status ?? 'unknown');
    // The result is redacted already; the line goes through the same redactor again, whole, so that
    // what a log line may contain is exactly what a response with details may contain.
    const line = redactSecrets(`check ${result.name}: ${from} -> ${result.status}${result.output ? ` (${result.output})` : ''}`, this.secrets);
    if (result.status === 'fail' && result.critical && result.connecting !== true) this.logger.error(line);
    else if (result.status === 'pass') this.logger.log(line);
    else this.logger.warn(line);
  }

  private async report(layer: HealthLayer, checks: readonly HealthCheck[]): Promise<LayerReport> {
    return this.resultsReport(layer, await this.engine.evaluate(checks));
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
    if (layer === 'deep') return this.withState(report, this.maintenance.status(), this.drain.isDraining);
    return this.withInstanceState(report);
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

/** Every secret the module knows: the admin token and every check's own (masked in all results). */
export function registeredSecrets(options: Pick<OptionsForLayers, 'adminToken' | 'checks'>): string[] {
  return [...new Set([...(options.adminToken ? [options.adminToken] : []), ...options.checks.flatMap((check) => check.secrets)])];
}

function without(checks: readonly HealthCheck[], exclude: readonly string[]): readonly HealthCheck[] {
  return exclude.length === 0 ? checks : checks.filter((check) => !exclude.includes(check.name));
}
