import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toWire, type HealthHttpResponse } from '../health-response.js';
import type { HealthRequest, HealthRequestHandler, ReportLayer } from '../health-request-handler.js';

export interface HealthServerOptions {
  /** @default env `HEALTH_PORT`, else 9000 */
  port?: number;
  /**
   * @default '0.0.0.0': a container's probe comes from outside its loopback, so a worker that
   * listens on localhost only is restarted in a loop.
   */
  host?: string;
}

export const MAX_BODY_BYTES = 16 * 1024;
const LAYERS: Record<string, ReportLayer> = { '': 'live', live: 'live', startup: 'startup', ready: 'ready', deep: 'deep' };

/**
 * A minimal HTTP server for the same endpoints, for apps without an HTTP adapter (workers made
 * with `NestFactory.createApplicationContext`) or for a separate management port.
 */
export class HealthServer {
  private server?: Server;

  constructor(
    private readonly handler: HealthRequestHandler,
    private readonly basePath: string,
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

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request: HealthRequest = { authorization: req.headers.authorization };
    const url = new URL(req.url ?? '/', 'http://health.local');
    const prefix = `/${this.basePath}`;
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== prefix && !path.startsWith(`${prefix}/`)) {
      return this.write(res, this.handler.error(404, 'Not Found', `no route ${req.method} ${url.pathname.slice(0, 200)}`, request), req);
    }
    const route = path.slice(prefix.length + 1);
    const method = req.method === 'HEAD' ? 'GET' : req.method;

    if (method === 'GET' && route in LAYERS) return this.write(res, await this.handler.layer(LAYERS[route]!, request), req);
    if (method === 'GET' && route.startsWith('checks/')) {
      const name = decodeSegment(route.slice('checks/'.length));
      if (name === undefined) return this.write(res, this.handler.error(400, 'Bad Request', 'malformed percent-encoding in the check name', request), req);
      return this.write(res, await this.handler.check(name, request), req);
    }
    if (route === 'maintenance') {
      if (method === 'GET') return this.write(res, this.handler.maintenanceStatus(request), req);
      if (method === 'DELETE') {
        return this.write(res, await this.handler.disableMaintenance(request, { scope: url.searchParams.get('scope') ?? undefined }), req);
      }
      if (method === 'PUT') {
        const body = await readJson(req);
        if ('problem' in body) {
          return this.write(res, this.handler.error(body.status, body.error, body.problem, request, {}, { Connection: 'close' }), req);
        }
        return this.write(res, await this.handler.enableMaintenance(body.value, request), req);
      }
    }
    if (method === 'GET' && route === 'metrics') return this.write(res, await this.handler.metrics(request), req);
    return this.write(res, this.handler.error(404, 'Not Found', `no route ${req.method} ${url.pathname.slice(0, 200)}`, request), req);
  }

  private write(res: ServerResponse, response: HealthHttpResponse, req: IncomingMessage): void {
    const wire = toWire(response);
    res.writeHead(wire.statusCode, wire.headers);
    res.end(req.method === 'HEAD' ? undefined : wire.body);
  }
}

/** A percent-decoded path segment, or `undefined` when its encoding is malformed (a 400, not a 500). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

type BodyResult = { value: unknown } | { problem: string; status: number; error: string };

function readJson(req: IncomingMessage): Promise<BodyResult> {
  const tooLarge: BodyResult = { problem: `body larger than ${MAX_BODY_BYTES} bytes`, status: 413, error: 'Payload Too Large' };
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Stop buffering; the rest is discarded and the connection closes after the 413.
        req.removeAllListeners('data');
        req.resume();
        resolve(tooLarge);
      } else {
        chunks.push(chunk);
      }
    });
    req.once('error', () => resolve({ problem: 'request body could not be read', status: 400, error: 'Bad Request' }));
    req.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return resolve({ value: undefined });
      try {
        resolve({ value: JSON.parse(text) });
      } catch {
        resolve({ problem: 'body is not valid JSON', status: 400, error: 'Bad Request' });
      }
    });
  });
}
