import type { CheckResult } from './health-engine.js';
import type { HealthStatus } from './health-status.js';

/** A change of a check's status between two fresh results. */
export interface StatusTransition {
  /** The check name. */
  check: string;
  /** The status before; `undefined` for a check's first result. */
  previous: HealthStatus | undefined;
  /** The new status. */
  current: HealthStatus;
  /** The new result's `output` (redacted like every result), when it has one. */
  output?: string;
  /** When the new status was observed (ISO 8601). */
  time: string;
}

/**
 * The transition that `result` makes after `previous`, or `undefined` when the status did not
 * change. A check's first result is a transition only when it is not `pass` (a healthy boot is not news).
 * The one definition used by the log lines, `onStatusChange`, the history and the webhooks.
 */
export function statusTransition(result: CheckResult, previous: CheckResult | undefined): StatusTransition | undefined {
  const before = previous?.status;
  if (before === result.status || (before === undefined && result.status === 'pass')) return undefined;
  return { check: result.name, previous: before, current: result.status, output: result.output, time: result.time };
}
