import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toWire, type HealthHttpResponse } from '../health-response.js';
import type { HealthRequest, HealthRequestHandler } from '../health-request-handler.js';
import { HEALTH_ROUTES, matchRoute, type HealthRoute, type RouteRequest } from '../routes.js';
import { readJsonBody } from '../request-body.js';

/** The `server` option in object form: where the standalone health server listens. */
export interface HealthServerOptions {
  /** The port to listen on, 0 to 65535 (`0`: a free one, read it from `HealthServerHost.address`). @default env `HEALTH_PORT`, else 9000 */
  port?: number;
  /**
   * The interface address to listen on.
   * @default '0.0.0.0': a container's probe comes from outside its loopback, so a worker that
   * listens on localhost only is restarted in a loop.
   */
  host?: string;
}

/**
 * A minimal HTTP server for the same endpoints, for apps without an HTTP adapter (workers made
 * with `NestFactory.createApplicationContext`) or for a separate management port.
 */
export class HealthServer {
  private server?: Server;

  constructor(
    private readonly handler: HealthRequestHandler,
    private readonly basePath: string,
    private readonly routes: readonly HealthRoute[] = HEALTH_ROUTES,
    /** Routes at the root, outside `/<path>` (the `kubernetesAliases`). */
    private readonly rootRoutes: readonly HealthRoute[] = [],
  ) {}

  async listen(port: number, host: string): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"statusCode":500,"error":"Internal Server Error"}');
      });
    });
    // Probes are short; idle keep-alive sockets must not hold the process open at shutdown.
    server.keepAliveTimeout = 5000;
    server.requestTimeout = 10_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  /** Whether the listening server alone keeps the process running (Node's `ref`/`unref`). */
  keepProcessAlive(keep: boolean): void {
    if (keep) this.server?.ref();
    else this.server?.unref();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Probes already received get their answer; idle keep-alive sockets go now, the rest after 1 s.
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 1000).unref();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    // Route on the raw path, as Express and Fastify do: the URL parser would resolve `%2e%2e` and `..`.
    const rawPath = target.split('?', 1)[0]!;
    const url = new URL(target.startsWith('/') ? target : `/${target}`, 'http://health.local');
    const headers = req.headers;
    const client = req.socket.remoteAddress;
    const request: HealthRequest = { authorization: headers.authorization, client };
    const notFound = () => this.handler.error(404, 'Not Found', `no route ${req.method} ${rawPath.slice(0, 200)}`, request);
    const prefix = `/${this.basePath}`;
    const path = rawPath.replace(/\/+$/, '');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
    const atRoot = matchRoute(this.rootRoutes, method, path.slice(1));
    const underPrefix = path === prefix || path.startsWith(`${prefix}/`);
    if (!atRoot && !underPrefix) return this.write(res, notFound(), req);
    const match = atRoot ?? matchRoute(this.routes, method, path.slice(prefix.length + 1));
    if (!match) return this.write(res, notFound(), req);
    if ('malformed' in match) return this.write(res, this.handler.error(400, 'Bad Request', match.malformed, request), req);
    // The handler decides what a body problem means (after the token and the Content-Type).
    const body = match.route.body === 'json' ? await readJsonBody(req) : undefined;
    const routeRequest: RouteRequest = { params: match.params, query: queryObject(url.searchParams), headers, url: target, client, ...(body ? { body } : {}) };
    return this.write(res, await match.route.handle(this.handler, routeRequest), req);
  }

  private write(res: ServerResponse, response: HealthHttpResponse, req: IncomingMessage): void {
    const wire = toWire(response);
    res.writeHead(wire.statusCode, wire.headers);
    res.end(req.method === 'HEAD' ? undefined : wire.body);
  }
}

/** The query as Express and Fastify parse it: a repeated key gives an array. */
function queryObject(params: URLSearchParams): RouteRequest['query'] {
  const query: RouteRequest['query'] = Object.create(null);
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}
