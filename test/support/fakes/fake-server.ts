import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request as a fake vendor sees it. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What a fake answers: JSON `body`, a `raw` text, or `hang` (never answer, to test timeouts). */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
  hang?: boolean;
  /** Answer this many ms late (a slow but healthy vendor). */
  delayMs?: number;
}

export type FakeRoute = (request: FakeRequest, server: FakeServer) => FakeReply;

/**
 * A loopback `node:http` server on port 0 that answers through a route function, records every
 * request, and tracks sockets so a test can prove an aborted request really closed its socket.
 */
export class FakeServer {
  readonly requests: FakeRequest[] = [];
  /**
   * Requests that were left hanging: when they arrived (`performance.now()`), whether their socket
   * is still `open`, and a promise of its closing.
   */
  readonly hung: { path: string; at: number; open: boolean; closed: Promise<void> }[] = [];
  route: FakeRoute;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    route: FakeRoute,
  ) {
    this.route = route;
  }

  static async start(route: FakeRoute): Promise<FakeServer> {
    const server = createServer();
    const fake = new FakeServer(server, route);
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // keep the raw text
        }
        const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        fake.requests.push(request);
        const reply = fake.route(request, fake);
        if (reply.hang) {
          const hung = { path: request.path, at: performance.now(), open: !req.socket.destroyed, closed: Promise.resolve() };
          if (hung.open) {
            hung.closed = new Promise((resolve) =>
              req.socket.once('close', () => {
                hung.open = false;
                resolve();
              }),
            );
          }
          fake.hung.push(hung);
          return;
        }
        const payload = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(reply.status ?? 200, { 'content-type': reply.raw === undefined ? 'application/json' : 'text/html', ...reply.headers });
          res.end(payload);
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** `127.0.0.1:port` */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `http://${this.host}`;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** Arrival times of the hung requests whose socket is still open. */
  unanswered(): number[] {
    return this.hung.filter((h) => h.open).map((h) => h.at);
  }

  /** Resolves when every hung request's socket has closed, rejects after `withinMs`. */
  async hungSocketsClosed(withinMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`a hung request's socket was still open after ${withinMs} ms`)), withinMs);
    });
    try {
      await Promise.race([Promise.all(this.hung.map((h) => h.closed)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  reset(route?: FakeRoute): void {
    this.requests.length = 0;
    this.hung.length = 0;
    if (route) this.route = route;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on (listen on 0, then close). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
