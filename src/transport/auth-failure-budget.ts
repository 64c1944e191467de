import type { Problems } from '../validation/problems.js';

/**
 * How many wrong admin tokens one client may send before it is refused for a while.
 *
 * @example
 * DeepHealthModule.forRoot({ adminToken, authFailureBudget: { maxFailures: 5, windowSeconds: 300 } })
 */
export interface AuthFailureBudgetOptions {
  /** Wrong or missing tokens one client may send within `windowSeconds`; the next request gets 429. @default 10 */
  maxFailures?: number;
  /** The window the failures are counted in; a refused client waits until it ends (`Retry-After`). @default 60 */
  windowSeconds?: number;
  /**
   * How many clients are tracked at once; beyond that the oldest entry is forgotten, so a flood
   * of addresses cannot grow the process. @default 10000
   */
  maxClients?: number;
}

export type ResolvedAuthFailureBudget = Required<AuthFailureBudgetOptions>;

export const AUTH_FAILURE_BUDGET_DEFAULTS: ResolvedAuthFailureBudget = { maxFailures: 10, windowSeconds: 60, maxClients: 10_000 };
const KEYS = Object.keys(AUTH_FAILURE_BUDGET_DEFAULTS);

/** Validates the `authFailureBudget` option; `false` turns the budget off. */
export function resolveAuthFailureBudget(problems: Problems, value: unknown): ResolvedAuthFailureBudget | false {
  if (value === false) return false;
  if (!problems.object('authFailureBudget', value, KEYS)) return AUTH_FAILURE_BUDGET_DEFAULTS;
  const given = value as AuthFailureBudgetOptions;
  problems.number('authFailureBudget.maxFailures', given.maxFailures, { min: 1, max: 1_000_000 });
  problems.number('authFailureBudget.windowSeconds', given.windowSeconds, { min: 1, max: 86_400 });
  problems.number('authFailureBudget.maxClients', given.maxClients, { min: 1, max: 10_000_000 });
  return { ...AUTH_FAILURE_BUDGET_DEFAULTS, ...stripUndefined(given) };
}

function stripUndefined(value: AuthFailureBudgetOptions): AuthFailureBudgetOptions {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

interface ClientFailures {
  count: number;
  windowEndsAt: number;
}

/**
 * Counts wrong admin tokens per client (its address) in a fixed window. A client that used up its
 * budget is refused until its window ends, whatever token it sends (else the refusal would tell a
 * right guess from a wrong one); other clients are not affected. At most `maxClients` entries are
 * kept (oldest forgotten first).
 */
export class AuthFailureBudget {
  private readonly clients = new Map<string, ClientFailures>();

  constructor(
    private readonly settings: ResolvedAuthFailureBudget,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `client` may try again, or `undefined` when it may try now. */
  refusedFor(client: string): number | undefined {
    const entry = this.current(client);
    if (!entry || entry.count < this.settings.maxFailures) return undefined;
    return Math.max(1, Math.ceil((entry.windowEndsAt - this.now()) / 1000));
  }

  /** Counts one wrong or missing token from `client`. */
  fail(client: string): void {
    const entry = this.current(client);
    if (entry) {
      entry.count++;
      return;
    }
    if (this.clients.size >= this.settings.maxClients) this.clients.delete(this.clients.keys().next().value!);
    this.clients.set(client, { count: 1, windowEndsAt: this.now() + this.settings.windowSeconds * 1000 });
  }

  /** A right token: the client's failures are forgiven. */
  succeed(client: string): void {
    this.clients.delete(client);
  }

  /** How many clients are tracked (bounded by `maxClients`). */
  get size(): number {
    return this.clients.size;
  }

  private current(client: string): ClientFailures | undefined {
    const entry = this.clients.get(client);
    if (entry && entry.windowEndsAt <= this.now()) {
      this.clients.delete(client);
      return undefined;
    }
    return entry;
  }
}
