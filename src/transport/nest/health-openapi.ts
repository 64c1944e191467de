/**
 * OpenAPI documentation of the health endpoints, when @nestjs/swagger is installed. The package
 * is loaded lazily and only here: an app without it never loads it and never sees it in its types.
 * Schemas are inline (no named components) so they cannot collide with the app's own models.
 */

import { MAX_DURATION_SECONDS, MAX_REASON_LENGTH } from '../../maintenance/maintenance-request.js';

/** The part of @nestjs/swagger this file uses (typed locally: the package is an optional peer). */
interface SwaggerDecorators {
  ApiTags(...tags: string[]): ClassDecorator & MethodDecorator;
  ApiExcludeController(): ClassDecorator;
  ApiExcludeEndpoint(disable?: boolean): MethodDecorator;
  ApiOperation(options: { operationId: string; summary: string; description?: string }): MethodDecorator;
  ApiResponse(options: Record<string, unknown>): MethodDecorator & ClassDecorator;
  ApiProduces(...types: string[]): MethodDecorator & ClassDecorator;
  ApiBearerAuth(name?: string): MethodDecorator & ClassDecorator;
  ApiBody(options: Record<string, unknown>): MethodDecorator;
  ApiParam(options: Record<string, unknown>): MethodDecorator;
  ApiQuery(options: Record<string, unknown>): MethodDecorator;
}

/** operationIds carry this prefix, so `deepHealth_check` never collides with an app's `HealthController_check`. */
export const OPERATION_ID_PREFIX = 'deepHealth_';
export const OPENAPI_TAG = 'health';

export interface HealthOpenApi {
  /** For the controller class: its tag, or `ApiExcludeController()` with `swagger: false`. */
  controller: ClassDecorator[];
  /** For the route table entry of that name (`ready`, `enableMaintenance`...). */
  route(name: string): MethodDecorator;
}

const NOTHING: MethodDecorator = () => undefined;

const LAYER_SUMMARIES: Record<string, string> = {
  root: 'Liveness (same as /live)',
  live: 'Liveness: process-local checks only, never a dependency',
  startup: 'Startup: 503 until boot and the startup checks have passed once',
  ready: 'Readiness: critical checks, maintenance and shutdown state',
  deep: 'Deep: every check, critical or not',
  livez: 'Liveness (kube-apiserver alias of /<path>/live)',
  readyz: 'Readiness (kube-apiserver alias of /<path>/ready)',
  startupz: 'Startup (alias of /<path>/startup)',
};

/** The decorators documenting each route: real ones when @nestjs/swagger resolves, no-ops otherwise. */
export function healthOpenApi(enabled: boolean): HealthOpenApi {
  const swagger = loadSwagger();
  if (!swagger) return { controller: [], route: () => NOTHING };
  const s = swagger;
  const all = (...decorators: MethodDecorator[]): MethodDecorator => (target, key, descriptor) => {
    for (const decorator of decorators.reverse()) decorator(target, key, descriptor);
  };
  const operation = (id: string, summary: string, description?: string) =>
    s.ApiOperation({ operationId: `${OPERATION_ID_PREFIX}${id}`, summary, ...(description ? { description } : {}) });
  const reportResponses = [
    s.ApiResponse({ status: 200, description: '`pass` or `warn`', content: REPORT_CONTENT }),
    s.ApiResponse({ status: 503, description: '`fail`, maintenance, draining or still booting (with `Retry-After` when it will clear by itself)', content: REPORT_CONTENT }),
    s.ApiResponse({ status: 400, description: 'an unknown check name in `exclude`', content: ERROR_CONTENT }),
  ];
  const reportQueries = [
    s.ApiQuery({ name: 'verbose', required: false, description: "kube-apiserver's text form, one line a check (`[+]postgres ok`)", schema: { type: 'string', enum: ['', 'true', 'false', '1', '0'] } }),
    s.ApiQuery({ name: 'exclude', required: false, description: 'a check name to leave out of this answer (repeatable)', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true }),
  ];
  const admin = [
    s.ApiBearerAuth(),
    s.ApiResponse({ status: 401, description: 'no or wrong `Authorization: Bearer <adminToken>`', content: ERROR_CONTENT }),
    s.ApiResponse({ status: 404, description: 'no `adminToken` configured: the maintenance endpoints are off', content: ERROR_CONTENT }),
  ];
  const layer = (id: string) => all(operation(id, LAYER_SUMMARIES[id]!), ...reportQueries, ...reportResponses);
  const named = (id: string, summary: string, what: string) =>
      all(
        operation(id, summary),
        s.ApiParam({ name: 'name', description: `the ${what}'s name`, schema: { type: 'string' } }),
        ...reportQueries,
        ...reportResponses,
        s.ApiResponse({ status: 404, description: `no ${what} of that name`, content: ERROR_CONTENT }),
      );
  const routes: Record<string, () => MethodDecorator> = {
    check: () => named('check', 'One check by name', 'check'),
    group: () => named('group', 'A health group: its checks, each counted as critical', 'health group'),
    metrics: () =>
      all(
        operation('metrics', 'Prometheus metrics (when the metrics option is on)'),
        s.ApiResponse({ status: 200, description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } }),
        s.ApiResponse({ status: 404, description: 'metrics are off', content: ERROR_CONTENT }),
      ),
    page: () =>
      all(
        operation('page', 'The status page for people (at the `ui.path` option)'),
        s.ApiResponse({ status: 200, description: 'one self-contained HTML document under a strict CSP', content: { 'text/html': { schema: { type: 'string' } } } }),
        s.ApiResponse({ status: 404, description: 'the status page is off (`ui: false`)', content: ERROR_CONTENT }),
      ),
    maintenanceStatus: () =>
      all(operation('maintenanceStatus', 'The maintenance state'), s.ApiResponse({ status: 200, description: 'the state', content: MAINTENANCE_CONTENT })),
    enableMaintenance: () =>
      all(
        operation('enableMaintenance', 'Enter maintenance (readiness answers 503)'),
        s.ApiBody({ required: true, schema: ENABLE_BODY }),
        ...admin,
        s.ApiResponse({ status: 200, description: 'the new state', content: MAINTENANCE_CONTENT }),
        s.ApiResponse({ status: 400, description: 'invalid body (every problem in `problems`)', content: ERROR_CONTENT }),
        s.ApiResponse({ status: 503, description: 'the fleet store is unreachable', content: ERROR_CONTENT }),
      ),
    disableMaintenance: () =>
      all(
        operation('disableMaintenance', 'Leave maintenance (this instance, the fleet, or both)'),
        s.ApiQuery({ name: 'scope', required: false, schema: { type: 'string', enum: ['instance', 'fleet'] } }),
        ...admin,
        s.ApiResponse({ status: 200, description: 'the new state', content: MAINTENANCE_CONTENT }),
        s.ApiResponse({ status: 400, description: 'invalid scope', content: ERROR_CONTENT }),
        s.ApiResponse({ status: 503, description: 'the fleet store is unreachable', content: ERROR_CONTENT }),
      ),
  };
  return {
    controller: enabled ? [s.ApiTags(OPENAPI_TAG)] : [s.ApiExcludeController()],
    // A route without a description of its own (another issue's new entry) still gets a unique operationId.
    route: (name) => (routes[name] ?? (LAYER_SUMMARIES[name] ? () => layer(name) : () => operation(name, name)))(),
  };
}

/**
 * Leaves the named handlers of `controller` out of the OpenAPI document, or (`excluded` false) puts
 * them back: @nestjs/swagger reads it when it builds the document, after the options resolved.
 * Nothing without @nestjs/swagger.
 */
export function excludeFromOpenApi(controller: { prototype: object }, names: readonly string[], excluded: boolean): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  const { prototype } = controller;
  for (const name of names) swagger.ApiExcludeEndpoint(excluded)(prototype, name, Object.getOwnPropertyDescriptor(prototype, name)!);
}

function loadSwagger(): SwaggerDecorators | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/swagger') as SwaggerDecorators;
  } catch {
    return undefined;
  }
}

const VERSION_FIELDS = {
  version: { type: 'string', example: '1.4.2' },
  releaseId: { type: 'string', example: '9f1c2ab' },
  serviceId: { type: 'string', example: 'orders-api' },
  description: { type: 'string' },
};

const MAINTENANCE_STATE = {
  type: 'object',
  required: ['enabled'],
  properties: {
    enabled: { type: 'boolean' },
    scope: { type: 'string', enum: ['instance', 'fleet'] },
    reason: { type: 'string' },
    since: { type: 'string', format: 'date-time' },
    until: { type: 'string', format: 'date-time' },
    readOnly: { type: 'boolean' },
  },
};

const CHECK_RESULT = {
  type: 'object',
  required: ['status', 'time'],
  properties: {
    componentType: { type: 'string', example: 'datastore' },
    status: { type: 'string', enum: ['pass', 'warn', 'fail'] },
    critical: { type: 'boolean' },
    time: { type: 'string', format: 'date-time', description: 'when the result was observed (a cached result shows as such)' },
    durationMs: { type: 'number' },
    observedValue: {},
    observedUnit: { type: 'string' },
    measurements: { type: 'object', additionalProperties: true },
    output: { type: 'string', description: 'failure reason; only with details' },
    details: { type: 'object', additionalProperties: true, description: 'only with details' },
  },
};

/** draft-inadarei-api-health-check, as the module answers it (`format: 'ietf'`, the default). */
const HEALTH_REPORT = {
  type: 'object',
  required: ['status', 'version', 'serviceId', 'layer', 'checks'],
  properties: {
    status: { type: 'string', enum: ['pass', 'warn', 'fail'] },
    ...VERSION_FIELDS,
    layer: { type: 'string', enum: ['live', 'startup', 'ready', 'deep', 'check', 'group'] },
    output: { type: 'string', description: 'why the layer is not passing, in check names only' },
    draining: { type: 'boolean' },
    maintenance: MAINTENANCE_STATE,
    checks: { type: 'object', additionalProperties: { type: 'array', items: CHECK_RESULT } },
  },
};

/** `format: 'terminus'`: the @nestjs/terminus shape plus the version fields. */
const TERMINUS_REPORT = {
  type: 'object',
  required: ['status', 'info', 'error', 'details', 'version', 'serviceId'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'error', 'shutting_down'] },
    info: { type: 'object', additionalProperties: true },
    error: { type: 'object', additionalProperties: true },
    details: { type: 'object', additionalProperties: true },
    ...VERSION_FIELDS,
    layer: { type: 'string' },
  },
};

const REPORT_CONTENT = {
  'application/health+json': { schema: HEALTH_REPORT },
  'application/json': { schema: TERMINUS_REPORT },
  'text/plain': { schema: { type: 'string', example: '[+]postgres ok\n[-]redis failed: reason withheld\nreadyz check failed\n' } },
};

const ERROR = {
  type: 'object',
  required: ['statusCode', 'error', 'message', 'version', 'serviceId'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    problems: { type: 'array', items: { type: 'string' }, description: 'every problem, as `path: what is wrong`' },
    ...VERSION_FIELDS,
  },
};
const ERROR_CONTENT = { 'application/json': { schema: ERROR } };

const MAINTENANCE_CONTENT = {
  'application/json': {
    schema: {
      type: 'object',
      required: ['maintenance'],
      properties: {
        maintenance: MAINTENANCE_STATE,
        instance: MAINTENANCE_STATE,
        fleet: MAINTENANCE_STATE,
        store: { type: 'object', properties: { reachable: { type: 'boolean' }, lastSyncAt: { type: 'string', format: 'date-time' } } },
        ...VERSION_FIELDS,
      },
    },
  },
};

const ENABLE_BODY = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    reason: { type: 'string', minLength: 1, maxLength: MAX_REASON_LENGTH, example: 'reindexing embeddings' },
    until: { type: 'string', format: 'date-time', description: 'when maintenance ends (or durationSeconds)' },
    durationSeconds: { type: 'integer', minimum: 1, maximum: MAX_DURATION_SECONDS, description: 'how long maintenance lasts (or until)' },
    scope: { type: 'string', enum: ['instance', 'fleet'], default: 'instance' },
    readOnly: { type: 'boolean', description: 'reject unsafe methods of the app’s own routes with 503' },
  },
};
