/**
 * Helpers shared by the Redis and queue checks (BullMQ runs on Redis; RabbitMQ shares the
 * abort and validation helpers). Nothing here loads a driver.
 */
import { INVALID_OPTIONS } from './messages.js';

/**
 * Settles like `work`, or rejects with the signal's reason as soon as `signal` aborts.
 * For drivers whose calls cannot be cancelled (ioredis, amqplib): the check returns at the
 * timeout, and a reply that fails later is swallowed instead of becoming an unhandled rejection.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/** The part of an ioredis client (or BullMQ's wrapper around one) that the checks read. */
export interface ReadyAwareClient {
  readonly status: string;
}

/**
 * ioredis queues commands while it is not `ready` (offline queue) and, with
 * `maxRetriesPerRequest: null`, retries them forever: a probe must not join that queue.
 * Returns the status when the client cannot answer now, else `undefined`.
 */
export function notReadyStatus(client: ReadyAwareClient): string | undefined {
  return client.status === 'ready' ? undefined : String(client.status);
}

/** Collects every problem of a factory's options, then throws them together. */
export class OptionProblems {
  private readonly problems: string[] = [];

  constructor(private readonly factory: string) {}

  add(problem: string): void {
    this.problems.push(problem);
  }

  /** The options every factory shares (`name`, `critical`, `timeoutMs`, `cacheTtlMs`...). */
  common(options: Record<string, unknown>): void {
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name.trim() === '')) {
      this.add(`name: expected a non-empty string, got \`${show(options.name)}\``);
    }
    this.boolean('critical', options.critical);
    this.boolean('refreshInBackground', options.refreshInBackground);
    this.boolean('startup', options.startup);
    if (options.timeoutMs !== undefined && !(typeof options.timeoutMs === 'number' && Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
      this.add(`timeoutMs: expected a finite number above 0, got \`${show(options.timeoutMs)}\``);
    }
    this.count('cacheTtlMs', options.cacheTtlMs);
  }

  /** `undefined`, or a number above 0 (`Infinity` allowed, to switch a threshold off). */
  positive(key: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
      this.add(`${key}: expected a number above 0, got \`${show(value)}\``);
    }
  }

  /** `undefined`, or a whole number >= 0 (`Infinity` allowed, to switch a threshold off). */
  count(key: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < 0) {
      this.add(`${key}: expected a whole number >= 0, got \`${show(value)}\``);
    }
  }

  boolean(key: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'boolean') this.add(`${key}: expected a boolean, got \`${show(value)}\``);
  }

  /** Throws one TypeError listing every problem, if there is any. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw new TypeError(INVALID_OPTIONS(this.factory, this.problems));
  }
}

/** A short, safe rendering of a bad option value (never an object's contents: it may hold secrets). */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'array' : 'object';
  return String(value);
}

/** Rounds for display and measurements (4 significant decimals are plenty for ratios and ms). */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
