import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InvalidOptionsError, Problems, show } from '../module/validation.js';
import { OFF, type EnableMaintenance, type MaintenanceState } from './maintenance-state.js';

export const MAX_REASON_LENGTH = 200;
const MAX_DURATION_SECONDS = 30 * 86_400;
const BODY_FIELDS = ['reason', 'until', 'durationSeconds', 'scope'];

/**
 * Validates an `enable` request (from code or from the PUT body) and returns the state it asks for.
 * Throws `InvalidOptionsError` listing every problem.
 */
export function parseEnableRequest(input: unknown, now = Date.now(), readOnly = false): MaintenanceState {
  const problems = new Problems();
  if (!problems.object('', input, BODY_FIELDS)) {
    if (input === undefined) problems.add('body', 'must be an object like {"reason": "..."}');
    problems.throwIfAny('maintenance request');
  }
  const body = input as Record<string, unknown>;
  if (typeof body.reason !== 'string' || body.reason.trim() === '') {
    problems.add('reason', `is required: a non-empty string, got ${show(body.reason)}`);
  } else if (body.reason.length > MAX_REASON_LENGTH) {
    problems.add('reason', `must be at most ${MAX_REASON_LENGTH} characters, got ${body.reason.length}`);
  }
  problems.oneOf('scope', body.scope, ['instance', 'fleet']);
  problems.number('durationSeconds', body.durationSeconds, { min: 1, max: MAX_DURATION_SECONDS });
  let until: number | undefined;
  if (body.until !== undefined) {
    until = body.until instanceof Date ? body.until.getTime() : typeof body.until === 'string' ? Date.parse(body.until) : NaN;
    if (Number.isNaN(until)) problems.add('until', `must be an ISO 8601 date-time, got ${show(body.until)}`);
    else if (until <= now) problems.add('until', `must be in the future, got ${new Date(until).toISOString()}`);
    else if (until - now > MAX_DURATION_SECONDS * 1000) problems.add('until', `must be within ${MAX_DURATION_SECONDS / 86_400} days`);
    if (body.durationSeconds !== undefined) problems.add('until', 'give either until or durationSeconds, not both');
  }
  problems.throwIfAny('maintenance request');
  if (typeof body.durationSeconds === 'number') until = now + body.durationSeconds * 1000;
  return {
    enabled: true,
    scope: (body.scope as MaintenanceState['scope']) ?? 'instance',
    reason: (body.reason as string).trim(),
    since: new Date(now).toISOString(),
    ...(until !== undefined ? { until: new Date(until).toISOString() } : {}),
    readOnly,
  };
}

export { InvalidOptionsError as InvalidMaintenanceRequestError };

/**
 * Takes this instance out of rotation for planned work: readiness answers 503 with
 * `Retry-After` while liveness stays 200, and (in read-only mode) unsafe requests are refused.
 */
@Injectable()
export class MaintenanceService implements OnModuleDestroy {
  private readonly logger = new Logger('DeepHealth');
  private state: MaintenanceState = OFF;
  private expiry?: NodeJS.Timeout;
  private readOnly = false;

  /** @internal Called by the module with the resolved options. */
  configure({ readOnly }: { readOnly: boolean }): void {
    this.readOnly = readOnly;
  }

  /** The current state; expired maintenance reads as off. */
  status(): MaintenanceState {
    if (this.state.enabled && this.state.until && Date.parse(this.state.until) <= Date.now()) this.apply(OFF, 'expired');
    return this.state;
  }

  get enabled(): boolean {
    return this.status().enabled;
  }

  /** Seconds until maintenance ends, for `Retry-After`. */
  retryAfterSeconds(fallbackSeconds: number): number {
    const until = this.status().until;
    if (!until) return fallbackSeconds;
    return Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
  }

  /** Enters maintenance. Throws `InvalidMaintenanceRequestError` for a bad request. */
  async enable(request: EnableMaintenance): Promise<MaintenanceState> {
    const next = parseEnableRequest(request, Date.now(), this.readOnly);
    this.apply(next, 'enabled');
    return this.state;
  }

  /** Leaves maintenance. */
  async disable(): Promise<MaintenanceState> {
    this.apply(OFF, 'disabled');
    return this.state;
  }

  onModuleDestroy(): void {
    clearTimeout(this.expiry);
  }

  private apply(next: MaintenanceState, why: string): void {
    clearTimeout(this.expiry);
    const was = this.state.enabled;
    this.state = next;
    if (next.enabled && next.until) {
      const ms = Date.parse(next.until) - Date.now();
      // setTimeout caps at ~24.8 days; status() also checks expiry on every read.
      this.expiry = setTimeout(() => this.status(), Math.min(ms, 2 ** 31 - 1));
      this.expiry.unref();
    }
    if (was !== next.enabled || why === 'enabled') {
      this.logger.log(next.enabled ? `maintenance on (${next.scope}): ${next.reason}${next.until ? ` until ${next.until}` : ''}` : `maintenance off (${why})`);
    }
  }
}
