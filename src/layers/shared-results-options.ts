import { isHealthCheck } from '../engine/check.js';
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

export interface ResolvedSharedResults {
  store: SharedResultStore;
  checks: readonly string[];
}

export function isSharedResultStore(value: unknown): value is SharedResultStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return ['get', 'tryLock', 'put'].every((method) => typeof store[method] === 'function');
}

/** Validates `sharedResults` against the configured checks, adding every problem to `problems`. */
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
  const configured = Array.isArray(checks) ? checks.filter(isHealthCheck) : [];
  const known = configured.map((check) => check.name);
  const fallbackTtl = typeof defaultCacheTtlMs === 'number' ? defaultCacheTtlMs : undefined;
  raw.checks.forEach((name: unknown, index) => {
    const at = `sharedResults.checks[${index}]`;
    if (typeof name !== 'string') return problems.add(at, `must be a check name, got ${show(name)}`);
    const check = configured.find((c) => c.name === name);
    if (!check) return problems.add(at, SHARED_UNKNOWN_CHECK(name, known));
    if ((check.cacheTtlMs ?? fallbackTtl) === 0) problems.add(at, SHARED_NEEDS_TTL(name));
  });
  return { store: raw.store as SharedResultStore, checks: [...(raw.checks as string[])] };
}
