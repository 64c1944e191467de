/** Every text the status page area writes into responses, errors and logs, in one place. */

export const RESERVED_UI_PATH = (path: string, reserved: readonly string[]) =>
  `"${path}" is taken by another health endpoint; choose another segment (taken: ${reserved.join(', ')})`;
export const WEBHOOK_URL = 'must be an http:// or https:// URL (the value is not shown: webhook URLs are secrets)';
export const UI_OFF = 'the status page is off (ui: false); history and fleet views go with it';
export const FLEET_OFF = 'the fleet view is off: configure ui.fleet.store (e.g. redisFleetStore({ client }) from nestjs-deep-health/redis)';
export const UNKNOWN_HISTORY_CHECK = (name: string, known: readonly string[]) =>
  `no history for a check named ${JSON.stringify(name.slice(0, 100))}; checks with a history: ${known.join(', ') || 'none yet'}`;
export const HISTORY_CHECK_REPEATED = 'give ?check= at most once';
export const HISTORY_UNKNOWN_QUERY = (names: readonly string[]) => `unknown query parameter${names.length > 1 ? 's' : ''} ${names.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')} (known: check)`;
export const FLEET_STORE_TIMEOUT = (ms: number) => `fleet store: no answer within ${ms} ms`;
export const LOG_FLEET_DOWN = (error: string) => `fleet heartbeat: store unreachable (${error}); will retry`;
export const LOG_FLEET_BACK = 'fleet heartbeat: store reachable again';
export const LOG_WEBHOOK_FAILED = (hook: string, attempts: number, why: string) => `webhook ${hook}: not delivered after ${attempts} attempt${attempts === 1 ? '' : 's'} (${why})`;
export const LOG_WEBHOOK_REJECTED = (hook: string, status: number) => `webhook ${hook}: answered ${status}, not retried (check its URL and headers)`;
