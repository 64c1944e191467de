import { Problems, show } from './problems.js';
import {
  FAILURE_TTL_ABOVE_TTL,
  NOT_A_COUNT,
  NOT_A_SECRET,
  NOT_A_URL,
  NOT_AN_OBJECT,
  NOT_POSITIVE,
  OPTION_REQUIRED,
  UNPARSABLE_URL,
  WRONG_URL_SCHEME,
} from '../engine/messages.js';

/**
 * The largest per-check `timeoutMs` and `cacheTtlMs` a factory accepts: the same limits the module
 * applies to every check at boot, so a factory reports them where the check is built.
 */
export const CHECK_OPTION_LIMITS = { maxTimeoutMs: 10 * 60_000, maxCacheTtlMs: 86_400_000, maxFailureThreshold: 1000 } as const;

/** URL families {@link CheckOptionProblems.url} knows: each accepts its scheme and the `s` variant. */
export type UrlScheme = 'http' | 'amqp';

const URL_EXAMPLES: Readonly<Record<UrlScheme, string>> = {
  http: 'http://127.0.0.1:6333',
  amqp: 'amqp://127.0.0.1:5672',
};

/**
 * Collects the problems of a check factory's options as `path: what is wrong, got <value>` lines.
 * Bad values are echoed in short (strings cut at 40 characters), but never an object's contents,
 * never a secret (only its type is named) and never a URL's credentials, path or query.
 *
 * Besides `add(path, message)`, `string`, `number`, `oneOf`, `boolean` and `func` of the module's
 * validation, it checks URLs, secrets, required strings, ratios, counts and positive thresholds.
 */
export class CheckOptionProblems extends Problems {
  /**
   * An absolute `http(s)` URL (or `amqp(s)` with `scheme: 'amqp'`).
   * Only its scheme and host are ever echoed: credentials, path and query may carry secrets.
   */
  url(path: string, value: unknown, { required = true, scheme = 'http' }: { required?: boolean; scheme?: UrlScheme } = {}): void {
    if (value === undefined) {
      if (required) this.add(path, OPTION_REQUIRED);
      return;
    }
    if (typeof value !== 'string' || value.length === 0) {
      this.add(path, NOT_A_URL(scheme, show(value)));
      return;
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.add(path, UNPARSABLE_URL(scheme, URL_EXAMPLES[scheme]));
      return;
    }
    if (parsed.protocol !== `${scheme}:` && parsed.protocol !== `${scheme}s:`) {
      this.add(path, WRONG_URL_SCHEME(scheme, parsed.protocol, `${parsed.protocol}//${parsed.host}`));
    }
  }

  /** A non-blank string that is never echoed: only its type is named. */
  secret(path: string, value: unknown, { required = true }: { required?: boolean } = {}): void {
    if (value === undefined) {
      if (required) this.add(path, OPTION_REQUIRED);
      return;
    }
    if (typeof value !== 'string') this.add(path, NOT_A_SECRET(kindOf(value)));
    else if (value.trim().length === 0) this.add(path, NOT_A_SECRET(value.length === 0 ? 'an empty string' : 'a blank string'));
  }

  /** A non-empty string that must be given. */
  requiredString(path: string, value: unknown): void {
    if (value === undefined) this.add(path, OPTION_REQUIRED);
    else this.string(path, value);
  }

  /** `undefined`, or a number from 0 to 1. */
  ratio(path: string, value: unknown): void {
    this.number(path, value, { min: 0, max: 1, integer: false });
  }

  /** `undefined`, or a whole number >= 0; `Infinity` switches a threshold off. */
  count(path: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < 0) {
      this.add(path, NOT_A_COUNT(show(value)));
    }
  }

  /** `undefined`, or a number above 0; `Infinity` switches a threshold off. */
  positive(path: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) this.add(path, NOT_POSITIVE(show(value)));
  }
}

/**
 * Validates a check factory's options eagerly, when the check is built: first the options every
 * factory shares (`name`, `critical`, `timeoutMs`, `cacheTtlMs`, `refreshInBackground`, `startup`),
 * then the factory's own through `validate`. Throws one `InvalidOptionsError` (a `TypeError`) listing every problem, so a
 * misconfiguration is fixed in one go rather than one restart per mistake.
 *
 * @param factoryName The factory as the user calls it (`'redisCheck'`), named in the error.
 * @param options What the user passed; anything but a plain object is itself a problem.
 * @param validate Adds the factory's own problems; `record` is `options`, typed for inspection.
 * @throws InvalidOptionsError `Invalid <factoryName> options (N problems):` then one `- path: problem` line each.
 *
 * @example
 * import { checkOptions, defineCheck, validateCheckOptions, type CheckOptions } from 'nestjs-deep-health';
 *
 * interface SearchCheckOptions extends CheckOptions { url: string; apiKey?: string; minNodes?: number }
 *
 * export function searchCheck(options: SearchCheckOptions) {
 *   validateCheckOptions('searchCheck', options, (problems, o) => {
 *     problems.url('url', o.url);
 *     problems.secret('apiKey', o.apiKey, { required: false });
 *     problems.count('minNodes', o.minNodes);
 *   });
 *   // searchCheck({ url: 'ftp://search', timeoutMs: 0 }) throws:
 *   //   Invalid searchCheck options (2 problems):
 *   //     - timeoutMs: must be between 1 and 600000, got 0
 *   //     - url: must use http or https, got "ftp:" in ftp://search
 *   return defineCheck({ name: 'search', ...checkOptions(options), run: async ({ signal }) => {
 *     const res = await fetch(new URL('/_health', options.url), { signal });
 *     return res.ok ? 'pass' : { status: 'fail', output: `search answered ${res.status}` };
 *   } });
 * }
 */
export function validateCheckOptions<T extends object>(
  factoryName: string,
  options: T | undefined,
  validate?: (problems: CheckOptionProblems, record: Record<string, unknown>) => void,
): void {
  const problems = new CheckOptionProblems();
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    problems.add('options', NOT_AN_OBJECT(show(options)));
  } else {
    const record = options as Record<string, unknown>;
    problems.string('name', record.name, { pattern: /\S/, description: 'a non-blank string' });
    validateCommonCheckOptions(problems, '', record);
    validate?.(problems, record);
  }
  problems.throwIfAny(`${factoryName} options`);
}

/**
 * The options every check has (`CheckOptions` but `name`), checked the same way wherever a check
 * meets validation: in its factory and again at module boot. `at` prefixes each path (`checks[2]`).
 */
export function validateCommonCheckOptions(problems: Problems, at: string, record: Record<string, unknown>): void {
  const path = (key: string) => (at ? `${at}.${key}` : key);
  problems.boolean(path('critical'), record.critical);
  problems.number(path('timeoutMs'), record.timeoutMs, { min: 1, max: CHECK_OPTION_LIMITS.maxTimeoutMs });
  problems.number(path('cacheTtlMs'), record.cacheTtlMs, { min: 0, max: CHECK_OPTION_LIMITS.maxCacheTtlMs });
  problems.boolean(path('refreshInBackground'), record.refreshInBackground);
  problems.boolean(path('startup'), record.startup);
  problems.number(path('failureCacheTtlMs'), record.failureCacheTtlMs, { min: 0, max: CHECK_OPTION_LIMITS.maxCacheTtlMs });
  problems.number(path('failureThreshold'), record.failureThreshold, { min: 1, max: CHECK_OPTION_LIMITS.maxFailureThreshold });
  const { cacheTtlMs, failureCacheTtlMs } = record;
  if (typeof cacheTtlMs === 'number' && typeof failureCacheTtlMs === 'number' && failureCacheTtlMs > cacheTtlMs) {
    problems.add(path('failureCacheTtlMs'), FAILURE_TTL_ABOVE_TTL(failureCacheTtlMs, cacheTtlMs));
  }
}

/** What a value is, without what it holds: for secrets, where even a number must not be echoed. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
