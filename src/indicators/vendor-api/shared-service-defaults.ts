/**
 * Policy shared by every vector-store and LLM check: they are shared external services, so they
 * are non-critical (a provider outage must not pull every replica out of rotation), cached longer
 * than in-process checks, and given a few seconds.
 */
export const SHARED_SERVICE_DEFAULTS = { critical: false, timeoutMs: 3000, cacheTtlMs: 30_000 } as const;

/** A completion probe costs tokens: run it rarely and never make a probe wait for it. */
export const COMPLETION_PROBE_DEFAULTS = { cacheTtlMs: 300_000, refreshInBackground: true } as const;
