import { InvalidOptionsError, Problems, show } from '../validation/problems.js';
import type { DisableMaintenance, MaintenanceScope, MaintenanceState } from './maintenance-state.js';
import {
  BODY_NOT_OBJECT,
  FLEET_WITHOUT_STORE,
  REASON_CONTROL_CHARACTERS,
  REASON_REQUIRED,
  REASON_TOO_LONG,
  UNKNOWN_FIELD,
  UNTIL_AND_DURATION,
  UNTIL_IN_PAST,
  UNTIL_NOT_A_DATE,
  UNTIL_TOO_FAR,
} from './messages.js';

/** Longest accepted `reason`. */
export const MAX_REASON_LENGTH = 200;
/** Longest maintenance window (`until` / `durationSeconds`). */
export const MAX_DURATION_SECONDS = 30 * 86_400;

const BODY_FIELDS = ['reason', 'until', 'durationSeconds', 'scope', 'readOnly'] as const;
const SCOPES: readonly MaintenanceScope[] = ['instance', 'fleet'];
// Reasons end up in log lines and response bodies: no line breaks or escape sequences.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A bad `enable`/`disable` request (from code or HTTP); `problems` lists every `field: what is wrong`. */
export { InvalidOptionsError as InvalidMaintenanceRequestError };

/** Why `reason` is not acceptable, or `undefined` when it is. */
export function reasonProblem(reason: string): string | undefined {
  if (reason.trim() === '') return REASON_REQUIRED(show(reason));
  if (reason.length > MAX_REASON_LENGTH) return REASON_TOO_LONG(MAX_REASON_LENGTH, reason.length);
  if (CONTROL_CHARACTERS.test(reason)) return REASON_CONTROL_CHARACTERS;
  return undefined;
}

export interface ParseContext {
  now: number;
  /** `readOnly` when the request does not say. */
  defaultReadOnly: boolean;
  /** Whether `scope: 'fleet'` is possible (a store is configured). */
  fleetAvailable: boolean;
}

/**
 * Validates an `enable` request (from code or the PUT body) and returns the state it asks for.
 * Throws `InvalidMaintenanceRequestError` listing every problem.
 */
export function parseEnableRequest(input: unknown, { now, defaultReadOnly, fleetAvailable }: ParseContext): MaintenanceState {
  const problems = new Problems();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    problems.add('body', BODY_NOT_OBJECT(show(input)));
    problems.throwIfAny('maintenance request');
  }
  const body = input as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!(BODY_FIELDS as readonly string[]).includes(key)) problems.add(key.slice(0, 40), UNKNOWN_FIELD(BODY_FIELDS));
  }
  if (typeof body.reason !== 'string') problems.add('reason', REASON_REQUIRED(show(body.reason)));
  else {
    const problem = reasonProblem(body.reason);
    if (problem) problems.add('reason', problem);
  }
  problems.oneOf('scope', body.scope, SCOPES);
  if (body.scope === 'fleet' && !fleetAvailable) problems.add('scope', FLEET_WITHOUT_STORE);
  problems.boolean('readOnly', body.readOnly);
  problems.number('durationSeconds', body.durationSeconds, { min: 1, max: MAX_DURATION_SECONDS });
  let until: number | undefined;
  if (body.until !== undefined) {
    until = body.until instanceof Date ? body.until.getTime() : typeof body.until === 'string' ? Date.parse(body.until) : NaN;
    if (Number.isNaN(until)) problems.add('until', UNTIL_NOT_A_DATE(show(body.until)));
    else if (until <= now) problems.add('until', UNTIL_IN_PAST(new Date(until).toISOString()));
    else if (until - now > MAX_DURATION_SECONDS * 1000) problems.add('until', UNTIL_TOO_FAR(MAX_DURATION_SECONDS / 86_400));
    if (body.durationSeconds !== undefined) problems.add('until', UNTIL_AND_DURATION);
  }
  problems.throwIfAny('maintenance request');
  if (typeof body.durationSeconds === 'number') until = now + body.durationSeconds * 1000;
  return {
    enabled: true,
    scope: (body.scope as MaintenanceScope | undefined) ?? 'instance',
    reason: (body.reason as string).trim(),
    since: new Date(now).toISOString(),
    ...(until !== undefined ? { until: new Date(until).toISOString() } : {}),
    readOnly: (body.readOnly as boolean | undefined) ?? defaultReadOnly,
  };
}

/** Validates a `disable` request (`DELETE ?scope=`). */
export function parseDisableRequest(input: unknown, fleetAvailable: boolean): DisableMaintenance {
  const problems = new Problems();
  const scope = input === null || typeof input !== 'object' ? undefined : (input as Record<string, unknown>).scope;
  problems.oneOf('scope', scope, SCOPES);
  if (scope === 'fleet' && !fleetAvailable) problems.add('scope', FLEET_WITHOUT_STORE);
  problems.throwIfAny('maintenance request');
  return scope === undefined ? {} : { scope: scope as MaintenanceScope };
}

/**
 * Checks a state read from a fleet store (which other processes, or people, can write) and
 * returns it in canonical form, or a description of what is wrong with it.
 */
export function parseStoredState(value: unknown): { state: MaintenanceState | undefined } | { problem: string } {
  if (value === undefined || value === null) return { state: undefined };
  if (typeof value !== 'object' || Array.isArray(value)) return { problem: `expected an object, got ${show(value)}` };
  const raw = value as Record<string, unknown>;
  if (raw.enabled !== true) return { state: undefined };
  if (typeof raw.reason !== 'string' || reasonProblem(raw.reason)) return { problem: 'reason is missing or invalid' };
  for (const key of ['since', 'until'] as const) {
    if (raw[key] !== undefined && (typeof raw[key] !== 'string' || Number.isNaN(Date.parse(raw[key])))) {
      return { problem: `${key} is not a date-time` };
    }
  }
  return {
    state: {
      enabled: true,
      scope: 'fleet',
      reason: raw.reason,
      ...(typeof raw.since === 'string' ? { since: raw.since } : {}),
      ...(typeof raw.until === 'string' ? { until: raw.until } : {}),
      readOnly: raw.readOnly === true,
    },
  };
}
