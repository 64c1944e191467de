/**
 * A tiny collector for option validation that reports every problem at once as
 * `path: what is wrong` lines (like @nestjs/config's schema validation).
 */
export class Problems {
  private readonly lines: string[] = [];

  /** Records one problem, reported as `path: message`. */
  add(path: string, message: string): void {
    this.lines.push(`${path}: ${message}`);
  }

  /** Every problem recorded so far, as `path: message` lines. */
  get list(): readonly string[] {
    return this.lines;
  }

  /** Throws one error listing every problem, if there is any. */
  throwIfAny(subject: string): void {
    if (this.lines.length > 0) throw new InvalidOptionsError(subject, this.lines);
  }

  /**
   * Whether `value` is an object to read further: `false` for `undefined` (not given) and for a
   * non-object (a problem). Each key outside `known` is a problem too (`path.key: unknown option`).
   */
  object(path: string, value: unknown, known: readonly string[]): value is Record<string, unknown> {
    if (value === undefined) return false;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.add(path, `must be an object, got ${show(value)}`);
      return false;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.add(path ? `${path}.${key}` : key, `unknown option (known: ${known.join(', ')})`);
    }
    return true;
  }

  /**
   * A problem unless `value` is `undefined` or a number within `min`..`max` (inclusive; default 0
   * to `Number.MAX_SAFE_INTEGER`), and an integer unless `integer: false`.
   */
  number(path: string, value: unknown, { min = 0, max = Number.MAX_SAFE_INTEGER, integer = true } = {}): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || Number.isNaN(value) || (integer && !Number.isInteger(value))) {
      this.add(path, `must be ${integer ? 'an integer' : 'a number'}, got ${show(value)}`);
    } else if (value < min || value > max) {
      this.add(path, `must be between ${min} and ${max}, got ${show(value)}`);
    }
  }

  /**
   * A problem unless `value` is `undefined` or a non-empty string that matches `pattern`, if given;
   * `description` says what a match looks like in the message (`must be <description>`).
   */
  string(path: string, value: unknown, { pattern, description }: { pattern?: RegExp; description?: string } = {}): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || value.length === 0) this.add(path, `must be a non-empty string, got ${show(value)}`);
    else if (pattern && !pattern.test(value)) this.add(path, `must be ${description ?? `like ${pattern}`}, got ${show(value)}`);
  }

  /** A problem unless `value` is `undefined` or one of `allowed`. */
  oneOf<T>(path: string, value: unknown, allowed: readonly T[]): void {
    if (value !== undefined && !allowed.includes(value as T)) {
      this.add(path, `must be one of ${allowed.map((a) => show(a)).join(', ')}, got ${show(value)}`);
    }
  }

  /** A problem unless `value` is `undefined`, `true` or `false`. */
  boolean(path: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'boolean') this.add(path, `must be true or false, got ${show(value)}`);
  }

  /** A problem unless `value` is `undefined` or a function. */
  func(path: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'function') this.add(path, `must be a function, got ${show(value)}`);
  }
}

/**
 * The one error of every option validation (module, check factories, stores): every problem at
 * once as `path: what is wrong` lines in `problems`. A `TypeError`, as a bad argument is.
 */
export class InvalidOptionsError extends TypeError {
  /** Always `'InvalidOptionsError'`, for telling the error apart without `instanceof`. */
  override readonly name = 'InvalidOptionsError';

  constructor(
    subject: string,
    /** Every problem found, one `path: what is wrong` line each (the message lists them too). */
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${subject} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
}

/** A short, secret-free rendering of a bad value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 37)}..."` : JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
