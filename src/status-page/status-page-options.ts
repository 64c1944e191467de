import type { ResolvedServiceInfo } from '../identity/service-info.js';
import { Problems, show } from '../validation/problems.js';
import type { FleetStore } from './fleet-store.js';
import { RESERVED_UI_PATH, WEBHOOK_URL } from './messages.js';

/** The `ui` module option: the status page, the check history behind it, and the fleet view. */
export interface StatusPageOptions {
  /**
   * Path segment of the page under the health path (`/<path>/<ui.path>`).
   * @default 'ui'
   */
  path?: string;
  /** How often the page polls the JSON endpoints, in milliseconds. @default 5000 */
  refreshIntervalMs?: number;
  /** Fresh results kept per check in the history (a ring buffer: the oldest is dropped). @default 300 */
  historySize?: number;
  /** Status transitions kept per check. @default 50 */
  transitionsSize?: number;
  /**
   * The fleet view: every replica publishes a heartbeat (id, version, releaseId, layer statuses)
   * to this store, and `GET /<path>/fleet` lists the live ones, flagging version drift and
   * replicas that stopped reporting.
   * @example { store: redisFleetStore({ client: redis, key: 'orders-api:fleet' }) }
   */
  fleet?: FleetOptions;
}

/** The `ui.fleet` option. */
export interface FleetOptions {
  /** Where replicas publish their heartbeats. @example redisFleetStore({ client: redis }) */
  store: FleetStore;
  /** How often this replica publishes its heartbeat. @default 10000 */
  heartbeatIntervalMs?: number;
  /** A replica whose last heartbeat is older than this is shown as "stopped reporting". @default 3 x heartbeatIntervalMs */
  staleAfterMs?: number;
  /** A replica silent for this long is removed from the list. @default 10 x staleAfterMs */
  forgetAfterMs?: number;
  /** This replica's id in the list. @default env `HOSTNAME` (the pod name in Kubernetes), else the host name, plus `:<pid>` */
  replicaId?: string;
  /** Upper bound of one store call. @default 2000 */
  storeTimeoutMs?: number;
}

/** Message shapes of the built-in webhook notifier. */
export type WebhookFormat = 'json' | 'slack' | 'teams';

/** One entry of the `webhooks` module option: a POST on status transitions. */
export interface WebhookOptions {
  /** The webhook URL (http or https). Treated as a secret: never logged or shown. */
  url: string;
  /**
   * `json`: `{ service, version, releaseId, replica, transitions: [...], text }`;
   * `slack`: a Slack incoming-webhook message (`{ text }`);
   * `teams`: a Microsoft Teams (Workflows) message with an Adaptive Card.
   * @default 'json'
   */
  format?: WebhookFormat;
  /** Extra request headers (e.g. `Authorization`); values are never logged. */
  headers?: Record<string, string>;
  /** Transitions within this window are sent as one message; a check that flaps back within it is not sent. @default 5000 */
  debounceMs?: number;
  /** Upper bound of one attempt. @default 5000 */
  timeoutMs?: number;
  /** Further attempts after a failed one (network error, timeout, 429, 5xx). @default 3 */
  retries?: number;
  /** Wait before the first retry; doubles with each further one. @default 1000 */
  backoffMs?: number;
}

/** `ui.fleet` after validation, every default filled in. */
export interface ResolvedFleetOptions {
  /** Where replicas publish their heartbeats. */
  store: FleetStore;
  /** How often this replica publishes its heartbeat, in milliseconds. */
  heartbeatIntervalMs: number;
  /** Age of a last heartbeat, in milliseconds, after which a replica is shown as "stopped reporting". */
  staleAfterMs: number;
  /** Silence, in milliseconds, after which a replica is removed from the list. */
  forgetAfterMs: number;
  /** This replica's id in the fleet view and the webhooks. */
  replicaId: string;
  /** Upper bound of one store call, in milliseconds. */
  storeTimeoutMs: number;
}

/** `ui` after validation, every default filled in. */
export interface ResolvedStatusPageOptions {
  /** Path segment of the page under the health path (`/<path>/<ui.path>`). */
  path: string;
  /** How often the page polls the JSON endpoints, in milliseconds. */
  refreshIntervalMs: number;
  /** Fresh results kept per check in the history. */
  historySize: number;
  /** Status transitions kept per check. */
  transitionsSize: number;
  /** The fleet view's store and timings; absent when no `ui.fleet` was given (no fleet view). */
  fleet?: ResolvedFleetOptions;
}

/** One `webhooks` entry after validation, every default filled in. */
export type ResolvedWebhook = Required<Omit<WebhookOptions, 'headers'>> & {
  /** Extra request headers (a copy of the given ones, `{}` when none); values are never logged. */
  headers: Record<string, string>;
};

/** What StatusPageService reads of the resolved module options (the module's `ResolvedHealthOptions` extends it). */
export interface OptionsForStatusPage {
  /** The status page, history and fleet view settings, or `false` when `ui: false` turned them off. */
  ui: ResolvedStatusPageOptions | false;
  /** The webhooks told about status transitions (`[]` for none). */
  webhooks: ResolvedWebhook[];
  service: ResolvedServiceInfo;
}

export const STATUS_PAGE_DEFAULTS = { path: 'ui', refreshIntervalMs: 5000, historySize: 300, transitionsSize: 50 } as const;
export const FLEET_DEFAULTS = { heartbeatIntervalMs: 10_000, storeTimeoutMs: 2000 } as const;
export const WEBHOOK_DEFAULTS = { format: 'json', debounceMs: 5000, timeoutMs: 5000, retries: 3, backoffMs: 1000 } as const;

/**
 * Where the status page route is served under the health path: `ui.path`, or the default with
 * `ui: false` (the route stays, answering that the page is off).
 */
export function statusPagePath(ui: ResolvedStatusPageOptions | false): string {
  return ui ? ui.path : STATUS_PAGE_DEFAULTS.path;
}

/** Route names of the health controller that the page cannot take. */
export const RESERVED_ROUTES = ['live', 'startup', 'ready', 'deep', 'checks', 'maintenance', 'metrics', 'history', 'fleet', 'groups'];
const SEGMENT = /^[A-Za-z0-9._~-]{1,50}$/;
const UI_KEYS = ['path', 'refreshIntervalMs', 'historySize', 'transitionsSize', 'fleet'];
const FLEET_KEYS = ['store', 'heartbeatIntervalMs', 'staleAfterMs', 'forgetAfterMs', 'replicaId', 'storeTimeoutMs'];
const WEBHOOK_KEYS = ['url', 'format', 'headers', 'debounceMs', 'timeoutMs', 'retries', 'backoffMs'];

/** This process in the fleet view and the webhooks: env `HOSTNAME` (the pod name in Kubernetes), else the host name, plus the pid. */
export function defaultReplicaId(env: NodeJS.ProcessEnv, hostname: string): string {
  return `${env.HOSTNAME?.trim() || hostname}:${process.pid}`;
}

export function isFleetStore(value: unknown): value is FleetStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return ['publish', 'list', 'remove'].every((method) => typeof store[method] === 'function');
}

/** Validates `ui` (adding every problem to `problems`) and fills in defaults; `false` when the page is off. */
export function resolveStatusPageOptions(problems: Problems, raw: unknown, env: NodeJS.ProcessEnv, hostname: string): ResolvedStatusPageOptions | false {
  if (raw === false) return false;
  let given: Record<string, unknown> = {};
  if (raw !== undefined && raw !== true) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.add('ui', `must be true, false or an object, got ${show(raw)}`);
      return false;
    }
    problems.object('ui', raw, UI_KEYS);
    given = raw as Record<string, unknown>;
  }
  problems.string('ui.path', given.path, { pattern: SEGMENT, description: 'one path segment such as "ui" or "status"' });
  if (typeof given.path === 'string' && RESERVED_ROUTES.includes(given.path)) problems.add('ui.path', RESERVED_UI_PATH(given.path, RESERVED_ROUTES));
  problems.number('ui.refreshIntervalMs', given.refreshIntervalMs, { min: 100, max: 3_600_000 });
  problems.number('ui.historySize', given.historySize, { min: 1, max: 10_000 });
  problems.number('ui.transitionsSize', given.transitionsSize, { min: 1, max: 1000 });
  const fleet = resolveFleet(problems, given.fleet, env, hostname);
  return {
    path: (given.path as string | undefined) ?? STATUS_PAGE_DEFAULTS.path,
    refreshIntervalMs: (given.refreshIntervalMs as number | undefined) ?? STATUS_PAGE_DEFAULTS.refreshIntervalMs,
    historySize: (given.historySize as number | undefined) ?? STATUS_PAGE_DEFAULTS.historySize,
    transitionsSize: (given.transitionsSize as number | undefined) ?? STATUS_PAGE_DEFAULTS.transitionsSize,
    ...(fleet ? { fleet } : {}),
  };
}

function resolveFleet(problems: Problems, raw: unknown, env: NodeJS.ProcessEnv, hostname: string): ResolvedFleetOptions | undefined {
  if (!problems.object('ui.fleet', raw, FLEET_KEYS)) return undefined;
  if (!isFleetStore(raw.store)) problems.add('ui.fleet.store', 'must be a fleet store (publish, list, remove), e.g. redisFleetStore({ client }) from nestjs-deep-health/redis');
  problems.number('ui.fleet.heartbeatIntervalMs', raw.heartbeatIntervalMs, { min: 100, max: 3_600_000 });
  problems.number('ui.fleet.staleAfterMs', raw.staleAfterMs, { min: 100, max: 86_400_000 });
  problems.number('ui.fleet.forgetAfterMs', raw.forgetAfterMs, { min: 100, max: 7 * 86_400_000 });
  problems.number('ui.fleet.storeTimeoutMs', raw.storeTimeoutMs, { min: 10, max: 60_000 });
  problems.string('ui.fleet.replicaId', raw.replicaId, { pattern: /^[^\u0000-\u001f\u007f]{1,200}$/, description: '1-200 printable characters' });
  const heartbeatIntervalMs = (raw.heartbeatIntervalMs as number | undefined) ?? FLEET_DEFAULTS.heartbeatIntervalMs;
  const staleAfterMs = (raw.staleAfterMs as number | undefined) ?? 3 * heartbeatIntervalMs;
  const forgetAfterMs = (raw.forgetAfterMs as number | undefined) ?? 10 * staleAfterMs;
  if (typeof raw.heartbeatIntervalMs === 'number' && typeof raw.staleAfterMs === 'number' && staleAfterMs <= heartbeatIntervalMs) {
    problems.add('ui.fleet.staleAfterMs', `must be longer than heartbeatIntervalMs (${heartbeatIntervalMs}), got ${staleAfterMs}`);
  }
  if (typeof raw.forgetAfterMs === 'number' && forgetAfterMs < staleAfterMs) {
    problems.add('ui.fleet.forgetAfterMs', `must not be shorter than staleAfterMs (${staleAfterMs}), got ${forgetAfterMs}`);
  }
  return {
    store: raw.store as FleetStore,
    heartbeatIntervalMs,
    staleAfterMs,
    forgetAfterMs,
    replicaId: (raw.replicaId as string | undefined) ?? defaultReplicaId(env, hostname),
    storeTimeoutMs: (raw.storeTimeoutMs as number | undefined) ?? FLEET_DEFAULTS.storeTimeoutMs,
  };
}

/** Validates `webhooks` (adding every problem to `problems`) and fills in defaults. URLs and header values are never echoed. */
export function resolveWebhooks(problems: Problems, raw: unknown): ResolvedWebhook[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.add('webhooks', `must be an array of { url, format? ... }, got ${show(raw)}`);
    return [];
  }
  const resolved: ResolvedWebhook[] = [];
  raw.forEach((hook: unknown, index) => {
    const at = `webhooks[${index}]`;
    if (!problems.object(at, hook, WEBHOOK_KEYS)) {
      if (hook === undefined) problems.add(at, 'must be an object like { url }');
      return;
    }
    if (!isWebhookUrl(hook.url)) problems.add(`${at}.url`, WEBHOOK_URL);
    problems.oneOf(`${at}.format`, hook.format, ['json', 'slack', 'teams']);
    if (hook.headers !== undefined) {
      const headers = hook.headers;
      if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) problems.add(`${at}.headers`, `must be an object of header names to strings, got ${show(headers)}`);
      else {
        for (const [name, value] of Object.entries(headers)) {
          if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) problems.add(`${at}.headers`, `${show(name)} is not a valid header name`);
          if (typeof value !== 'string' || /[\r\n]/.test(value)) problems.add(`${at}.headers.${name.slice(0, 40)}`, 'must be a string without line breaks (value not shown)');
        }
      }
    }
    problems.number(`${at}.debounceMs`, hook.debounceMs, { min: 0, max: 3_600_000 });
    problems.number(`${at}.timeoutMs`, hook.timeoutMs, { min: 1, max: 120_000 });
    problems.number(`${at}.retries`, hook.retries, { min: 0, max: 10 });
    problems.number(`${at}.backoffMs`, hook.backoffMs, { min: 0, max: 600_000 });
    resolved.push({
      url: hook.url as string,
      format: (hook.format as WebhookFormat | undefined) ?? WEBHOOK_DEFAULTS.format,
      headers: { ...((hook.headers as Record<string, string> | undefined) ?? {}) },
      debounceMs: (hook.debounceMs as number | undefined) ?? WEBHOOK_DEFAULTS.debounceMs,
      timeoutMs: (hook.timeoutMs as number | undefined) ?? WEBHOOK_DEFAULTS.timeoutMs,
      retries: (hook.retries as number | undefined) ?? WEBHOOK_DEFAULTS.retries,
      backoffMs: (hook.backoffMs as number | undefined) ?? WEBHOOK_DEFAULTS.backoffMs,
    });
  });
  return resolved;
}

function isWebhookUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
