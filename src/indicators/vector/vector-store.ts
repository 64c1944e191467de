import type { CheckOptions, Finding } from '../../engine/check.js';
import type { CheckOptionProblems } from '../../validation/check-options-validation.js';
import { DIMENSION_MISMATCH, DIMENSION_UNKNOWN } from './messages.js';

/** Options every vector-store check accepts. */
export interface VectorStoreOptions extends CheckOptions {
  /** Base URL of the server, e.g. `http://qdrant:6333`. Credentials in it are sent as Basic auth and redacted. */
  url: string;
  /** API key or token; sent in the vendor's header, never shown. */
  apiKey?: string;
  /** Vector size the application writes and queries with; a mismatch is a `fail`. @default not checked */
  dimensions?: number;
}

/** Validates the options shared by every vector-store check. */
export function validateVectorStore(problems: CheckOptionProblems, options: Record<string, unknown>, { urlRequired = true } = {}): void {
  problems.url('url', options.url, { required: urlRequired });
  problems.secret('apiKey', options.apiKey, { required: false });
  problems.number('dimensions', options.dimensions, { min: 1 });
}

/** Compares a store's vector size with the expected one; nothing to say when none is expected. */
export function dimensionFinding(where: string, actual: number | null | undefined, expected: number | undefined): Finding | undefined {
  if (expected === undefined) return undefined;
  if (typeof actual !== 'number') return { status: 'warn', message: DIMENSION_UNKNOWN(where, expected) };
  if (actual !== expected) return { status: 'fail', message: DIMENSION_MISMATCH(where, actual, expected) };
  return undefined;
}
