import { isHealthStatus, type HealthStatus } from './health-status.js';

/** What the engine hands to a check on every run. */
export interface CheckContext {
  /**
   * Aborted when the run's timeout elapses or the application shuts down.
   * Pass it to every I/O call (`fetch`, driver calls) so a hung dependency releases its socket.
   */
  readonly signal: AbortSignal;
  /** This run's timeout in milliseconds, for drivers that want a number (e.g. `statement_timeout`). */
  readonly timeoutMs: number;
}

/**
 * What a check reports. Expected failures (unreachable, pending migration, timeout) are returned
 * as `fail`; only programmer errors should throw (the engine then reports the check as `fail`).
 */
export interface CheckOutcome {
  /** `pass` healthy, `warn` degraded but still usable, `fail` unhealthy. */
  status: HealthStatus;
  /** Human-readable explanation. Shown only when details are allowed (it may name tables, hosts...). */
  output?: string;
  /** The main measurement (latency, pending count, backlog...). Always shown. */
  observedValue?: number | string | boolean;
  /** Unit of `observedValue` (`ms`, `pending`, `jobs`, `percent`...). */
  observedUnit?: string;
  /** Further numeric measurements (pool sizes, counts). Always shown: numbers only, so nothing secret. */
  measurements?: Record<string, number>;
  /** Structured detail (names, versions, states). Shown only when details are allowed. */
  details?: Record<string, unknown>;
  /**
   * The dependency has not answered yet: the client's first connection is still being made (at
   * boot, or for a client that connects lazily). The status is reported as given (a `fail` keeps
   * readiness at 503), but nothing has failed yet, so the log says it as a warning, not an error;
   * the first real answer is logged (`connecting -> fail` is the error). Not shown in responses.
   * @default false
   */
  connecting?: boolean;
}

/** What a check's `run` may resolve: a status, an outcome, or nothing (`pass`). */
export type CheckRunResult = CheckOutcome | HealthStatus | void;

/** Options that every check factory accepts. */
export interface CheckOptions {
  /** Name in responses, metrics and `/health/checks/:name`. Unique per module. */
  name?: string;
  /**
   * A failing critical check fails readiness (503); a failing non-critical one only turns the
   * status to `warn`. Shared external services default to non-critical.
   */
  critical?: boolean;
  /** Per-run timeout; the run's `AbortSignal` fires when it elapses. @default module `defaults.timeoutMs` */
  timeoutMs?: number;
  /** How long a result is reused. `0` runs the check on every probe. @default module `defaults.cacheTtlMs` */
  cacheTtlMs?: number;
  /**
   * Serve the last result while a fresh one is fetched, instead of making the probe wait.
   * Suits expensive or slow checks (LLM providers, hosted vector stores).
   * @default false
   */
  refreshInBackground?: boolean;
  /** Also gate `/health/startup` on this check (e.g. migrations). @default false */
  startup?: boolean;
  /**
   * Consecutive failed runs before the check reports `fail`; until then a failed run reports `warn`
   * (as a Kubernetes probe's `failureThreshold`), so one lost packet does not pull a replica from
   * rotation. The count is in the result as `consecutiveFailures`.
   * @default 1
   */
  failureThreshold?: number;
  /**
   * How long a failed result is reused, so a dependency that comes back is seen within about a
   * second while a probe flood still makes at most one call per this interval. Capped at `cacheTtlMs`.
   * @default module `defaults.failureCacheTtlMs` (1000)
   */
  failureCacheTtlMs?: number;
}

/**
 * What a check factory proposes for a dependency (a hosted vendor is slower than a local
 * database). It yields to the user's options and to the module's `defaults`.
 */
export interface SuggestedPolicy {
  /** Per-run timeout in milliseconds this dependency usually needs. */
  timeoutMs?: number;
  /** How long a result may be reused, in milliseconds. */
  cacheTtlMs?: number;
  /** How long a failed result may be reused, in milliseconds. */
  failureCacheTtlMs?: number;
}

/** A check as the engine sees it: a name, some policy, and a function that asks one dependency. */
export interface HealthCheck {
  /** Name in responses, metrics and `/health/checks/:name`; unique per module. */
  readonly name: string;
  /** Whether a `fail` fails readiness (503); a non-critical `fail` only turns the status to `warn`. */
  readonly critical: boolean;
  /** `componentType` of draft-inadarei-api-health-check: `datastore`, `component`, `system`... */
  readonly componentType: string;
  /** The check's own per-run timeout in milliseconds; unset means the module `defaults` (or the factory's suggestion) apply. */
  readonly timeoutMs?: number;
  /** The check's own result TTL in milliseconds; unset means the module `defaults` (or the factory's suggestion) apply. */
  readonly cacheTtlMs?: number;
  /** Whether an expired result is served while a fresh one is fetched. */
  readonly refreshInBackground: boolean;
  /** Whether `/health/startup` also waits for this check. */
  readonly startup: boolean;
  /** Consecutive failed runs before the check reports `fail` (earlier ones report `warn`); unset means 1. */
  readonly failureThreshold?: number;
  /** The check's own TTL for a failed result in milliseconds; unset means the module `defaults` apply. */
  readonly failureCacheTtlMs?: number;
  /** The factory's proposals, used where neither the check options nor the module `defaults` say. */
  readonly suggested?: SuggestedPolicy;
  /** Strings that must never appear in any output (API keys, passwords); the engine redacts them. */
  readonly secrets: readonly string[];
  /** Asks the dependency once. The engine calls it, under the timeout it passes in `context`; `void` means `pass`. */
  run(context: CheckContext): Promise<CheckOutcome | HealthStatus | void>;
  /** Releases what the check opened itself (its own connection). Called once, at application shutdown. */
  close(): Promise<void>;
}

export interface CheckDefinition extends CheckOptions {
  name: string;
  /** @default 'component' */
  componentType?: string;
  /** A factory's proposals; the user's options and module `defaults` win over them. */
  suggested?: SuggestedPolicy;
  /** Secret values this check knows (keys, passwords) to scrub from anything it reports. */
  secrets?: readonly (string | undefined)[];
  /**
   * Ask the dependency. Return or resolve `void` or `'pass'` for healthy, `'warn'`/`'fail'`, or an outcome
   * for anything richer.
   *
   * A promised `string` is accepted because TypeScript widens a lone literal returned by an async arrow
   * (`async () => 'pass'` is `() => Promise<string>` when the expected return type mixes promise and
   * non-promise types, microsoft/TypeScript#30185). A string that is not a status is reported as a `fail`
   * that says so.
   */
  run(context: CheckContext): CheckRunResult | Promise<CheckRunResult | string>;
  /** Releases what the check opened itself (not the app's own clients). Called once at shutdown. */
  close?: () => Promise<void> | void;
}

const HEALTH_CHECK = Symbol.for('nestjs-deep-health.check');

/**
 * Defines a check: the name, its policy, and how to ask the dependency. Timeouts, caching,
 * aggregation and error handling are the engine's job, not the check's.
 *
 * @example
 * defineCheck({
 *   name: 'model',
 *   critical: true,
 *   run: async ({ signal }) => (await model.ping({ signal })) ? 'pass' : { status: 'fail', output: 'model not loaded' },
 * });
 */
export function defineCheck(definition: CheckDefinition): HealthCheck {
  if (definition === null || typeof definition !== 'object') {
    throw new TypeError(`defineCheck() expects an object, got \`${String(definition)}\``);
  }
  if (typeof definition.run !== 'function') {
    throw new TypeError(`defineCheck(): \`run\` must be a function (check "${String(definition.name)}")`);
  }
  const { run, close } = definition;
  let closed: Promise<void> | undefined;
  const check: HealthCheck = {
    name: definition.name,
    critical: definition.critical ?? true,
    componentType: definition.componentType ?? 'component',
    timeoutMs: definition.timeoutMs,
    cacheTtlMs: definition.cacheTtlMs,
    refreshInBackground: definition.refreshInBackground ?? false,
    startup: definition.startup ?? false,
    failureThreshold: definition.failureThreshold,
    failureCacheTtlMs: definition.failureCacheTtlMs,
    ...(definition.suggested ? { suggested: Object.freeze({ ...definition.suggested }) } : {}),
    secrets: (definition.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length > 0),
    run: async (context) => normalizeOutcome(await run(context)),
    close: () => (closed ??= Promise.resolve().then(() => close?.())),
  };
  Object.defineProperty(check, HEALTH_CHECK, { value: true });
  return Object.freeze(check);
}

/** Whether `value` was made by {@link defineCheck} (or a check factory built on it). */
export function isHealthCheck(value: unknown): value is HealthCheck {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HEALTH_CHECK] === true;
}

/** The options every check factory takes (`CheckOptions`). */
export const COMMON_OPTION_KEYS = ['name', 'critical', 'timeoutMs', 'cacheTtlMs', 'refreshInBackground', 'startup', 'failureThreshold', 'failureCacheTtlMs'] as const;

/** The common options of a factory's `options`, without `undefined` values, so defaults survive a spread. */
export function checkOptions(options: CheckOptions): CheckOptions {
  const picked: CheckOptions = {};
  for (const key of COMMON_OPTION_KEYS) {
    if (options[key] !== undefined) (picked as Record<string, unknown>)[key] = options[key];
  }
  return picked;
}

/**
 * Turns what a `run` returned into an outcome: nothing becomes `pass`, a status becomes `{ status }`,
 * an outcome is kept, and anything else is a `fail` that says the result was invalid.
 */
export function normalizeOutcome(value: CheckRunResult | string): CheckOutcome {
  if (value === undefined || value === null) return { status: 'pass' };
  if (isHealthStatus(value)) return { status: value };
  if (typeof value === 'object' && isHealthStatus(value.status)) return value;
  return { status: 'fail', output: `check returned an invalid result (expected pass, warn, fail or an outcome object)` };
}

/** Shorthands for outcomes: `return fail('2 pending', { observedValue: 2 })`. */
/** A `pass` outcome, with any measurements or details in `extra`. */
export const pass = (extra: Omit<CheckOutcome, 'status'> = {}): CheckOutcome => ({ status: 'pass', ...extra });
/** A `warn` outcome whose `output` explains what is degraded. */
export const warn = (output: string, extra: Omit<CheckOutcome, 'status' | 'output'> = {}): CheckOutcome => ({
  status: 'warn',
  output,
  ...extra,
});
/** A `fail` outcome whose `output` explains what is wrong. */
export const fail = (output: string, extra: Omit<CheckOutcome, 'status' | 'output'> = {}): CheckOutcome => ({
  status: 'fail',
  output,
  ...extra,
});

/** One observation of a multi-part check (e.g. Redis memory, persistence, replication). */
export interface Finding {
  /** This observation's status; the worst one of all findings becomes the outcome's. */
  status: HealthStatus;
  /** What was observed, listed in the outcome's `output` when the status is not `pass`. */
  message: string;
}

/**
 * Folds several findings into one outcome: the worst status wins, and the output lists every
 * finding that is not `pass`, worst first.
 */
export function outcomeFromFindings(findings: readonly Finding[], extra: Omit<CheckOutcome, 'status' | 'output'> = {}): CheckOutcome {
  const problems = findings.filter((f) => f.status !== 'pass');
  const failing = problems.filter((f) => f.status === 'fail');
  const ordered = [...failing, ...problems.filter((f) => f.status === 'warn')];
  if (ordered.length === 0) return { status: 'pass', ...extra };
  return {
    status: failing.length > 0 ? 'fail' : 'warn',
    output: ordered.map((f) => f.message).join('; '),
    ...extra,
  };
}
