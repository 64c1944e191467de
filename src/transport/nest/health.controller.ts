import { Body, Controller, Delete, Get, Headers, Param, Put, Query, Res, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { HttpAdapterHost } from '@nestjs/core';
import { AllowInMaintenance } from '../../maintenance/allow-in-maintenance.decorator.js';
import type { HealthHttpResponse } from '../health-response.js';
import { HealthRequestHandler } from '../health-request-handler.js';
import { HEALTH_ROUTES, type HealthRoute, type RouteMethod, type RouteRequest } from '../routes.js';

const MAPPINGS: Record<RouteMethod, (paths: string[]) => MethodDecorator> = { GET: Get, PUT: Put, DELETE: Delete };

/**
 * Builds the health controller for a base path, with one handler method per entry of the route
 * table. The class is made per path because Nest reads controller paths from decorators, and the
 * path is a module option.
 */
export function createHealthController(path: string, routes: readonly HealthRoute[] = HEALTH_ROUTES): Type<unknown> {
  // The health endpoints (including PUT/DELETE maintenance) must work during read-only maintenance.
  @AllowInMaintenance()
  @Controller(path)
  class HealthController {
    constructor(
      readonly handler: HealthRequestHandler,
      readonly adapterHost: HttpAdapterHost,
    ) {}

    write(res: unknown, response: HealthHttpResponse): void {
      const adapter = this.adapterHost.httpAdapter;
      for (const [name, value] of Object.entries(response.headers)) adapter.setHeader(res, name, value);
      adapter.reply(res, response.body, response.statusCode);
    }
  }
  for (const route of routes) defineRouteMethod(HealthController.prototype, route);
  return HealthController;
}

interface ControllerInstance {
  handler: HealthRequestHandler;
  write(res: unknown, response: HealthHttpResponse): void;
}

/** Adds `route.name(res, params, query, headers, body?)` to the controller, decorated as Nest reads it. */
function defineRouteMethod(prototype: object, route: HealthRoute): void {
  async function handle(this: ControllerInstance, res: unknown, params: RouteRequest['params'], query: RouteRequest['query'], headers: RouteRequest['headers'], body?: unknown) {
    const request: RouteRequest = { params: params ?? {}, query: query ?? {}, headers: headers ?? {}, ...(route.body ? { body } : {}) };
    this.write(res, await route.handle(this.handler, request));
  }
  Object.defineProperty(handle, 'name', { value: route.name });
  Object.defineProperty(prototype, route.name, { value: handle, writable: true, configurable: true, enumerable: false });
  const key = route.name;
  Res()(prototype, key, 0);
  Param()(prototype, key, 1);
  Query()(prototype, key, 2);
  Headers()(prototype, key, 3);
  if (route.body) Body()(prototype, key, 4);
  MAPPINGS[route.method]([...route.paths])(prototype, key, Object.getOwnPropertyDescriptor(prototype, key)!);
}

/**
 * Moves the controller to `path`. For a path that only a `forRootAsync` factory returns: Nest
 * reads controller paths when it registers routes, after the options provider has resolved.
 */
export function setControllerPath(controller: Type<unknown>, path: string): void {
  Reflect.defineMetadata(PATH_METADATA, path, controller);
}
