import { worstStatus, type HealthStatus } from './health-status.js';

/** The part of a result that {@link aggregateStatus} reads; a `CheckResult` is one. */
export interface AggregatableResult {
  /** The check's status. */
  readonly status: HealthStatus;
  /** Whether a `fail` may fail the whole; a non-critical one counts as `warn` at most. */
  readonly critical: boolean;
}

/**
 * The status of a set of results: the worst critical status decides; a non-critical check can
 * at most turn the whole to `warn`, because pulling every replica out of rotation for a shared
 * dependency turns a partial outage into a total one.
 */
export function aggregateStatus(results: readonly AggregatableResult[]): HealthStatus {
  const critical = worstStatus(results.filter((r) => r.critical).map((r) => r.status));
  const optional = worstStatus(results.filter((r) => !r.critical).map((r) => r.status));
  if (critical === 'fail') return 'fail';
  return critical === 'warn' || optional !== 'pass' ? 'warn' : 'pass';
}
