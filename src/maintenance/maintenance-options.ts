import { Problems, show } from '../validation/problems.js';
import { isMaintenanceStore, type MaintenanceStore } from './maintenance-store.js';
import { DEFAULT_REASON, MAINTENANCE_MODE_ENV_INVALID, STORE_SHAPE } from './messages.js';
import { reasonProblem } from './maintenance-request.js';

/** The `maintenance` module option. */
export interface MaintenanceOptions {
  /**
   * Start this instance in maintenance (instance scope), e.g. for a replica booted to run a
   * migration by hand. An explicit value wins over the environment.
   * @default env `MAINTENANCE_MODE` (`1`/`true`/`on`/`yes` or a reason text), else `false`
   */
  enabled?: boolean;
  /** Reason of the maintenance entered at boot. @default the `MAINTENANCE_MODE` text, else `'maintenance mode'` */
  reason?: string;
  /**
   * While in maintenance, answer 503 to unsafe methods (POST, PUT, PATCH, DELETE) of the app's own
   * routes, except those marked `@AllowInMaintenance()`. A PUT `{ "readOnly": ... }` overrides it.
   * @default false
   */
  readOnly?: boolean;
  /** `Retry-After` (seconds) of a 503 for maintenance that has no end (`until`). @default 60 */
  retryAfterSeconds?: number;
  /**
   * Fleet store: `scope: 'fleet'` writes here and every replica applies it (pub/sub, with polling
   * as a fallback). Adds the non-critical check `maintenance:store` to the deep layer.
   * @example redisMaintenanceStore({ client: redis })
   */
  store?: MaintenanceStore;
  /** How often each replica re-reads the store, in case a change notification was lost. @default 5000 */
  pollIntervalMs?: number;
  /** Upper bound of one store call (read or write); a slower store counts as unreachable. @default 2000 */
  storeTimeoutMs?: number;
}

/** The `maintenance` option after validation, with defaults filled in and `MAINTENANCE_MODE` read. */
export interface ResolvedMaintenanceOptions {
  /** Maintenance entered at boot, if any. */
  initial?: {
    /** Its reason: `maintenance.reason`, the `MAINTENANCE_MODE` text, or `'maintenance mode'`. */
    reason: string;
    /** Whether it rejects unsafe methods of the app's own routes. */
    readOnly: boolean;
  };
  /** Whether maintenance rejects unsafe methods of the app's own routes when `enable()` does not say. Default `false`. */
  readOnly: boolean;
  /** `Retry-After` in seconds of a 503 for maintenance without an end. Default 60. */
  retryAfterSeconds: number;
  /** The fleet store, when one is configured. */
  store?: MaintenanceStore;
  /** Milliseconds between two reads of the store by each replica. Default 5000. */
  pollIntervalMs: number;
  /** Milliseconds one store call may take before the store counts as unreachable. Default 2000. */
  storeTimeoutMs: number;
}

/** What MaintenanceService reads of the resolved module options (the module's `ResolvedHealthOptions` extends it). */
export interface OptionsForMaintenance {
  /** The resolved `maintenance` option. */
  maintenance: ResolvedMaintenanceOptions;
}

export const MAINTENANCE_DEFAULTS = { retryAfterSeconds: 60, pollIntervalMs: 5000, storeTimeoutMs: 2000 } as const;

const KEYS = ['enabled', 'reason', 'readOnly', 'retryAfterSeconds', 'store', 'pollIntervalMs', 'storeTimeoutMs'];
const ENV_ON = ['1', 'true', 'on', 'yes'];
const ENV_OFF = ['', '0', 'false', 'off', 'no'];

/**
 * Validates the `maintenance` option (adding every problem to `problems`) and fills in defaults,
 * reading `MAINTENANCE_MODE` from `env` when `enabled` is not given.
 */
export function resolveMaintenanceOptions(problems: Problems, raw: unknown, env: NodeJS.ProcessEnv): ResolvedMaintenanceOptions {
  const given = problems.object('maintenance', raw, KEYS) ? raw : {};
  problems.boolean('maintenance.enabled', given.enabled);
  problems.boolean('maintenance.readOnly', given.readOnly);
  if (given.reason !== undefined) {
    const problem = typeof given.reason === 'string' ? reasonProblem(given.reason) : `must be a string, got ${show(given.reason)}`;
    if (problem) problems.add('maintenance.reason', problem);
  }
  problems.number('maintenance.retryAfterSeconds', given.retryAfterSeconds, { min: 1, max: 86_400 });
  problems.number('maintenance.pollIntervalMs', given.pollIntervalMs, { min: 100, max: 3_600_000 });
  problems.number('maintenance.storeTimeoutMs', given.storeTimeoutMs, { min: 10, max: 60_000 });
  if (given.store !== undefined && !isMaintenanceStore(given.store)) problems.add('maintenance.store', STORE_SHAPE);

  const readOnly = given.readOnly === true;
  let initial: ResolvedMaintenanceOptions['initial'];
  if (given.enabled === true) {
    initial = { reason: typeof given.reason === 'string' ? given.reason.trim() : DEFAULT_REASON, readOnly };
  } else if (given.enabled === undefined) {
    const fromEnv = maintenanceFromEnv(problems, env.MAINTENANCE_MODE);
    if (fromEnv !== undefined) initial = { reason: typeof given.reason === 'string' ? given.reason.trim() : fromEnv, readOnly };
  }
  return {
    ...(initial ? { initial } : {}),
    readOnly,
    retryAfterSeconds: (given.retryAfterSeconds as number | undefined) ?? MAINTENANCE_DEFAULTS.retryAfterSeconds,
    ...(given.store ? { store: given.store as MaintenanceStore } : {}),
    pollIntervalMs: (given.pollIntervalMs as number | undefined) ?? MAINTENANCE_DEFAULTS.pollIntervalMs,
    storeTimeoutMs: (given.storeTimeoutMs as number | undefined) ?? MAINTENANCE_DEFAULTS.storeTimeoutMs,
  };
}

/** `MAINTENANCE_MODE`: off for unset/`0`/`false`/`off`/`no`, on for `1`/`true`/`on`/`yes`, else on with the text as reason. */
function maintenanceFromEnv(problems: Problems, value: string | undefined): string | undefined {
  const text = (value ?? '').trim();
  if (ENV_OFF.includes(text.toLowerCase())) return undefined;
  if (ENV_ON.includes(text.toLowerCase())) return DEFAULT_REASON;
  const problem = reasonProblem(text);
  if (problem) {
    problems.add('maintenance.enabled', MAINTENANCE_MODE_ENV_INVALID(`is a reason that ${problem}`));
    return undefined;
  }
  return text;
}
