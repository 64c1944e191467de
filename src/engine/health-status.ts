/** The three statuses of draft-inadarei-api-health-check. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** Every status, best first: handy for iterating (one metric series per status, say). */
export const HEALTH_STATUSES: readonly HealthStatus[] = ['pass', 'warn', 'fail'];

const SEVERITY: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** Whether `value` is one of `'pass'`, `'warn'`, `'fail'`: for reading a status from untyped data (a store, JSON). */
export function isHealthStatus(value: unknown): value is HealthStatus {
  return value === 'pass' || value === 'warn' || value === 'fail';
}

/** The worst of the given statuses; `pass` for none. */
export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'pass';
  for (const status of statuses) {
    if (SEVERITY[status] > SEVERITY[worst]) worst = status;
  }
  return worst;
}
