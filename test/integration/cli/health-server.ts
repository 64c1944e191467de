import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A loopback server the CLI tests point the probe at. */
export interface TestServer {
  /** `http(s)://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  port: number;
  /** Requests seen so far (method, url, headers). */
  requests: http.IncomingMessage[];
  /** Resolves when a connection that reached the server has been closed by the client. */
  nextClientClose(): Promise<void>;
  close(): Promise<void>;
}

/** Replies `code` with `body` (objects are sent as application/health+json). */
export function reply(code: number, body: unknown): http.RequestListener {
  return (_req, res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/health+json' });
    res.end(text);
  };
}

/** Never answers (a hung process, or a wedged event loop on the other side). */
export const hang: http.RequestListener = () => undefined;

/** Starts a server on 127.0.0.1, port 0. Pass `tls` for HTTPS. */
export async function startServer(
  handler: http.RequestListener,
  tls?: { key: Buffer; cert: Buffer },
): Promise<TestServer> {
  const requests: http.IncomingMessage[] = [];
  const closeWaiters: Array<() => void> = [];
  const listener: http.RequestListener = (req, res) => {
    requests.push(req);
    req.socket.once('close', () => closeWaiters.shift()?.());
    handler(req, res);
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const scheme = tls ? 'https' : 'http';
  return {
    port,
    requests,
    url: (path = '/health/live') => `${scheme}://127.0.0.1:${port}${path}`,
    nextClientClose: () => new Promise<void>((resolve) => closeWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound once, then released). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A throwaway self-signed certificate for 127.0.0.1 (needs the `openssl` binary). */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer; certPath: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'deep-health-cli-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyPath),
    cert: readFileSync(certPath),
    certPath,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
