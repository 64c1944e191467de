import { Problems } from '../../module/validation.js';
import { safeUrl } from './http-client.js';
import { OPTIONS_INVALID } from './messages.js';

/**
 * Policy shared by every vector-store and LLM check: they are shared external services, so they
 * are non-critical (a provider outage must not pull every replica out of rotation), cached longer
 * than in-process checks, and given a few seconds.
 */
export const SHARED_SERVICE_DEFAULTS = { critical: false, timeoutMs: 3000, cacheTtlMs: 30_000 } as const;

/** A completion probe costs tokens: run it rarely and never make a probe wait for it. */
export const COMPLETION_PROBE_DEFAULTS = { cacheTtlMs: 300_000, refreshInBackground: true } as const;

/**
 * Validates a factory's options eagerly and throws one `TypeError` listing every problem.
 * Bad values are echoed, except secrets (only their type is named) and URL credentials/queries.
 */
export function validateOptions<T extends object>(subject: string, options: T | undefined, validate: (problems: OptionProblems, options: Record<string, unknown>) => void): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${subject}() expects an options object, got ${options === null ? 'null' : typeof options}`);
  }
  const problems = new OptionProblems();
  const record = options as Record<string, unknown>;
  problems.string('name', record.name);
  problems.boolean('critical', record.critical);
  problems.number('timeoutMs', record.timeoutMs, { min: 1 });
  problems.number('cacheTtlMs', record.cacheTtlMs, { min: 0 });
  problems.boolean('refreshInBackground', record.refreshInBackground);
  problems.boolean('startup', record.startup);
  validate(problems, record);
  if (problems.list.length > 0) throw new TypeError(OPTIONS_INVALID(subject, problems.list));
}

export class OptionProblems extends Problems {
  /** An http(s) URL; echoed without credentials or query. */
  url(path: string, value: unknown, { required = true } = {}): void {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || value.length === 0) {
      this.add(path, `must be an http(s) URL, got ${value === undefined ? 'nothing' : typeof value}`);
      return;
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.add(path, `must be an absolute http(s) URL (e.g. http://127.0.0.1:6333), got an unparsable value`);
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      this.add(path, `must use http or https, got ${JSON.stringify(parsed.protocol)} in ${safeUrl(value)}`);
    }
  }

  /** A secret: only its type is ever named. */
  secret(path: string, value: unknown, { required = true } = {}): void {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || value.trim().length === 0) {
      this.add(path, `must be a non-empty string, got ${value === undefined ? 'nothing' : typeof value === 'string' ? 'an empty string' : typeof value}`);
    }
  }

  requiredString(path: string, value: unknown): void {
    if (value === undefined) this.add(path, 'is required');
    else this.string(path, value);
  }

  ratio(path: string, value: unknown): void {
    this.number(path, value, { min: 0, max: 1, integer: false });
  }
}
