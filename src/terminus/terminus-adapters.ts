import { defineCheck, type CheckOptions, type CheckOutcome, type HealthCheck } from '../engine/check.js';
import { HealthEngine } from '../engine/health-engine.js';
import { describeError } from '../engine/redact.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_TIMEOUT_MS } from '../engine/health-engine.js';

/**
 * The shape of a @nestjs/terminus indicator result, written out here so that users who do not
 * install terminus never see it in their types.
 */
export type TerminusIndicatorResult = Record<
  string,
  {
    /** The indicator's verdict for this key (`up` becomes `pass`, `degraded` `warn`, `down` `fail`). */
    status: TerminusIndicatorStatus;
    [key: string]: unknown;
  }
>;

/** Statuses of a terminus indicator result. */
export type TerminusIndicatorStatus = 'up' | 'degraded' | 'down';

/**
 * Anything terminus accepts in `HealthCheckService.check([...])`: a function returning a result
 * (or a `HealthCheckAttempt`), or an attempt itself (it is a thenable).
 */
export type TerminusIndicatorFunction =
  | (() => PromiseLike<TerminusIndicatorResult> | TerminusIndicatorResult | PromiseLike<unknown>)
  | PromiseLike<TerminusIndicatorResult>;

const FROM_TERMINUS: Record<TerminusIndicatorStatus, CheckOutcome['status']> = { up: 'pass', degraded: 'warn', down: 'fail' };

/** Options of {@link fromTerminus}: the common check options except `name`, and the secrets to scrub. */
export interface FromTerminusOptions extends Omit<CheckOptions, 'name'> {
  /**
   * Values the indicator knows (an API key, a password) that must never appear in any output,
   * e.g. echoed back in a dependency's error that the indicator reports as its `message`.
   */
  secrets?: readonly (string | undefined)[];
}

/**
 * Wraps any @nestjs/terminus indicator so it runs in this module's layers, under its engine
 * (timeout, cache, aggregation). A terminus indicator takes no AbortSignal: at its timeout the
 * engine reports `fail` and starts no other run of it until the abandoned one settles.
 *
 * @example
 * fromTerminus('disk', () => disk.checkStorage('disk', { path: '/', thresholdPercent: 0.9 }), { critical: false })
 */
export function fromTerminus(name: string, indicator: TerminusIndicatorFunction, options: FromTerminusOptions = {}): HealthCheck {
  if (typeof indicator !== 'function' && typeof (indicator as PromiseLike<unknown>)?.then !== 'function') {
    throw new TypeError(`fromTerminus("${name}"): expected a terminus HealthIndicatorFunction, got ${typeof indicator}`);
  }
  if (indicator instanceof Promise) {
    // A promise settles once: every later run would report its first result forever.
    throw new TypeError(`fromTerminus("${name}"): pass a function (() => indicator.check(...)), not a promise: a promise settles only once`);
  }
  return defineCheck({
    name,
    ...options,
    run: async () => {
      try {
        const result = (await (typeof indicator === 'function' ? indicator() : indicator)) as TerminusIndicatorResult;
        return outcomeOf(result);
      } catch (error) {
        // terminus < 11 reported "down" by throwing HealthCheckError with the result in `causes`.
        const causes = (error as { causes?: unknown })?.causes;
        if (causes && typeof causes === 'object') return { ...outcomeOf(causes as TerminusIndicatorResult), status: 'fail' };
        return { status: 'fail', output: describeError(error) };
      }
    },
  });
}

function outcomeOf(result: TerminusIndicatorResult): CheckOutcome {
  const entries = Object.entries(result ?? {});
  if (entries.length === 0) return { status: 'fail', output: 'terminus indicator returned no result' };
  let status: CheckOutcome['status'] = 'pass';
  const messages: string[] = [];
  const details: Record<string, unknown> = {};
  for (const [key, { status: raw, ...data }] of entries) {
    // Anything but a known status (a typo, a future status) counts as down.
    const mapped = FROM_TERMINUS[raw] ?? 'fail';
    if (mapped === 'fail' || (mapped === 'warn' && status === 'pass')) status = mapped;
    if (typeof data.message === 'string') messages.push(entries.length > 1 ? `${key}: ${data.message}` : data.message);
    details[key] = data;
  }
  return { status, ...(messages.length ? { output: messages.join('; ') } : {}), details };
}

/** This module's statuses as terminus names them (also used by `format: 'terminus'`). */
export const TO_TERMINUS = { pass: 'up', warn: 'degraded', fail: 'down' } as const satisfies Record<CheckOutcome['status'], TerminusIndicatorStatus>;

/**
 * Turns one of this module's checks into a terminus indicator function, so it can sit in a
 * plain `HealthCheckService.check([...])`. The check still runs under an engine of its own
 * (timeout from the check or 800 ms, cache from the check or none).
 *
 * @example
 * this.health.check([toTerminus(postgresCheck({ dataSource }))])
 */
export function toTerminus(check: HealthCheck): () => Promise<TerminusIndicatorResult> {
  const engine = new HealthEngine({
    timeoutMs: check.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    cacheTtlMs: check.cacheTtlMs ?? 0,
    deadlineMs: Math.max(DEFAULT_DEADLINE_MS, check.timeoutMs ?? 0),
  });
  return async () => {
    const result = await engine.result(check);
    const { status, output, observedValue, observedUnit, measurements, details, time, durationMs } = result;
    return {
      [check.name]: {
        status: TO_TERMINUS[status],
        time,
        durationMs,
        ...(observedValue !== undefined ? { observedValue, observedUnit } : {}),
        ...(measurements ? { measurements } : {}),
        ...(details ? { details } : {}),
        ...(output !== undefined ? { message: output } : {}),
      },
    };
  };
}
