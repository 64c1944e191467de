import { hostname } from 'node:os';
import { resolveStatusPageOptions, resolveWebhooks } from '../status-page/status-page-options.js';
import { isHealthCheck } from '../engine/check.js';
import { FAILURE_TTL_ABOVE_TTL } from '../engine/messages.js';
import { DEFAULT_CACHE_TTL_MS, DEFAULT_DEADLINE_MS, DEFAULT_FAILURE_CACHE_TTL_MS, DEFAULT_TIMEOUT_MS, type UserDefaults } from '../engine/health-engine.js';

export { DEFAULT_CACHE_TTL_MS, DEFAULT_DEADLINE_MS, DEFAULT_TIMEOUT_MS };
import { resolveMaintenanceOptions } from '../maintenance/maintenance-options.js';
import { MAINTENANCE_STORE_CHECK } from '../maintenance/maintenance-store.js';
import { STORE_CHECK_NAME_TAKEN } from '../maintenance/messages.js';
import { resolveSharedResultsOptions, validateSharedResultNames } from '../layers/shared-results-options.js';
import type { DeepHealthModuleExtras, DeepHealthModuleOptions, ResolvedHealthOptions } from './deep-health-options.js';
import type { HealthCheck } from '../engine/check.js';
import { resolveServiceInfo } from '../identity/service-info.js';
import { resolveAuthFailureBudget } from '../transport/auth-failure-budget.js';
import { Problems, show } from '../validation/problems.js';
import { CHECK_OPTION_LIMITS, validateCommonCheckOptions } from '../validation/check-options-validation.js';
import { PROCESS_CHECK_NAMES } from '../layers/process-checks.js';
import { METRIC_NAME, type MetricsRegistry, type ResolvedMetricsOptions } from '../metrics/health-metrics.js';

export const DEFAULT_PATH = 'health';
export const DEFAULT_METRICS_PREFIX = 'deep_health_';
export const DEFAULT_SERVER_PORT = 9000;

/** Options that shape the module and its controller (known before `forRootAsync`'s factory runs). */
export const EXTRAS = ['path', 'isGlobal', 'controllerDecorators', 'versionNeutral', 'swagger', 'kubernetesAliases'];
const TOP_LEVEL = [...EXTRAS, 'checks', 'service', 'defaults', 'details', 'adminToken', 'authFailureBudget', 'liveness', 'shutdown', 'format', 'onStatusChange', 'maintenance', 'sharedResults', 'metrics', 'server', 'groups', 'ui', 'webhooks'];
const DETAILS = ['always', 'when-authorized', 'never'] as const;
const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const RESERVED_CHECK_NAMES: readonly string[] = Object.values(PROCESS_CHECK_NAMES);
const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9:._@/-]{0,99}$/;
const PATH = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;
const { maxTimeoutMs: MAX_TIMEOUT_MS, maxCacheTtlMs: MAX_CACHE_TTL_MS } = CHECK_OPTION_LIMITS;

/**
 * Validates module options once, at boot, for `forRoot` and `forRootAsync` alike, and fills in
 * every default. Throws one `InvalidOptionsError` listing every problem as `path: message`.
 */
export function resolveOptions(raw: DeepHealthModuleOptions & DeepHealthModuleExtras, env: NodeJS.ProcessEnv = process.env): ResolvedHealthOptions {
  const problems = new Problems();
  const options = (raw ?? {}) as Record<string, unknown>;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    problems.add('options', `must be an object, got ${show(raw)}`);
    problems.throwIfAny('DeepHealthModule options');
  }
  problems.object('', options, TOP_LEVEL);

  const path = typeof options.path === 'string' ? options.path.replace(/^\/+|\/+$/g, '') : options.path;
  problems.string('path', path === '' ? undefined : path, { pattern: PATH, description: 'a URL path such as "health" or "ops/health"' });

  validateChecks(problems, options.checks, 'checks', new Map());
  for (const key of ['isGlobal', 'versionNeutral', 'swagger', 'kubernetesAliases'] as const) problems.boolean(key, options[key]);
  validateDecorators(problems, options.controllerDecorators);
  const groups = resolveGroups(problems, options.groups);

  if (problems.object('service', options.service, ['name', 'version', 'releaseId', 'description'])) {
    for (const key of ['name', 'version', 'releaseId', 'description'] as const) problems.string(`service.${key}`, options.service[key]);
  }

  const defaults = (options.defaults ?? {}) as Record<string, unknown>;
  if (problems.object('defaults', options.defaults, ['timeoutMs', 'cacheTtlMs', 'failureCacheTtlMs', 'deadlineMs'])) {
    problems.number('defaults.timeoutMs', defaults.timeoutMs, { min: 1, max: MAX_TIMEOUT_MS });
    problems.number('defaults.cacheTtlMs', defaults.cacheTtlMs, { min: 0, max: MAX_CACHE_TTL_MS });
    problems.number('defaults.failureCacheTtlMs', defaults.failureCacheTtlMs, { min: 0, max: MAX_CACHE_TTL_MS });
    problems.number('defaults.deadlineMs', defaults.deadlineMs, { min: 1, max: MAX_TIMEOUT_MS });
  }

  problems.oneOf('details', options.details, DETAILS);
  if (options.adminToken !== undefined && (typeof options.adminToken !== 'string' || options.adminToken.length < 16)) {
    const got = typeof options.adminToken === 'string' ? `${options.adminToken.length} characters` : show(options.adminToken);
    problems.add('adminToken', `must be a string of at least 16 characters (got ${got})`);
  }

  const authFailureBudget = resolveAuthFailureBudget(problems, options.authFailureBudget);

  const liveness = (options.liveness ?? {}) as Record<string, unknown>;
  if (problems.object('liveness', options.liveness, ['eventLoopDelay', 'heap'])) {
    const loop = liveness.eventLoopDelay;
    if (loop !== false && problems.object('liveness.eventLoopDelay', loop, ['warnMs', 'failMs'])) {
      problems.number('liveness.eventLoopDelay.warnMs', loop.warnMs, { min: 1, max: 60_000 });
      problems.number('liveness.eventLoopDelay.failMs', loop.failMs, { min: 1, max: 60_000 });
    }
    const heap = liveness.heap;
    if (heap !== false && problems.object('liveness.heap', heap, ['warnRatio', 'failRatio'])) {
      problems.number('liveness.heap.warnRatio', heap.warnRatio, { min: 0.01, max: 1, integer: false });
      problems.number('liveness.heap.failRatio', heap.failRatio, { min: 0.01, max: 1, integer: false });
    }
  }

  const shutdown = (options.shutdown ?? {}) as Record<string, unknown>;
  if (problems.object('shutdown', options.shutdown, ['drainDelayMs'])) {
    problems.number('shutdown.drainDelayMs', shutdown.drainDelayMs, { min: 0, max: MAX_TIMEOUT_MS });
  }
  problems.oneOf('format', options.format, ['ietf', 'terminus']);
  problems.func('onStatusChange', options.onStatusChange);
  const maintenance = resolveMaintenanceOptions(problems, options.maintenance, env);
  if (maintenance.store && Array.isArray(options.checks) && options.checks.some((c) => isHealthCheck(c) && c.name === MAINTENANCE_STORE_CHECK)) {
    problems.add('maintenance.store', STORE_CHECK_NAME_TAKEN(MAINTENANCE_STORE_CHECK));
  }
  const metrics = resolveMetrics(problems, options.metrics);
  const server = resolveServer(problems, options.server, env);
  const sharedResults = resolveSharedResultsOptions(problems, options.sharedResults, options.checks, defaults.cacheTtlMs);
  const ui = resolveStatusPageOptions(problems, options.ui, env, hostname());
  const webhooks = resolveWebhooks(problems, options.webhooks);

  const loop = liveness.eventLoopDelay as false | { warnMs?: number; failMs?: number } | undefined;
  const heap = liveness.heap as false | { warnRatio?: number; failRatio?: number } | undefined;
  // Relations between values, in the same round as every other problem.
  const ordered = (path: string, [warnKey, failKey]: [string, string], warnValue: unknown, failValue: unknown) => {
    // A value already reported as invalid says nothing about the relation.
    const reported = problems.list.some((line) => line.startsWith(`${path}.`));
    if (!reported && typeof warnValue === 'number' && typeof failValue === 'number' && warnValue > failValue) {
      problems.add(path, `${warnKey} (${warnValue}) must not exceed ${failKey} (${failValue})`);
    }
  };
  if (loop !== false && typeof loop === 'object' && loop !== null) ordered('liveness.eventLoopDelay', ['warnMs', 'failMs'], loop.warnMs ?? 200, loop.failMs ?? 1000);
  if (heap !== false && typeof heap === 'object' && heap !== null) ordered('liveness.heap', ['warnRatio', 'failRatio'], heap.warnRatio ?? 0.9, heap.failRatio ?? 0.98);
  if (typeof defaults.failureCacheTtlMs === 'number' && typeof defaults.cacheTtlMs === 'number' && defaults.failureCacheTtlMs > defaults.cacheTtlMs) {
    problems.add('defaults.failureCacheTtlMs', FAILURE_TTL_ABOVE_TTL(defaults.failureCacheTtlMs, defaults.cacheTtlMs));
  }

  problems.throwIfAny('DeepHealthModule options');

  const resolved: ResolvedHealthOptions = {
    path: (path as string | undefined) || DEFAULT_PATH,
    checks: (options.checks as ResolvedHealthOptions['checks'] | undefined) ?? [],
    service: resolveServiceInfo(options.service as DeepHealthModuleOptions['service'], env),
    defaults: {
      timeoutMs: (defaults.timeoutMs as number | undefined) ?? DEFAULT_TIMEOUT_MS,
      cacheTtlMs: (defaults.cacheTtlMs as number | undefined) ?? DEFAULT_CACHE_TTL_MS,
      deadlineMs: (defaults.deadlineMs as number | undefined) ?? DEFAULT_DEADLINE_MS,
      failureCacheTtlMs: (defaults.failureCacheTtlMs as number | undefined) ?? DEFAULT_FAILURE_CACHE_TTL_MS,
    },
    userDefaults: pickDefined({ timeoutMs: defaults.timeoutMs, cacheTtlMs: defaults.cacheTtlMs, failureCacheTtlMs: defaults.failureCacheTtlMs }),
    details: (options.details as ResolvedHealthOptions['details'] | undefined) ?? 'when-authorized',
    adminToken: options.adminToken as string | undefined,
    authFailureBudget,
    liveness: {
      eventLoopDelay: loop === false ? false : { warnMs: loop?.warnMs ?? 200, failMs: loop?.failMs ?? 1000 },
      heap: heap === false ? false : { warnRatio: heap?.warnRatio ?? 0.9, failRatio: heap?.failRatio ?? 0.98 },
    },
    shutdown: { drainDelayMs: (shutdown.drainDelayMs as number | undefined) ?? 0 },
    format: (options.format as ResolvedHealthOptions['format'] | undefined) ?? 'ietf',
    onStatusChange: options.onStatusChange as ResolvedHealthOptions['onStatusChange'],
    maintenance,
    ...(sharedResults ? { sharedResults } : {}),
    ...(metrics ? { metrics } : {}),
    ...(server ? { server } : {}),
    ui,
    webhooks,
    groups: Object.fromEntries(
      Object.entries(groups).map(([name, group]) => [name, { checks: group.checks, details: group.details ?? ((options.details as ResolvedHealthOptions['details'] | undefined) ?? 'when-authorized') }]),
    ),
    kubernetesAliases: options.kubernetesAliases === true,
  };

  return resolved;
}

/** Where a check was declared, for duplicate-name problems across contributions. */
export type SeenCheckNames = Map<string, string>;

/**
 * Validates one contribution of checks (`forRoot`'s `checks` or a `forFeature`'s): each is a check,
 * its name is valid, unreserved and unique across every contribution seen so far.
 */
export function validateChecks(problems: Problems, checks: unknown, at: string, seen: SeenCheckNames): void {
  if (checks === undefined) return;
  if (!Array.isArray(checks)) {
    problems.add(at, `must be an array of checks, got ${show(checks)}`);
    return;
  }
  checks.forEach((check: unknown, index) => {
    const item = `${at}[${index}]`;
    if (!isHealthCheck(check)) {
      problems.add(item, `must be a check made by defineCheck(), fromTerminus() or a check factory, got ${show(check)}`);
      return;
    }
    if (typeof check.name !== 'string' || !CHECK_NAME.test(check.name)) {
      problems.add(`${item}.name`, `must be 1-100 characters of letters, digits and : . _ @ / - (starting with a letter or digit), got ${show(check.name)}`);
    } else if (RESERVED_CHECK_NAMES.includes(check.name)) {
      problems.add(`${item}.name`, `"${check.name}" is the name of a built-in liveness check; give your check another name`);
    } else if (seen.has(check.name)) {
      problems.add(`${item}.name`, `duplicate check name "${check.name}" (also ${seen.get(check.name)}); give one of them another name`);
    } else {
      seen.set(check.name, item);
    }
    validateCommonCheckOptions(problems, item, check as unknown as Record<string, unknown>);
  });
}

/** A contribution of checks: the root options' or one feature module's. */
export interface CheckContribution {
  /** Where the checks come from, as a problem path: `checks` or `PaymentsModule: forFeature checks`. */
  source: string;
  checks: unknown;
}

/**
 * The second half of the boot validation, once every module's providers exist: the checks of
 * every `forFeature` (names unique across all contributions) and the group references to them.
 * Throws one `InvalidOptionsError` listing every problem.
 */
export function validateCheckSet(
  root: CheckContribution & { checks: readonly HealthCheck[] },
  features: readonly CheckContribution[],
  options: Pick<ResolvedHealthOptions, 'groups' | 'sharedResults' | 'userDefaults'>,
  builtIn: readonly string[] = [],
): HealthCheck[] {
  const problems = new Problems();
  const seen: SeenCheckNames = new Map(builtIn.map((name) => [name, 'a built-in check']));
  root.checks.forEach((check, index) => seen.set(check.name, `${root.source}[${index}]`));
  for (const feature of features) validateChecks(problems, feature.checks, feature.source, seen);
  const known = [...seen.keys()];
  for (const [name, group] of Object.entries(options.groups)) {
    group.checks.forEach((check, index) => {
      if (!known.includes(check)) problems.add(`groups.${name}.checks[${index}]`, `no check named ${show(check)} (known: ${known.join(', ') || 'none'})`);
    });
  }
  const added = features.flatMap((feature) => feature.checks as HealthCheck[]);
  // The root checks' TTLs were judged with the options; the feature checks' are judged here.
  if (options.sharedResults) validateSharedResultNames(problems, options.sharedResults.checks, added.filter(isHealthCheck), options.userDefaults.cacheTtlMs, known);
  problems.throwIfAny('DeepHealthModule checks');
  return added;
}

function validateDecorators(problems: Problems, decorators: unknown): void {
  if (decorators === undefined) return;
  if (!Array.isArray(decorators)) return problems.add('controllerDecorators', `must be an array of class decorators, got ${show(decorators)}`);
  decorators.forEach((decorator: unknown, index) => {
    if (typeof decorator !== 'function') problems.add(`controllerDecorators[${index}]`, `must be a class decorator such as Public() or SkipThrottle(), got ${show(decorator)}`);
  });
}

function resolveGroups(problems: Problems, groups: unknown): Record<string, { checks: string[]; details?: ResolvedHealthOptions['details'] }> {
  if (groups === undefined) return {};
  if (groups === null || typeof groups !== 'object' || Array.isArray(groups)) {
    problems.add('groups', `must be an object of { [name]: { checks, details? } }, got ${show(groups)}`);
    return {};
  }
  const resolved: Record<string, { checks: string[]; details?: ResolvedHealthOptions['details'] }> = {};
  for (const [name, group] of Object.entries(groups as Record<string, unknown>)) {
    const at = `groups.${name}`;
    if (!GROUP_NAME.test(name)) problems.add(at, `group name must be 1-64 letters, digits and . _ - (starting with a letter or digit)`);
    if (!problems.object(at, group, ['checks', 'details'])) {
      if (group === undefined) problems.add(at, 'must be an object { checks, details? }, got undefined');
      continue;
    }
    problems.oneOf(`${at}.details`, group.details, DETAILS);
    const checks = group.checks;
    if (!Array.isArray(checks) || checks.length === 0) {
      problems.add(`${at}.checks`, `must be a non-empty array of check names, got ${show(checks)}`);
      continue;
    }
    checks.forEach((check: unknown, index) => {
      if (typeof check !== 'string' || check === '') problems.add(`${at}.checks[${index}]`, `must be a check name, got ${show(check)}`);
      else if (checks.indexOf(check) !== index) problems.add(`${at}.checks[${index}]`, `"${check}" is listed twice`);
    });
    resolved[name] = { checks: checks.filter((c): c is string => typeof c === 'string'), details: group.details as ResolvedHealthOptions['details'] | undefined };
  }
  return resolved;
}

function resolveMetrics(problems: Problems, metrics: unknown): ResolvedMetricsOptions | undefined {
  if (metrics === undefined || metrics === false) return undefined;
  if (metrics === true) return { prefix: DEFAULT_METRICS_PREFIX };
  if (!problems.object('metrics', metrics, ['registry', 'prefix'])) {
    if (typeof metrics !== 'object') problems.add('metrics', `must be true, false or { registry?, prefix? }, got ${show(metrics)}`);
    return undefined;
  }
  const registry = metrics.registry as MetricsRegistry | undefined;
  if (registry !== undefined && (typeof registry !== 'object' || registry === null || typeof registry.metrics !== 'function' || typeof registry.registerMetric !== 'function')) {
    problems.add('metrics.registry', `must be a prom-client Registry, got ${show(registry)}`);
  }
  problems.string('metrics.prefix', metrics.prefix, { pattern: METRIC_NAME, description: 'a Prometheus metric name prefix like "deep_health_"' });
  return { registry, prefix: (metrics.prefix as string | undefined) ?? DEFAULT_METRICS_PREFIX };
}

function resolveServer(problems: Problems, server: unknown, env: NodeJS.ProcessEnv): { port: number; host: string } | undefined {
  if (server === undefined || server === false) return undefined;
  const given = (server === true ? {} : server) as Record<string, unknown>;
  if (server !== true && !problems.object('server', server, ['port', 'host'])) {
    if (typeof server !== 'object') problems.add('server', `must be true, false or { port?, host? }, got ${show(server)}`);
    return undefined;
  }
  const envPort = env.HEALTH_PORT?.trim();
  if (given.port === undefined && envPort !== undefined && envPort !== '' && !/^\d{1,5}$/.test(envPort)) {
    problems.add('server.port', `env HEALTH_PORT must be a port number, got ${show(envPort)}`);
  }
  problems.number('server.port', given.port, { min: 0, max: 65535 });
  problems.string('server.host', given.host);
  return {
    port: (given.port as number | undefined) ?? (envPort ? Number(envPort) : DEFAULT_SERVER_PORT),
    host: (given.host as string | undefined) ?? '0.0.0.0',
  };
}

/** The module `defaults` the user set, without `undefined` values (they beat factory suggestions). */
function pickDefined(values: Record<string, unknown>): UserDefaults {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as UserDefaults;
}
