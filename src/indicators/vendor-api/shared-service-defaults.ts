import type { CheckOptions, SuggestedPolicy } from '../../engine/check.js';

/**
 * Policy shared by every vector-store and LLM check: they are shared external services, so they
 * are non-critical (a provider outage must not pull every replica out of rotation). Their longer
 * timeout and TTL are suggestions: the user's check options and the module `defaults` win. A
 * timeout above the response deadline makes the engine serve the last result while it refreshes.
 */
export const SHARED_SERVICE_DEFAULTS: Pick<CheckOptions, 'critical'> & { suggested: SuggestedPolicy } = {
  critical: false,
  suggested: { timeoutMs: 3000, cacheTtlMs: 30_000 },
};

/** A completion probe costs tokens: run it rarely and never make a probe wait for it. */
export const COMPLETION_PROBE_DEFAULTS: Pick<CheckOptions, 'refreshInBackground'> & { suggested: SuggestedPolicy } = {
  refreshInBackground: true,
  suggested: { cacheTtlMs: 300_000 },
};
