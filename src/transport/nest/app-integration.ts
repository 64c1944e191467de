import { RequestMethod, type ExecutionContext } from '@nestjs/common';

/** A route as `setGlobalPrefix`'s `exclude` takes it (Nest's `RouteInfo`, not exported from @nestjs/common's root). */
export interface RouteInfo {
  /** The route path, without a leading slash; may end in a `{*route}` wildcard. */
  path: string;
  /** The HTTP method excluded (`RequestMethod.ALL` for every method). */
  method: RequestMethod;
}
import { DEEP_HEALTH_CONTROLLER } from './health.controller.js';

export { DEEP_HEALTH_CONTROLLER };

/** Which health routes `healthRouteExclusions()` lists: give it the same `path` and `kubernetesAliases` as the module. */
export interface HealthRouteExclusionOptions {
  /** The module's `path`. @default 'health' */
  path?: string;
  /** Whether the module's `kubernetesAliases` is on. @default false */
  kubernetesAliases?: boolean;
}

/**
 * Every health route, for `app.setGlobalPrefix('api', { exclude: healthRouteExclusions() })`:
 * the probes stay at `/health/*` while the app's own routes move to `/api/*`.
 * @example
 * app.setGlobalPrefix('api', { exclude: healthRouteExclusions({ path: 'health' }) });
 */
export function healthRouteExclusions({ path = 'health', kubernetesAliases = false }: HealthRouteExclusionOptions = {}): RouteInfo[] {
  const base = path.replace(/^\/+|\/+$/g, '');
  const routes: RouteInfo[] = [
    { path: base, method: RequestMethod.ALL },
    { path: `${base}/{*route}`, method: RequestMethod.ALL },
  ];
  if (kubernetesAliases) for (const alias of ['livez', 'readyz', 'startupz']) routes.push({ path: alias, method: RequestMethod.GET });
  return routes;
}

/**
 * True when the request is for a health endpoint. For a global guard or interceptor of the app's
 * own that cannot honour a metadata decorator: `if (isDeepHealthRequest(context)) return true;`.
 */
export function isDeepHealthRequest(context: ExecutionContext): boolean {
  return Reflect.getMetadata(DEEP_HEALTH_CONTROLLER, context.getClass()) === true;
}
