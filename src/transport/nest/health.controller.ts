import { Body, Controller, Delete, Get, Headers, Param, Put, Query, Res, Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AllowInMaintenance } from '../../maintenance/allow-in-maintenance.decorator.js';
import type { ServerResponse } from 'node:http';
import { toWire, type HealthHttpResponse } from '../health-response.js';
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
  for (const route of routes) defineRouteMethod(HealthController.prototype, route);
  return HealthController;
}

interface ControllerInstance {
  handler: HealthRequestHandler;
  write(res: unknown, response: HealthHttpResponse): void;
}

/** Adds `route.name(res, params, query, headers, body?)` to the controller, decorated as Nest reads it. */
function defineRouteMethod(prototype: object, route: HealthRoute): void {
  function handle(this: ControllerInstance, res: unknown, params: RouteRequest['params'], query: RouteRequest['query'], headers: RouteRequest['headers'], body?: unknown) {
    const request: RouteRequest = { params: params ?? {}, query: query ?? {}, headers: headers ?? {}, ...(route.body ? { body } : {}) };
    const response = route.handle(this.handler, request);
    // A fresh cached answer comes back synchronously: written with no await in between.
    if (!(response instanceof Promise)) return this.write(res, response);
    return response.then((settled) => this.write(res, settled));
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

/** The part of a Fastify reply the controller uses (no import: @nestjs/platform-fastify is the app's choice). */
interface FastifyReplyLike {
  headers(values: Readonly<Record<string, string>>): FastifyReplyLike;
  code(statusCode: number): FastifyReplyLike;
  send(payload: Buffer): unknown;
}

function isFastifyReply(res: unknown): res is FastifyReplyLike {
  const reply = res as Partial<Record<keyof FastifyReplyLike, unknown>> | null;
  return typeof reply?.headers === 'function' && typeof reply.code === 'function' && typeof reply.send === 'function';
}

function isNodeResponse(res: unknown): res is ServerResponse {
  const response = res as Partial<Record<'writeHead' | 'end', unknown>> | null;
  return typeof response?.writeHead === 'function' && typeof response.end === 'function';
}
