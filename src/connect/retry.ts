import type { Problems } from '../validation/problems.js';

/** How attempts to reach a dependency are spaced: exponential backoff with jitter. */
export interface RetryOptions {
  /** Wait after the first failed attempt. @default 500 */
  initialDelayMs?: number;
  /** Longest wait between two attempts. @default 10000 */
  maxDelayMs?: number;
  /** Growth of the wait per failed attempt. @default 2 */
  factor?: number;
  /**
   * Share of each wait that is random (0..1), so replicas restarted together do not retry in step.
   * @default 0.2
   */
  jitter?: number;
  /** Attempts before giving up (the process stays up and reports it). @default Infinity */
  maxAttempts?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { initialDelayMs: 500, maxDelayMs: 10_000, factor: 2, jitter: 0.2, maxAttempts: Infinity };

/** The wait after failed attempt number `attempt` (1-based): `initial * factor^(attempt-1)`, capped, minus up to `jitter` of it. */
export function backoffDelay(retry: Required<RetryOptions>, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - retry.jitter * random()));
}

export function validateRetry(problems: Problems, path: string, value: unknown): void {
  if (!problems.object(path, value, Object.keys(RETRY_DEFAULTS))) return;
  const retry = value as Record<string, unknown>;
  problems.number(`${path}.initialDelayMs`, retry.initialDelayMs, { min: 1, max: 600_000 });
  problems.number(`${path}.maxDelayMs`, retry.maxDelayMs, { min: 1, max: 3_600_000 });
  problems.number(`${path}.factor`, retry.factor, { min: 1, max: 10, integer: false });
  problems.number(`${path}.jitter`, retry.jitter, { min: 0, max: 1, integer: false });
  if (retry.maxAttempts !== Infinity) problems.number(`${path}.maxAttempts`, retry.maxAttempts, { min: 1 });
  const initial = (retry.initialDelayMs as number | undefined) ?? RETRY_DEFAULTS.initialDelayMs;
  const max = (retry.maxDelayMs as number | undefined) ?? RETRY_DEFAULTS.maxDelayMs;
  if (typeof initial === 'number' && typeof max === 'number' && initial > max) problems.add(`${path}.maxDelayMs`, `must be at least initialDelayMs (${initial}), got ${max}`);
}
