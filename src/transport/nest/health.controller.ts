import { Controller, Delete, Get, Inject, Put, Res, SetMetadata, VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { HttpAdapterHost } from '@nestjs/core';
import { AllowInMaintenance } from '../../maintenance/allow-in-maintenance.decorator.js';
import type { ServerResponse } from 'node:http';
import { toWire, type HealthHttpResponse } from '../health-response.js';
import { HealthRequestHandler } from '../health-request-handler.js';
import { HEALTH_ROUTES, KUBERNETES_ALIASES, STATUS_PAGE_ROUTE, type HealthRoute, type RouteMethod } from '../routes.js';
import { excludeFromOpenApi, healthOpenApi, type HealthOpenApi } from './health-openapi.js';
import { FASTIFY_ROUTE_CONFIG, nestRouteRequest, ROUTE_CONFIG_KEY } from './adapter-bodies.js';

/** Metadata set on the health controllers: lets an app's global guard or interceptor recognise them. */
export const DEEP_HEALTH_CONTROLLER = 'nestjs-deep-health:controller';

/** How the module shapes its controllers (the module's "extras", known before any async factory runs). */
export interface HealthControllerSettings {
  path: string;
  /** The app's own class decorators (`Public()`, `SkipThrottle()`). */
  decorators: readonly ClassDecorator[];
  versionNeutral: boolean;
  swagger: boolean;
  kubernetesAliases: boolean;
}

const MAPPINGS: Record<RouteMethod, (paths: string[]) => MethodDecorator> = { GET: Get, PUT: Put, DELETE: Delete };

/**
 * Builds the health controllers, with one handler method per entry of the route table: the one
 * under `path` and, with `kubernetesAliases`, one at the root. The classes are made per module
 * definition because Nest reads paths, versions and the app's class decorators from decorators,
 * and all of them are module options.
 */
export function createHealthControllers(settings: HealthControllerSettings): Type<unknown>[] {
  const docs = healthOpenApi(settings.swagger);
  const controllers = [createController(settings, docs, settings.path, HEALTH_ROUTES)];
  if (settings.kubernetesAliases) controllers.push(createController(settings, docs, '', KUBERNETES_ALIASES));
  return controllers;
}

function createController(settings: HealthControllerSettings, docs: HealthOpenApi, path: string, routes: readonly HealthRoute[]): Type<unknown> {
  class HealthController {
    constructor(
      // Explicit tokens: the class decorators are applied below, so TypeScript emits no parameter types.
      @Inject(HealthRequestHandler) readonly handler: HealthRequestHandler,
      @Inject(HttpAdapterHost) readonly adapterHost: HttpAdapterHost,
    ) {}

    /**
     * Writes the response in one call. A health answer is never cacheable, so nothing of the
     * adapter's generic reply path is of use to it (Express's ETag hashing, Fastify's content-type
     * parsing and serializer), and under a probe flood that path costs more than the answer.
     */
    write(res: unknown, response: HealthHttpResponse): void {
      const wire = toWire(response);
      if (isFastifyReply(res)) {
        // Through the reply, not its raw response: the app's onSend hooks and the headers its
        // earlier hooks set (CORS, security headers) still apply.
        res.headers(wire.headers).code(wire.statusCode).send(wire.body);
      } else if (isNodeResponse(res)) {
        // Express (and any adapter handing out node's response): headers the app's middleware
        // set with setHeader are kept; node leaves the body out of a HEAD answer.
        res.writeHead(wire.statusCode, wire.headers).end(wire.body);
      } else {
        const adapter = this.adapterHost.httpAdapter;
        for (const [name, value] of Object.entries(response.headers)) adapter.setHeader(res, name, value);
        adapter.reply(res, response.body, response.statusCode);
      }
    }
  }
  for (const route of routes) defineRouteMethod(HealthController.prototype, route, docs);
  const decorators: ClassDecorator[] = [
    // The health endpoints (including PUT/DELETE maintenance) must work during read-only maintenance.
    AllowInMaintenance(),
    SetMetadata(DEEP_HEALTH_CONTROLLER, true),
    Controller(settings.versionNeutral ? { path, version: VERSION_NEUTRAL } : { path }),
    ...docs.controller,
    // Only functions: anything else is reported by the option validation at boot, with every other problem.
    ...settings.decorators.filter((decorator) => typeof decorator === 'function'),
  ];
  // Applied as TypeScript applies a class decorator list: last first; a returned class replaces the target.
  let target: Type<unknown> = HealthController;
  for (const decorator of decorators.reverse()) target = (decorator(target) as Type<unknown> | void) ?? target;
  return target;
}

interface ControllerInstance {
  handler: HealthRequestHandler;
  write(res: unknown, response: HealthHttpResponse): void;
}

/**
 * Adds `route.name(res)` to the controller, decorated as Nest reads it. The one parameter is the
 * response: the request (params, query, headers, body) is read from it, so Nest extracts one
 * argument per probe instead of six, and an app's global pipes never see the module's inputs.
 */
function defineRouteMethod(prototype: object, route: HealthRoute, docs: HealthOpenApi): void {
  function handle(this: ControllerInstance, res: unknown) {
    const response = route.handle(this.handler, nestRouteRequest(res, route));
    // A fresh cached answer comes back synchronously: written with no await in between.
    if (!(response instanceof Promise)) return this.write(res, response);
    return response.then((settled) => this.write(res, settled));
  }
  Object.defineProperty(handle, 'name', { value: route.name });
  Object.defineProperty(prototype, route.name, { value: handle, writable: true, configurable: true, enumerable: false });
  const key = route.name;
  Res()(prototype, key, 0);
  // Read by the Fastify adapter (route `config`), so AdapterBodies knows the module's routes; Express ignores it.
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG, { [ROUTE_CONFIG_KEY]: route.name }, handle);
  docs.route(route.name)(prototype, key, Object.getOwnPropertyDescriptor(prototype, key)!);
  MAPPINGS[route.method]([...route.paths])(prototype, key, Object.getOwnPropertyDescriptor(prototype, key)!);
}

/** The part of a Fastify reply the controller uses (no import: @nestjs/platform-fastify is the app's choice). */
interface FastifyReplyLike {
  headers(values: Readonly<Record<string, string>>): FastifyReplyLike;
  code(statusCode: number): FastifyReplyLike;
  send(payload: string): unknown;
}

function isFastifyReply(res: unknown): res is FastifyReplyLike {
  const reply = res as Partial<Record<keyof FastifyReplyLike, unknown>> | null;
  return typeof reply?.headers === 'function' && typeof reply.code === 'function' && typeof reply.send === 'function';
}

function isNodeResponse(res: unknown): res is ServerResponse {
  const response = res as Partial<Record<'writeHead' | 'end', unknown>> | null;
  return typeof response?.writeHead === 'function' && typeof response.end === 'function';
}

/**
 * Moves the controller to `path`. For a path that only a `forRootAsync` factory returns: Nest
 * reads controller paths when it registers routes, after the options provider has resolved.
 */
export function setControllerPath(controller: Type<unknown>, path: string): void {
  Reflect.defineMetadata(PATH_METADATA, path, controller);
}

/**
 * Moves the status page route to `path` (`ui.path`), for the same reason: Nest reads a handler's
 * path when it registers routes (and @nestjs/swagger when it documents them), so the page has its
 * real path, not a catch-all that would take every other name under the health path.
 */
export function setStatusPagePath(controller: Type<unknown>, path: string): void {
  const handler = (controller.prototype as Record<string, unknown>)[STATUS_PAGE_ROUTE] as object;
  Reflect.defineMetadata(PATH_METADATA, [path], handler);
}

/** Which optional endpoints the resolved options turned on. */
export interface OptionalEndpoints {
  /** `ui` is on: the page and its history. */
  statusPage: boolean;
  /** `ui.fleet` is set: the fleet view. */
  fleet: boolean;
  /** `metrics` is on. */
  metrics: boolean;
}

/**
 * Leaves the endpoints the options turned off (each answers 404 with a reason) out of the OpenAPI
 * document, once the options resolved and before @nestjs/swagger reads the routes. Setting it
 * again puts an endpoint back, so a second app in the process documents its own options.
 */
export function documentOptionalEndpoints(controller: Type<unknown>, on: OptionalEndpoints): void {
  excludeFromOpenApi(controller, [STATUS_PAGE_ROUTE, 'history'], !on.statusPage);
  excludeFromOpenApi(controller, ['fleet'], !(on.statusPage && on.fleet));
  excludeFromOpenApi(controller, ['metrics'], !on.metrics);
}
