import { isHealthCheck, type HealthCheck } from '../engine/check.js';
import type { SharedResultStore } from '../engine/health-engine.js';
import { Problems, show } from '../validation/problems.js';
import { SHARED_NEEDS_TTL, SHARED_STORE_SHAPE, SHARED_UNKNOWN_CHECK } from '../maintenance/messages.js';

/**
 * The `sharedResults` module option: the checks whose results replicas share, so N replicas make
 * one call per TTL (the check's `cacheTtlMs`) between them instead of N.
 */
export interface SharedResultsOptions {
  /** Where results are shared. @example redisSharedResultStore({ client: redis }) */
  store: SharedResultStore;
  /** Names of the checks to share (expensive calls to shared services: LLM providers, hosted vector stores). */
  checks: string[];
}

/** `sharedResults` after validation. */
export interface ResolvedSharedResults {
  /** Where results are shared. */
  store: SharedResultStore;
  /** Names of the checks whose results are shared. */
  checks: readonly string[];
}

export function isSharedResultStore(value: unknown): value is SharedResultStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return ['get', 'tryLock', 'put'].every((method) => typeof store[method] === 'function');
}

/**
 * Validates `sharedResults` against the root checks, adding every problem to `problems`. A name
 * no root check has may belong to a `forFeature` check, known only once every module has its
 * providers: `validateSharedResultNames` reports it then, with the groups' references.
 */
export function resolveSharedResultsOptions(
  problems: Problems,
  raw: unknown,
  checks: unknown,
  defaultCacheTtlMs: unknown,
): ResolvedSharedResults | undefined {
  if (!problems.object('sharedResults', raw, ['store', 'checks'])) return undefined;
  if (!isSharedResultStore(raw.store)) problems.add('sharedResults.store', SHARED_STORE_SHAPE);
  if (!Array.isArray(raw.checks) || raw.checks.length === 0) {
    problems.add('sharedResults.checks', `must be a non-empty array of check names, got ${show(raw.checks)}`);
    return undefined;
  }
  raw.checks.forEach((name: unknown, index) => {
    if (typeof name !== 'string') problems.add(`sharedResults.checks[${index}]`, `must be a check name, got ${show(name)}`);
  });
  const configured = Array.isArray(checks) ? checks.filter(isHealthCheck) : [];
  validateSharedResultNames(problems, raw.checks, configured, typeof defaultCacheTtlMs === 'number' ? defaultCacheTtlMs : undefined);
  return { store: raw.store as SharedResultStore, checks: [...(raw.checks as string[])] };
}

/**
 * `sharedResults.checks` against `checks`: one of them with `cacheTtlMs` 0 is a problem (a shared
 * result needs a TTL); given every check name (`known`), a name outside it is one too.
 */
export function validateSharedResultNames(
  problems: Problems,
  names: readonly unknown[],
  checks: readonly HealthCheck[],
  defaultCacheTtlMs: number | undefined,
  known?: readonly string[],
): void {
  names.forEach((name, index) => {
    if (typeof name !== 'string') return;
    const at = `sharedResults.checks[${index}]`;
    const check = checks.find((c) => c.name === name);
    if (check) {
      if ((check.cacheTtlMs ?? defaultCacheTtlMs) === 0) problems.add(at, SHARED_NEEDS_TTL(name));
    } else if (known && !known.includes(name)) {
      problems.add(at, SHARED_UNKNOWN_CHECK(name, known));
    }
  });
}
