import { performance } from 'node:perf_hooks';
import { redactDeep } from './redact.js';
import { aggregateStatus } from './aggregate.js';
import { fail, normalizeOutcome, type CheckOutcome, type HealthCheck } from './check.js';
import { isHealthStatus, type HealthStatus } from './health-status.js';
import { CHECK_THREW, DEADLINE_EXCEEDED, ENGINE_CLOSED, TIMEOUT_EXCEEDED } from './messages.js';
import { describeError } from './redact.js';

/** A check's outcome as observed by the engine. */
export interface CheckResult extends CheckOutcome {
  readonly name: string;
  readonly critical: boolean;
  readonly componentType: string;
  /** When the result was observed (ISO 8601). A cached result keeps its original time. */
  readonly time: string;
  /** How long the run took, in milliseconds. */
  readonly durationMs: number;
}

export interface Evaluation {
  readonly status: HealthStatus;
  readonly results: readonly CheckResult[];
}

export interface EngineSettings {
  /** Default per-check timeout. */
  readonly timeoutMs: number;
  /** Default per-check cache TTL. */
  readonly cacheTtlMs: number;
  /** Time within which an endpoint answers, whatever its checks are doing. */
  readonly deadlineMs: number;
  /** Results of chosen checks shared between replicas through a store. */
  readonly sharedResults?: SharedResultSettings;
  /**
   * Secrets masked in every check's result besides the check's own (the admin token, and every
   * other check's passwords and keys): one check must not print another's secret either.
   */
  readonly secrets?: readonly string[];
}

/** A result that some replica observed and put in a shared store. */
export interface SharedCheckResult {
  readonly result: CheckResult;
  /** When it stops being fresh (epoch ms, this process's clock). */
  readonly expiresAt: number;
}

/**
 * Where replicas share the results of expensive checks (LLM providers, hosted vector stores), so
 * N replicas make one call per TTL between them instead of N. Keys are opaque to the store.
 * Every method may reject (store unreachable): the engine then runs the check itself.
 *
 * @example
 * import { redisSharedResultStore } from 'nestjs-deep-health/redis';
 * DeepHealthModule.forRoot({ checks, sharedResults: { store: redisSharedResultStore({ client: redis }), checks: ['openai'] } });
 */
export interface SharedResultStore {
  /** The fresh shared result of `key`, if any. */
  get(key: string): Promise<SharedCheckResult | undefined>;
  /** Tries to become the one replica that runs `key` now; the claim lapses after `ttlMs`. */
  tryLock(key: string, ttlMs: number): Promise<boolean>;
  /** Shares a fresh result for `ttlMs` and releases this replica's claim on `key`. */
  put(key: string, result: CheckResult, ttlMs: number): Promise<void>;
}

export interface SharedResultSettings {
  readonly store: SharedResultStore;
  /** Whether this check's results are shared. */
  shares(check: HealthCheck): boolean;
  /** Prefix of every key (e.g. the service name), so services sharing one store do not mix results. */
  readonly namespace: string;
}

/** Called with every fresh result (not with cached reads): transitions, metrics. */
export type ResultListener = (result: CheckResult, previous: CheckResult | undefined) => void;

interface CacheEntry {
  result?: CheckResult;
  expiresAt: number;
  inflight?: Promise<CheckResult>;
}

/** A result and, for one taken from a shared store, when it stops being fresh. */
interface Obtained {
  result: CheckResult;
  expiresAt?: number;
}

const MAX_OUTPUT_LENGTH = 1000;
/** The lock of a shared check outlives its timeout by this much, so a slow winner keeps it. */
const SHARED_LOCK_MARGIN_MS = 1000;
/** How often a replica that lost the lock looks for the winner's result. */
const SHARED_POLL_MS = 50;

/**
 * The one place that runs checks: in parallel, each under its own timeout (which aborts its I/O),
 * with a per-check TTL cache and single-flight, and an overall deadline per evaluation.
 */
export class HealthEngine {
  private readonly entries = new Map<HealthCheck, CacheEntry>();
  private readonly listeners: ResultListener[] = [];
  /** The abort functions of the runs in flight, so `close()` can end them. */
  private readonly running = new Map<(message: string) => void, HealthCheck>();
  private closed = false;
  /** Checks that keep running after `close()` (process-local ones, which touch no resource). */
  private keepRunning: ReadonlySet<HealthCheck> = new Set();

  constructor(
    readonly settings: EngineSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Subscribes to fresh results; returns the unsubscribe function. */
  onResult(listener: ResultListener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  /** Runs the given checks in parallel and aggregates them, answering within the deadline. */
  async evaluate(checks: readonly HealthCheck[], deadlineMs = this.settings.deadlineMs): Promise<Evaluation> {
    // The common case of a probe flood: every result is cached and fresh. No run, no deadline timer.
    const cached = this.freshResults(checks);
    if (cached) return { status: aggregateStatus(cached), results: cached };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    });
    try {
      const results = await Promise.all(
        checks.map((check) =>
          Promise.race([this.result(check), deadline.then(() => this.deadlineResult(check, deadlineMs))]),
        ),
      );
      return { status: aggregateStatus(results), results };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The check's current result: cached while fresh, shared while in flight, else a new run. */
  result(check: HealthCheck): Promise<CheckResult> {
    const entry = this.entry(check);
    if (entry.result && this.now() < entry.expiresAt) return Promise.resolve(entry.result);
    if (entry.inflight) return check.refreshInBackground && entry.result ? Promise.resolve(entry.result) : entry.inflight;
    const obtained = this.settings.sharedResults?.shares(check) ? this.obtainShared(check) : this.execute(check).then((result): Obtained => ({ result }));
    const inflight = obtained.then(({ result, expiresAt }) => {
      const previous = entry.result;
      entry.result = result;
      entry.expiresAt = expiresAt ?? this.now() + (check.cacheTtlMs ?? this.settings.cacheTtlMs);
      entry.inflight = undefined;
      // A shared result this replica already had is not news for listeners (metrics, transitions).
      if (previous && previous.time === result.time && previous.status === result.status) return result;
      for (const listener of [...this.listeners]) {
        try {
          listener(result, previous);
        } catch {
          // A faulty listener must not break health reporting.
        }
      }
      return result;
    });
    entry.inflight = inflight;
    return check.refreshInBackground && entry.result ? Promise.resolve(entry.result) : inflight;
  }

  /** Every check's result if all are cached and fresh, else `undefined`. */
  private freshResults(checks: readonly HealthCheck[]): CheckResult[] | undefined {
    const now = this.now();
    const results: CheckResult[] = [];
    for (const check of checks) {
      const entry = this.entries.get(check);
      if (!entry?.result || now >= entry.expiresAt) return undefined;
      results.push(entry.result);
    }
    return results;
  }

  /** The last result of a check without running it, if any. */
  lastResult(check: HealthCheck): CheckResult | undefined {
    return this.entries.get(check)?.result;
  }

  /**
   * The app's resources are closing: aborts every run in flight and runs no check again, except
   * those in `keepRunning` (process-local checks). A closed check answers its last result (its
   * `time` shows its age), or `fail` when it never ran.
   */
  close(keepRunning: readonly HealthCheck[] = []): void {
    this.closed = true;
    this.keepRunning = new Set(keepRunning);
    for (const [abort, check] of [...this.running]) if (!this.keepRunning.has(check)) abort(ENGINE_CLOSED);
  }

  private entry(check: HealthCheck): CacheEntry {
    let entry = this.entries.get(check);
    if (!entry) {
      entry = { expiresAt: 0 };
      this.entries.set(check, entry);
    }
    return entry;
  }

  /**
   * A shared check: take a fresh result from the store; else claim the run and share its result;
   * else wait for the replica that claimed it. Any store failure falls back to a local run, so a
   * store outage costs calls, never answers. Store calls are bounded by the check's timeout.
   */
  private async obtainShared(check: HealthCheck): Promise<Obtained> {
    const { store, namespace } = this.settings.sharedResults!;
    const key = `${namespace}:${check.name}`;
    const timeoutMs = check.timeoutMs ?? this.settings.timeoutMs;
    const ttlMs = check.cacheTtlMs ?? this.settings.cacheTtlMs;
    const bounded = <T>(call: () => Promise<T>) => this.withinTimeout(call, timeoutMs);
    try {
      const hit = this.acceptShared(check, await bounded(() => store.get(key)));
      if (hit) return hit;
      if (await bounded(() => store.tryLock(key, timeoutMs + SHARED_LOCK_MARGIN_MS))) {
        const result = await this.execute(check);
        await bounded(() => store.put(key, result, ttlMs)).catch(() => undefined);
        return { result };
      }
      const giveUpAt = this.now() + timeoutMs + SHARED_LOCK_MARGIN_MS;
      while (this.now() < giveUpAt && !this.closed) {
        await new Promise((resolve) => setTimeout(resolve, SHARED_POLL_MS));
        const later = this.acceptShared(check, await bounded(() => store.get(key)));
        if (later) return later;
      }
    } catch {
      // Store unreachable or slow: this replica asks the dependency itself.
    }
    return { result: await this.execute(check) };
  }

  /** A shared result as this replica reports it (its own name, criticality and type), if usable. */
  private acceptShared(check: HealthCheck, shared: SharedCheckResult | undefined): Obtained | undefined {
    if (!shared || typeof shared !== 'object' || !(shared.expiresAt > this.now())) return undefined;
    const result = shared.result as Partial<CheckResult> | undefined;
    if (!result || !isHealthStatus(result.status) || typeof result.time !== 'string') return undefined;
    const safe = redactDeep(result, this.secretsOf(check)) as CheckResult;
    return {
      result: { ...safe, name: check.name, critical: check.critical, componentType: check.componentType },
      expiresAt: shared.expiresAt,
    };
  }

  private async withinTimeout<T>(call: () => Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(TIMEOUT_EXCEEDED(timeoutMs))), timeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(call), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async execute(check: HealthCheck): Promise<CheckResult> {
    // After close() the app's pools and clients are going away: do not ask them anything.
    if (this.closed && !this.keepRunning.has(check)) return this.entries.get(check)?.result ?? this.toResult(check, fail(ENGINE_CLOSED), 0);
    const timeoutMs = check.timeoutMs ?? this.settings.timeoutMs;
    const started = performance.now();
    const controller = new AbortController();
    let stop!: (outcome: CheckOutcome) => void;
    const stopped = new Promise<CheckOutcome>((resolve) => (stop = resolve));
    // Ends the run now (timeout or engine shutdown): the check's signal fires so it can release its
    // I/O, and the result no longer waits for it. No AbortSignal.any: on Node 20 it leaks per run.
    const abort = (message: string) => {
      controller.abort(new Error(message));
      stop(fail(message));
    };
    const timer = setTimeout(abort, timeoutMs, TIMEOUT_EXCEEDED(timeoutMs));
    this.running.set(abort, check);
    let outcome: CheckOutcome;
    try {
      const ran = Promise.resolve()
        .then(() => check.run({ signal: controller.signal, timeoutMs }))
        .then(normalizeOutcome, (error: unknown) =>
          controller.signal.aborted
            ? fail(describeError(controller.signal.reason))
            : fail(CHECK_THREW(describeError(error, this.secretsOf(check)))),
        );
      outcome = await Promise.race([ran, stopped]);
    } finally {
      clearTimeout(timer);
      this.running.delete(abort);
    }
    return this.toResult(check, outcome, performance.now() - started);
  }

  private toResult(check: HealthCheck, outcome: CheckOutcome, durationMs: number): CheckResult {
    const safe = redactDeep(outcome, this.secretsOf(check));
    return {
      ...safe,
      output: safe.output === undefined ? undefined : truncate(safe.output),
      name: check.name,
      critical: check.critical,
      componentType: check.componentType,
      time: new Date(this.now()).toISOString(),
      durationMs: Math.round(durationMs * 10) / 10,
    };
  }

  /** What a check's result must not contain: its own secrets and the ones registered with the engine. */
  private secretsOf(check: HealthCheck): readonly string[] {
    const shared = this.settings.secrets;
    return shared && shared.length > 0 ? [...check.secrets, ...shared] : check.secrets;
  }

  private deadlineResult(check: HealthCheck, deadlineMs: number): CheckResult {
    return this.toResult(check, fail(DEADLINE_EXCEEDED(deadlineMs)), deadlineMs);
  }
}

function truncate(text: string): string {
  return text.length > MAX_OUTPUT_LENGTH ? `${text.slice(0, MAX_OUTPUT_LENGTH - 1)}…` : text;
}
