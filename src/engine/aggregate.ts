import { worstStatus, type HealthStatus } from './health-status.js';

export interface AggregatableResult {
  readonly status: HealthStatus;
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
