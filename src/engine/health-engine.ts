import { performance } from 'node:perf_hooks';
import { aggregateStatus } from './aggregate.js';
import { fail, normalizeOutcome, type CheckOutcome, type HealthCheck } from './check.js';
import { isHealthStatus, type HealthStatus } from './health-status.js';
import {
  CHECK_THREW,
  DEADLINE_EXCEEDED,
  ENGINE_CLOSED,
  FIRST_RESULT_PENDING,
  PREVIOUS_RUN_STILL_RUNNING,
  TIMEOUT_EXCEEDED,
  UNREADABLE_OUTCOME,
} from './messages.js';
import { describeError, redactDeep, redactSecrets } from './redact.js';
import { safeBigInt, toSafeJson } from './safe-value.js';
import { stillPending, untilAborted, withTimeout } from './until-aborted.js';

/** A check's outcome as observed by the engine. */
export interface CheckResult extends CheckOutcome {
  /** The check's name. */
  readonly name: string;
  /** Whether the check is critical (a `fail` fails readiness). */
  readonly critical: boolean;
  /** The check's `componentType` (`datastore`, `component`, `system`...). */
  readonly componentType: string;
  /** When the result was observed (ISO 8601). A cached result keeps its original time. */
  readonly time: string;
  /** How long the run took, in milliseconds. */
  readonly durationMs: number;
  /** Failed runs in a row, when the last run failed (see `failureThreshold`). */
  readonly consecutiveFailures?: number;
}

/** The policy the engine applies to one check, every precedence rule settled. */
export interface CheckPolicy {
  /** Per-run timeout in milliseconds; when it elapses the run.s signal is aborted and the run counts as failed. */
  readonly timeoutMs: number;
  /** How long a `pass` or `warn` result is reused, in milliseconds. */
  readonly cacheTtlMs: number;
  /** How long a failed result is reused (never longer than `cacheTtlMs`). */
  readonly failureCacheTtlMs: number;
  /** Consecutive failed runs before the check reports `fail`; earlier failed runs report `warn`. */
  readonly failureThreshold: number;
  /**
   * Whether an expired result is served while a fresh one is fetched: the check's own option, and
   * always when its timeout exceeds the response deadline (else a healthy but slow dependency
   * would be reported failed at every first probe after its TTL).
   */
  readonly refreshInBackground: boolean;
}

/** The module's `defaults` as the user gave them: these beat a factory's suggestion. */
export interface UserDefaults {
  /** Per-run timeout in milliseconds for checks that set none. */
  readonly timeoutMs?: number;
  /** Result TTL in milliseconds for checks that set none. */
  readonly cacheTtlMs?: number;
  /** TTL of a failed result in milliseconds for checks that set none. */
  readonly failureCacheTtlMs?: number;
}

/** Built-in defaults, used when neither the check, the module `defaults` nor a factory says otherwise. */
export const DEFAULT_TIMEOUT_MS = 800;
export const DEFAULT_CACHE_TTL_MS = 5000;
export const DEFAULT_DEADLINE_MS = 900;
/** When no one says otherwise, a failed result is reused this long. */
export const DEFAULT_FAILURE_CACHE_TTL_MS = 1000;

/** The outcome of evaluating a list of checks. */
export interface Evaluation {
  /** The aggregate status: the worst critical status, `warn` at most for a failing non-critical check. */
  readonly status: HealthStatus;
  /** One result per check, in the order the checks were given. */
  readonly results: readonly CheckResult[];
}

/** How a {@link HealthEngine} runs checks: the built-in defaults, the user's module `defaults`, sharing and secrets. */
export interface EngineSettings {
  /** Default per-check timeout. */
  readonly timeoutMs: number;
  /** Default per-check cache TTL. */
  readonly cacheTtlMs: number;
  /** Time within which an endpoint answers, whatever its checks are doing. */
  readonly deadlineMs: number;
  /** Default for how long a failed result is reused. @default 1000 */
  readonly failureCacheTtlMs?: number;
  /**
   * The module `defaults` the user set. Precedence: check option > these > the factory's
   * `suggested` value > `timeoutMs` / `cacheTtlMs` / `failureCacheTtlMs` above.
   */
  readonly userDefaults?: UserDefaults;
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
  /** The result as the replica that ran the check observed it. */
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

/** Which checks' results are shared between replicas, and where. */
export interface SharedResultSettings {
  /** Where the shared results and run claims are kept. */
  readonly store: SharedResultStore;
  /** Whether this check's results are shared. */
  shares(check: HealthCheck): boolean;
  /** Prefix of every key (e.g. the service name), so services sharing one store do not mix results. */
  readonly namespace: string;
}

/** Called with every fresh result (not with cached reads): transitions, metrics. */
export type ResultListener = (result: CheckResult, previous: CheckResult | undefined) => void;

interface CacheEntry {
  readonly policy: CheckPolicy;
  result?: CheckResult;
  expiresAt: number;
  inflight?: Promise<CheckResult>;
  /**
   * A run aborted at its timeout that left something pending: the run itself (it ignores its
   * signal), or a call it raced with `untilAborted` (a PING the server never answered). No other
   * run starts meanwhile, so a hung dependency collects one pending call, not one per probe.
   */
  abandoned?: { startedAt: number };
  consecutiveFailures: number;
}

/** A result and, for one taken from a shared store, when it stops being fresh. */
interface Obtained {
  result: CheckResult;
  expiresAt?: number;
  /** Read from the shared store (possibly the same result as last time), not run here. */
  shared?: boolean;
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
  /** The last all-fresh evaluation of each list of checks (see `evaluateNow`). */
  private readonly lastFresh = new WeakMap<readonly HealthCheck[], Evaluation>();
  private readonly listeners: ResultListener[] = [];
  /** The abort functions of the runs in flight, so `close()` can end them. */
  private readonly running = new Map<(message: string) => void, HealthCheck>();
  private closed = false;
  /** Checks that keep running after `close()` (process-local ones, which touch no resource). */
  private keepRunning: ReadonlySet<HealthCheck> = new Set();

  constructor(
    /** The settings this engine was built with. */
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
    const cached = this.evaluateNow(checks);
    if (cached) return cached;
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

  /** The check's current result: cached while fresh, shared while in flight, else a new run. Never rejects. */
  result(check: HealthCheck): Promise<CheckResult> {
    const entry = this.entry(check);
    if (entry.result && this.now() < entry.expiresAt) return Promise.resolve(entry.result);
    const stale = entry.policy.refreshInBackground ? entry.result : undefined;
    if (!entry.inflight) entry.inflight = this.refresh(check, entry);
    return stale ? Promise.resolve(stale) : entry.inflight;
  }

  /** The settled policy of a check (timeouts, TTLs, threshold), as the engine applies it. */
  policy(check: HealthCheck): CheckPolicy {
    return this.entry(check).policy;
  }

  /**
   * One run (or shared read) and its bookkeeping. Total: whatever throws becomes a `fail` result,
   * and the in-flight slot is always cleared, so a check can never be wedged.
   */
  private async refresh(check: HealthCheck, entry: CacheEntry): Promise<CheckResult> {
    try {
      let obtained: Obtained;
      try {
        obtained = this.settings.sharedResults?.shares(check) ? await this.obtainShared(check, entry) : { result: await this.execute(check, entry) };
      } catch (error) {
        obtained = { result: this.toResult(check, fail(CHECK_THREW(describeError(error, this.secretsOf(check)))), 0) };
      }
      const previous = entry.result;
      // The same shared result read again is neither another failed run nor news for listeners.
      // So is the last result itself, answered again once the engine is closed.
      const repeated = previous !== undefined && (obtained.result === previous || (obtained.shared === true && previous.time === obtained.result.time));
      const result = this.applyThreshold(entry, obtained.result, repeated);
      const { policy } = entry;
      const ttl = obtained.result.status === 'fail' ? policy.failureCacheTtlMs : policy.cacheTtlMs;
      entry.result = result;
      entry.expiresAt = obtained.expiresAt ?? this.now() + ttl;
      if (!(repeated && previous.status === result.status)) this.notify(result, previous);
      return result;
    } finally {
      entry.inflight = undefined;
    }
  }

  /** A failed run reports `warn` until `failureThreshold` runs in a row have failed. */
  private applyThreshold(entry: CacheEntry, result: CheckResult, repeated: boolean): CheckResult {
    if (result.status !== 'fail') {
      entry.consecutiveFailures = 0;
      return result;
    }
    if (!repeated) entry.consecutiveFailures++;
    const consecutiveFailures = Math.max(entry.consecutiveFailures, 1);
    const status = consecutiveFailures < entry.policy.failureThreshold ? 'warn' : 'fail';
    return { ...result, status, consecutiveFailures };
  }

  private notify(result: CheckResult, previous: CheckResult | undefined): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(result, previous);
      } catch {
        // A faulty listener must not break health reporting.
      }
    }
  }

  /**
   * The evaluation of `checks` when every result is cached and fresh, else `undefined` (some check
   * must run: use `evaluate`). Synchronous, and the same object again while the results are the
   * same, so a probe flood neither awaits nor allocates, and callers can memoise on it.
   */
  evaluateNow(checks: readonly HealthCheck[]): Evaluation | undefined {
    const now = this.now();
    const last = this.lastFresh.get(checks);
    let same = last !== undefined;
    for (let i = 0; i < checks.length; i++) {
      const entry = this.entries.get(checks[i]!);
      if (!entry?.result || now >= entry.expiresAt) return undefined;
      if (same && last!.results[i] !== entry.result) same = false;
    }
    if (same) return last;
    const results = checks.map((check) => this.entries.get(check)!.result!);
    const evaluation: Evaluation = { status: aggregateStatus(results), results };
    this.lastFresh.set(checks, evaluation);
    return evaluation;
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
      entry = { policy: this.settle(check), expiresAt: 0, consecutiveFailures: 0 };
      this.entries.set(check, entry);
    }
    return entry;
  }

  /** Precedence, once: the check's own option > the module `defaults` the user set > the factory's suggestion > built-in. */
  private settle(check: HealthCheck): CheckPolicy {
    const { settings } = this;
    const user = settings.userDefaults ?? {};
    const suggested = check.suggested ?? {};
    const timeoutMs = check.timeoutMs ?? user.timeoutMs ?? suggested.timeoutMs ?? settings.timeoutMs;
    const cacheTtlMs = check.cacheTtlMs ?? user.cacheTtlMs ?? suggested.cacheTtlMs ?? settings.cacheTtlMs;
    const failureCacheTtlMs = check.failureCacheTtlMs ?? user.failureCacheTtlMs ?? suggested.failureCacheTtlMs ?? settings.failureCacheTtlMs ?? DEFAULT_FAILURE_CACHE_TTL_MS;
    return Object.freeze({
      timeoutMs,
      cacheTtlMs,
      failureCacheTtlMs: Math.min(failureCacheTtlMs, cacheTtlMs),
      failureThreshold: check.failureThreshold ?? 1,
      refreshInBackground: check.refreshInBackground || timeoutMs > settings.deadlineMs,
    });
  }

  /**
   * A shared check: take a fresh result from the store; else claim the run and share its result;
   * else wait for the replica that claimed it. Any store failure falls back to a local run, so a
   * store outage costs calls, never answers. Store calls are bounded by the check's timeout.
   */
  private async obtainShared(check: HealthCheck, entry: CacheEntry): Promise<Obtained> {
    const { store, namespace } = this.settings.sharedResults!;
    const key = `${namespace}:${check.name}`;
    const { timeoutMs } = entry.policy;
    const bounded = <T>(call: () => Promise<T>) => withTimeout(call, timeoutMs, TIMEOUT_EXCEEDED(timeoutMs));
    try {
      const hit = this.acceptShared(check, await bounded(() => store.get(key)));
      if (hit) return hit;
      if (await bounded(() => store.tryLock(key, timeoutMs + SHARED_LOCK_MARGIN_MS))) {
        const result = await this.execute(check, entry);
        const ttlMs = result.status === 'fail' ? entry.policy.failureCacheTtlMs : entry.policy.cacheTtlMs;
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
    return { result: await this.execute(check, entry) };
  }

  /** A shared result as this replica reports it (its own name, criticality and type), if usable. */
  private acceptShared(check: HealthCheck, shared: SharedCheckResult | undefined): Obtained | undefined {
    if (!shared || typeof shared !== 'object' || !(shared.expiresAt > this.now())) return undefined;
    const result = shared.result as Partial<CheckResult> | undefined;
    if (!result || !isHealthStatus(result.status) || typeof result.time !== 'string') return undefined;
    const safe = this.toResult(check, result as CheckOutcome, typeof result.durationMs === 'number' ? result.durationMs : 0);
    return { result: { ...safe, time: result.time }, expiresAt: shared.expiresAt, shared: true };
  }

  /**
   * Runs the check once under its timeout. Total: it resolves a result whatever the check does
   * (throws, hangs, ignores its signal, returns something unreadable). A run that ignores its
   * signal is left behind at its timeout, and so is a call it raced with `untilAborted` that the
   * dependency never answered; no other run of that check starts until what was left settles.
   */
  private async execute(check: HealthCheck, entry: CacheEntry): Promise<CheckResult> {
    // After close() the app's pools and clients are going away: do not ask them anything.
    // A closed check answers its last result (its `time` shows its age), or `fail` when it never ran.
    if (this.closed && !this.keepRunning.has(check)) return entry.result ?? this.toResult(check, fail(ENGINE_CLOSED), 0);
    if (entry.abandoned) {
      const runningMs = Math.round(performance.now() - entry.abandoned.startedAt);
      return this.toResult(check, fail(PREVIOUS_RUN_STILL_RUNNING(runningMs)), 0);
    }
    const { timeoutMs } = entry.policy;
    const started = performance.now();
    const controller = new AbortController();
    // Ends the run now (timeout or engine shutdown): the check's signal fires so it can release its
    // I/O, and the result no longer waits for it. No AbortSignal.any: on Node 20 it leaks per run.
    const abort = (message: string) => controller.abort(new Error(message));
    const timer = setTimeout(abort, timeoutMs, TIMEOUT_EXCEEDED(timeoutMs));
    this.running.set(abort, check);
    let outcome: CheckOutcome | CheckOutcome['status'] | void;
    try {
      const ran = Promise.resolve()
        .then(() => check.run({ signal: controller.signal, timeoutMs }))
        .then(
          (value) => value,
          (error: unknown): CheckOutcome =>
            controller.signal.aborted
              ? fail(describeError(controller.signal.reason))
              : fail(CHECK_THREW(describeError(error, this.secretsOf(check)))),
        );
      try {
        outcome = await untilAborted(ran, controller.signal);
      } catch (reason) {
        // Aborted (`ran` itself never rejects): the reason is the engine's own message.
        outcome = fail(describeError(reason));
      }
      // What the abort left behind: `ran` if the check ignores its signal, and the calls it raced.
      const pending = controller.signal.aborted ? stillPending(controller.signal) : undefined;
      if (pending) {
        const marker = { startedAt: started };
        entry.abandoned = marker;
        void pending.then(() => {
          if (entry.abandoned === marker) entry.abandoned = undefined;
        });
      }
    } catch (error) {
      outcome = fail(CHECK_THREW(describeError(error, this.secretsOf(check))));
    } finally {
      clearTimeout(timer);
      this.running.delete(abort);
    }
    return this.toResult(check, outcome, performance.now() - started);
  }

  /**
   * The result as every layer shows it: plain, redacted, bounded data read exactly once. An
   * outcome that cannot be read (a throwing getter, a revoked Proxy) is that check's `fail`.
   */
  private toResult(check: HealthCheck, raw: CheckOutcome | CheckOutcome['status'] | void, durationMs: number): CheckResult {
    let outcome: CheckOutcome;
    try {
      const secrets = this.secretsOf(check);
      // Plain data first (read once, bounded), then masking across fields (a secret split in two strings).
      outcome = redactDeep(safeOutcome(normalizeOutcome(raw), secrets), secrets);
    } catch (error) {
      outcome = { status: 'fail', output: UNREADABLE_OUTCOME(describeError(error, this.secretsOf(check))) };
    }
    return {
      ...outcome,
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

  /**
   * What a layer reports for a check still running at the deadline. A check allowed more time
   * than the deadline (timeout above it) is not failed for being slow within its own timeout:
   * before its first result it is pending, `warn` when non-critical; a critical one stays `fail`
   * until it has passed once, so readiness never counts an unknown dependency as healthy.
   */
  private deadlineResult(check: HealthCheck, deadlineMs: number): CheckResult {
    const { timeoutMs } = this.entry(check).policy;
    if (timeoutMs > deadlineMs) {
      const pending = FIRST_RESULT_PENDING(deadlineMs, timeoutMs);
      return this.toResult(check, check.critical ? fail(pending) : { status: 'warn', output: pending }, deadlineMs);
    }
    return this.toResult(check, fail(DEADLINE_EXCEEDED(deadlineMs)), deadlineMs);
  }
}

function truncate(text: string, max = MAX_OUTPUT_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Reads each field of an outcome once, into plain JSON data: BigInt as a number, no getters left. */
function safeOutcome(outcome: CheckOutcome, secrets: readonly string[]): CheckOutcome {
  const { status, output, observedValue, observedUnit, measurements, details, connecting } = outcome;
  if (!isHealthStatus(status)) return { status: 'fail', output: 'check returned an invalid status' };
  const safe: { -readonly [K in keyof CheckOutcome]: CheckOutcome[K] } = { status };
  if (connecting === true) safe.connecting = true;
  if (typeof output === 'string') safe.output = truncate(redactSecrets(output, secrets));
  const value: unknown = observedValue;
  if (typeof value === 'bigint') safe.observedValue = safeBigInt(value);
  else if (typeof value === 'number') safe.observedValue = Number.isFinite(value) ? value : String(value);
  else if (typeof value === 'boolean') safe.observedValue = value;
  else if (typeof value === 'string') safe.observedValue = truncate(redactSecrets(value, secrets), 200);
  if (typeof observedUnit === 'string') safe.observedUnit = truncate(redactSecrets(observedUnit, secrets), 100);
  if (measurements !== undefined && measurements !== null && typeof measurements === 'object') {
    const numbers: Record<string, number> = {};
    for (const key of Object.keys(measurements).slice(0, 100)) {
      const item: unknown = (measurements as Record<string, unknown>)[key];
      const number = typeof item === 'bigint' ? Number(item) : item;
      if (typeof number === 'number' && Number.isFinite(number)) numbers[truncate(redactSecrets(key, secrets), 100)] = number;
    }
    safe.measurements = numbers;
  }
  if (details !== undefined && details !== null) {
    const data = toSafeJson(details, secrets);
    safe.details = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : { value: data };
  }
  return safe;
}
