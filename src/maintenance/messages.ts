/** Every text the maintenance area writes into responses, errors and logs, in one place. */

export const DEFAULT_REASON = 'maintenance mode';

export const BODY_NOT_OBJECT = (got: string) => `must be a JSON object like {"reason": "..."}, got ${got}`;
export const UNKNOWN_FIELD = (known: readonly string[]) => `unknown field (known: ${known.join(', ')})`;
export const REASON_REQUIRED = (got: string) => `is required: a non-empty string, got ${got}`;
export const REASON_TOO_LONG = (max: number, got: number) => `must be at most ${max} characters, got ${got}`;
export const REASON_CONTROL_CHARACTERS = 'must not contain control characters (newlines, tabs...)';
export const UNTIL_NOT_A_DATE = (got: string) => `must be an ISO 8601 date-time such as "2026-11-21T10:30:00Z", got ${got}`;
export const UNTIL_IN_PAST = (iso: string) => `must be in the future, got ${iso}`;
export const UNTIL_TOO_FAR = (days: number) => `must be within ${days} days from now`;
export const UNTIL_AND_DURATION = 'give either until or durationSeconds, not both';
export const FLEET_WITHOUT_STORE =
  'scope "fleet" needs a maintenance store: configure maintenance.store (e.g. redisMaintenanceStore({ client }) from nestjs-deep-health/redis)';

export const STORE_UNAVAILABLE = (what: string, error: string) => `maintenance store unreachable while ${what}: ${error}`;
export const STORE_TIMEOUT = (ms: number) => `no answer within ${ms} ms`;
export const STORE_INVALID_STATE = (problem: string) => `the maintenance store holds an invalid state (${problem}); ignoring it`;
export const STORE_KEEPING_STATE = (error: string, fleetOn: boolean) =>
  `maintenance store unreachable (${error}); keeping the last known state (fleet maintenance ${fleetOn ? 'on' : 'off'})`;
export const STORE_NOT_READY = (status: string) => `Redis connection is not ready (status "${status}")`;
export const STORE_CLOSED = 'maintenance store is closed';

export const READ_ONLY_REJECTED = (reason: string, retryAfterSeconds: number) =>
  `The service is in read-only maintenance (${reason}); only GET, HEAD and OPTIONS requests are served. Retry after ${retryAfterSeconds} s.`;

export const LOG_ON = (scope: string, reason: string, until: string | undefined, readOnly: boolean) =>
  `maintenance on (${scope}${readOnly ? ', read-only' : ''}): ${reason}${until ? ` until ${until}` : ''}`;
export const LOG_OFF = (scope: string, why: string) => `maintenance off (${scope}, ${why})`;
export const LOG_STORE_DOWN = (error: string) => `maintenance store unreachable, keeping the last known state: ${error}`;
export const LOG_STORE_BACK = 'maintenance store reachable again';

export const MAINTENANCE_MODE_ENV_INVALID = (problem: string) => `environment variable MAINTENANCE_MODE ${problem}`;
export const STORE_SHAPE = 'must be a MaintenanceStore (an object with read, write, subscribe and close functions), e.g. redisMaintenanceStore({ client })';
export const SHARED_STORE_SHAPE = 'must be a SharedResultStore (an object with get, tryLock and put functions), e.g. redisSharedResultStore({ client })';
export const SHARED_UNKNOWN_CHECK = (name: string, known: readonly string[]) =>
  `no check named ${JSON.stringify(name)} (known: ${known.length ? known.join(', ') : 'none'})`;
export const SHARED_NEEDS_TTL = (name: string) => `check ${JSON.stringify(name)} has cacheTtlMs 0: a shared result needs a TTL greater than 0`;
export const STORE_CHECK_NAME_TAKEN = (name: string) =>
  `a check named ${JSON.stringify(name)} is added by the maintenance store; give your check another name`;
