import type { HealthHttpResponse } from './health-response.js';
import type { AdminRequest, HealthRequest, HealthRequestHandler } from './health-request-handler.js';
import type { BodyIntake } from './request-body.js';
import { STATUS_PAGE_DEFAULTS } from '../status-page/status-page-options.js';

export type RouteMethod = 'GET' | 'PUT' | 'DELETE';

/**
 * A request as every transport hands it to a route: the same shape from Express, Fastify and the
 * standalone server, so a route is written once.
 */
export interface RouteRequest {
  /** `:name` segments of the route's path, percent-decoded. */
  params: Record<string, string>;
  /** The query string; a repeated key gives an array, as Express and Fastify parse it. */
  query: Record<string, string | string[] | undefined>;
  /** Header values as Node gives them (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** The request target as sent (path and raw query string), whatever the adapter's query parser makes of it. */
  url: string;
  /** The remote address as the adapter sees it (Express `req.ip`, Fastify `request.ip`, the socket's address). */
  client?: string;
  /** The JSON body, or why it could not be read (routes with `body: 'json'` only). */
  body?: BodyIntake;
}

/** One endpoint under `/<path>`: its method, its relative path(s) and what answers it. */
export interface HealthRoute {
  method: RouteMethod;
  /** Relative to the module's `path`; `:param` matches one segment. Several paths share one handler. */
  paths: readonly string[];
  /** The controller method name (and a stable operation name for docs). */
  name: string;
  /** Whether the route reads a JSON body (PUT). */
  body?: 'json';
  handle(handler: HealthRequestHandler, request: RouteRequest): Promise<HealthHttpResponse> | HealthHttpResponse;
}

/** Who asks, as the handler takes it: the `Authorization` header and the client's address. */
function auth(request: RouteRequest): HealthRequest {
  return { authorization: request.headers.authorization, client: request.client };
}

/** Authorization and the query (`?verbose`, `?exclude=`), for the report routes. */
function report(request: RouteRequest): HealthRequest {
  const authorization = request.headers.authorization;
  // A report route needs the client's address only to count a wrong token: a probe without one never asks for it.
  return { authorization, client: authorization === undefined ? undefined : request.client, query: request.query };
}

/** A maintenance change as the handler takes it: the raw query string, the Content-Type, the body. */
function admin(request: RouteRequest): AdminRequest {
  const at = request.url.indexOf('?');
  return {
    ...auth(request),
    rawQuery: at < 0 ? '' : request.url.slice(at + 1),
    contentType: request.headers['content-type'],
    ...(request.body ? { body: request.body } : {}),
  };
}

/** The route table's name for the status page, whose path is the `ui.path` option. */
export const STATUS_PAGE_ROUTE = 'page';

/**
 * Every health endpoint, once. The Nest controller and the standalone server are built from this
 * table and only route and write: adding an endpoint is one entry here.
 */
export const HEALTH_ROUTES: readonly HealthRoute[] = [
  // `/health` and `/health/live` are two entries: one operation per path in an OpenAPI document.
  { method: 'GET', paths: [''], name: 'root', handle: (h, r) => h.answer('live', report(r)) },
  { method: 'GET', paths: ['live'], name: 'live', handle: (h, r) => h.answer('live', report(r)) },
  { method: 'GET', paths: ['startup'], name: 'startup', handle: (h, r) => h.answer('startup', report(r)) },
  { method: 'GET', paths: ['ready'], name: 'ready', handle: (h, r) => h.answer('ready', report(r)) },
  { method: 'GET', paths: ['deep'], name: 'deep', handle: (h, r) => h.answer('deep', report(r)) },
  { method: 'GET', paths: ['checks/:name'], name: 'check', handle: (h, r) => h.check(r.params.name!, report(r)) },
  { method: 'GET', paths: ['groups/:name'], name: 'group', handle: (h, r) => h.group(r.params.name!, report(r)) },
  { method: 'GET', paths: ['metrics'], name: 'metrics', handle: (h, r) => h.metrics(auth(r)) },
  { method: 'GET', paths: ['maintenance'], name: 'maintenanceStatus', handle: (h, r) => h.maintenanceStatus(auth(r)) },
  { method: 'PUT', paths: ['maintenance'], name: 'enableMaintenance', body: 'json', handle: (h, r) => h.enableMaintenance(admin(r)) },
  {
    method: 'DELETE',
    paths: ['maintenance'],
    name: 'disableMaintenance',
    handle: (h, r) => h.disableMaintenance(admin(r)),
  },
  { method: 'GET', paths: ['history'], name: 'history', handle: (h, r) => h.history(auth(r), r.query) },
  { method: 'GET', paths: ['fleet'], name: 'fleet', handle: (h, r) => h.fleet(auth(r)) },
  // At `ui.path`: the table holds the default, and each transport moves it to the configured path
  // once the options are resolved (a forRootAsync factory may give it). No catch-all: any other
  // name under the path is not the module's, so an app's own `GET /health/custom` stays the app's.
  { method: 'GET', paths: [STATUS_PAGE_DEFAULTS.path], name: STATUS_PAGE_ROUTE, handle: (h, r) => h.page(auth(r)) },
];

/** The route table with the status page at `pagePath` (`statusPagePath(options.ui)`), for transports that route by themselves. */
export function healthRoutes(pagePath: string): readonly HealthRoute[] {
  return HEALTH_ROUTES.map((route) => (route.name === STATUS_PAGE_ROUTE ? { ...route, paths: [pagePath] } : route));
}

/**
 * kube-apiserver's names, at the app root (not under `/<path>`), when `kubernetesAliases` is on.
 */
export const KUBERNETES_ALIASES: readonly HealthRoute[] = [
  { method: 'GET', paths: ['livez'], name: 'livez', handle: (h, r) => h.layer('live', report(r)) },
  { method: 'GET', paths: ['readyz'], name: 'readyz', handle: (h, r) => h.layer('ready', report(r)) },
  { method: 'GET', paths: ['startupz'], name: 'startupz', handle: (h, r) => h.layer('startup', report(r)) },
];

export type RouteMatch = { route: HealthRoute; params: Record<string, string> } | { malformed: string } | undefined;

/**
 * The route serving `method` at `relativePath` (no leading or trailing slash), for transports that
 * route by themselves. Only own table entries match: `constructor` or `__proto__` is a 404 like any
 * unknown path. A malformed percent-encoding in a parameter is reported, not thrown.
 */
export function matchRoute(routes: readonly HealthRoute[], method: string, relativePath: string): RouteMatch {
  const segments = relativePath === '' ? [] : relativePath.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    for (const path of route.paths) {
      const pattern = path === '' ? [] : path.split('/');
      if (pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < pattern.length && matched; i++) {
        const expected = pattern[i]!;
        const actual = segments[i]!;
        if (expected.startsWith(':')) {
          if (actual === '') matched = false;
          else {
            try {
              params[expected.slice(1)] = decodeURIComponent(actual);
            } catch {
              return { malformed: `malformed percent-encoding in the ${expected.slice(1)} segment` };
            }
          }
        } else if (expected !== actual) {
          matched = false;
        }
      }
      if (matched) return { route, params };
    }
  }
  return undefined;
}
