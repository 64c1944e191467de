import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { OptionsForTransport } from '../transport-options.js';
import { DEEP_HEALTH_OPTIONS } from '../../tokens/deep-health-options.token.js';
import { HealthRequestHandler } from '../health-request-handler.js';
import { discardBody, fastifyBodyProblem, MAX_BODY_BYTES, readJsonBody, type BodyIntake } from '../request-body.js';
import { toWire } from '../health-response.js';
import { HEALTH_ROUTES, KUBERNETES_ALIASES, type HealthRoute, type RouteRequest } from '../routes.js';

/** Where the Express hook leaves the body it read for a maintenance route. */
export const BODY_INTAKE = Symbol('nestjs-deep-health:body-intake');

/** Fastify's route-config metadata key (@nestjs/platform-fastify `FASTIFY_ROUTE_CONFIG_METADATA`), read by its adapter. */
export const FASTIFY_ROUTE_CONFIG = '__fastify_route_config__';
/** The key in a Fastify route's `config` that names the module's route. */
export const ROUTE_CONFIG_KEY = 'deepHealthRoute';

interface ExpressLike {
  use(handler: (req: IncomingMessage & { path?: string }, res: unknown, next: (error?: unknown) => void) => void): unknown;
}

interface FastifyRouteOptions {
  method: string | string[];
  url: string;
  handler: unknown;
  config?: Record<string, unknown>;
  constraints?: unknown;
  bodyLimit?: number;
  errorHandler?: (error: unknown, request: FastifyRequestLike, reply: FastifyReplyLike) => unknown;
}

interface FastifyLike {
  addHook(name: 'onRoute', hook: (this: FastifyLike, options: FastifyRouteOptions) => void): unknown;
  route(options: FastifyRouteOptions): unknown;
  initialConfig?: { ignoreTrailingSlash?: boolean; routerOptions?: { ignoreTrailingSlash?: boolean } };
}

interface FastifyRequestLike extends AdapterRequest {
  raw: IncomingMessage;
}

interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: string): unknown;
}

/**
 * Makes the adapters hand the maintenance routes' bodies to the module instead of answering for
 * them (an adapter's own 400/413/415 has no version fields, no `no-store`, and on Fastify a 10 MB
 * body could reset the connection). Hooks in as soon as the app has its adapter, before
 * `app.init()` registers the adapter's body parsers and the routes: at instantiation under
 * `NestFactory.create`, at `createNestApplication()` under `Test.createTestingModule(...).compile()`
 * (which instantiates the providers before there is an adapter):
 * - Express: a hook ahead of the body parsers reads PUT/DELETE bodies of `/<path>/maintenance`
 *   itself (the parsers then skip a request already read) and leaves the result on the request.
 * - Fastify: an `onRoute` hook gives the module's routes an error handler of their own for what
 *   Fastify's content-type parser and body limit raise, the same body limit as everywhere, and a
 *   trailing-slash twin (`/health/ready/`), as Express and the standalone server serve.
 */
@Injectable()
export class AdapterBodies {
  constructor(
    adapterHost: HttpAdapterHost,
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: Pick<OptionsForTransport, 'path'>,
    private readonly handler: HealthRequestHandler,
  ) {
    // init$ replays: it fires at once when the adapter is already set. An application context never
    // gets one (the standalone server reads its own bodies).
    adapterHost?.init$.subscribe(() => this.hook(adapterHost.httpAdapter as { getType?: () => string; getInstance?: () => unknown } | undefined));
  }

  private hook(adapter: { getType?: () => string; getInstance?: () => unknown } | undefined): void {
    if (!adapter?.getType || !adapter.getInstance) return;
    const type = adapter.getType();
    if (type === 'express') this.hookExpress(adapter.getInstance() as ExpressLike);
    else if (type === 'fastify') this.hookFastify(adapter.getInstance() as FastifyLike);
  }

  private hookExpress(app: ExpressLike): void {
    // Matched on the end of the path: a global prefix or a version segment may come before it.
    const maintenance = new RegExp(`/${escapeRegExp(this.options.path)}/maintenance/?$`);
    app.use(function deepHealthMaintenanceBody(req, _res, next) {
      if ((req.method !== 'PUT' && req.method !== 'DELETE') || !maintenance.test(req.path ?? '')) return next();
      readJsonBody(req).then((intake) => {
        (req as unknown as Record<symbol, BodyIntake>)[BODY_INTAKE] = intake;
        next();
      }, next);
    });
  }

  private hookFastify(app: FastifyLike): void {
    const routes = new Map([...HEALTH_ROUTES, ...KUBERNETES_ALIASES].map((route) => [route.name, route]));
    const handler = this.handler;
    const config = app.initialConfig ?? {};
    const slashesIgnored = config.ignoreTrailingSlash === true || config.routerOptions?.ignoreTrailingSlash === true;
    app.addHook('onRoute', function (options) {
      const route = routes.get(options.config?.[ROUTE_CONFIG_KEY] as string);
      if (!route) return;
      options.bodyLimit = MAX_BODY_BYTES;
      options.errorHandler = async (error, request, reply) => {
        const problem = fastifyBodyProblem(error);
        // Not about the body: Nest's own error handling, as for any route.
        if (!problem) throw error;
        await discardBody(request.raw);
        const body: BodyIntake = { problem: problem === 'unsupported-type' ? 'unreadable' : problem };
        const response = await route.handle(handler, new AdapterRouteRequest(request, route, body));
        const wire = toWire(response);
        reply.headers(wire.headers).code(wire.statusCode).send(wire.body);
      };
      // Fastify adds a HEAD route for each GET one (the GET twin brings its own).
      if (!slashesIgnored && !options.url.endsWith('/') && options.method !== 'HEAD') {
        this.route({ method: options.method, url: `${options.url}/`, handler: options.handler, config: options.config, ...(options.constraints ? { constraints: options.constraints } : {}) });
      }
    });
  }
}

/** The request fields both adapters' requests have (Express `req`, Fastify `request`). */
interface AdapterRequest {
  params?: RouteRequest['params'];
  query?: RouteRequest['query'];
  headers?: RouteRequest['headers'];
  originalUrl?: string;
  url?: string;
  ip?: string;
  body?: unknown;
  [BODY_INTAKE]?: BodyIntake;
}

/**
 * The route request a Nest controller hands to the route table, read from the response the
 * adapter gave it: Fastify's reply has `request`, Express's response `req`.
 */
export function nestRouteRequest(res: unknown, route: HealthRoute): RouteRequest {
  const response = res as { request?: AdapterRequest; req?: AdapterRequest };
  return new AdapterRouteRequest(response.request ?? response.req ?? {}, route);
}

class AdapterRouteRequest implements RouteRequest {
  readonly params: RouteRequest['params'];
  readonly query: RouteRequest['query'];
  readonly headers: RouteRequest['headers'];
  readonly url: string;
  readonly body?: BodyIntake;

  /** `body`: what became of the body when the adapter could not read it (Fastify's error handler). */
  constructor(
    private readonly req: AdapterRequest,
    route: HealthRoute,
    body?: BodyIntake,
  ) {
    this.params = req.params ?? {};
    this.query = req.query ?? {};
    this.headers = req.headers ?? {};
    this.url = req.originalUrl ?? req.url ?? '';
    if (route.body) this.body = body ?? req[BODY_INTAKE] ?? { value: req.body };
  }

  /** Read only when a route asks (Fastify's trust-proxy logic, the socket's peer name): a probe never does. */
  get client(): string | undefined {
    return this.req.ip;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
