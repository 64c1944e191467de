/**
 * Runs test/fleet/health-app.js as a child process (one replica) and speaks plain HTTP to it,
 * one TCP connection per request like a kubelet probe, so a refused connection (server closed)
 * is told apart from a failed request (reset, 5xx).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const APP = path.join(__dirname, 'health-app.js');
const DIST = path.resolve(__dirname, '../../dist/stores/redis/redis-maintenance.store.js');

export interface ReplicaEvent {
  event: string;
  at: number;
  [key: string]: unknown;
}

export interface Answer {
  status?: number;
  json?: any;
  headers?: http.IncomingHttpHeaders;
  /** Error code when no HTTP answer came (ECONNREFUSED, ECONNRESET...). */
  error?: string;
  sentAt: number;
  doneAt: number;
}

export function assertBuilt(): void {
  if (!existsSync(DIST)) {
    throw new Error(`${DIST} is missing: the fleet tests run the built library; run \`npm run build\` (or npx tsc -p tsconfig.build.json) first`);
  }
}

export class Replica {
  readonly events: ReplicaEvent[] = [];
  private stderr = '';
  private exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  }

  static async start(env: Record<string, string>, timeoutMs = 20_000): Promise<Replica> {
    const child = spawn(process.execPath, [APP], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const events: ReplicaEvent[] = [];
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let buffered = '';
    const port = await new Promise<number>((resolve, reject) => {
      // Killed, not left running: it would outlive the test and keep the jest worker alive. The
      // rejection waits for its exit, so nothing of it remains when the caller goes on.
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          try {
            const event = JSON.parse(line) as ReplicaEvent;
            events.push(event);
            if (event.event === 'listening') {
              clearTimeout(timer);
              resolve(event.port as number);
            }
          } catch {
            // Not one of our event lines (a library's log): ignore.
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(timedOut ? `replica did not listen within ${timeoutMs} ms (killed):\n${stderr}` : `replica exited with code ${code} before listening:\n${stderr}`));
      });
    });
    const replica = new Replica(child, port);
    replica.events.push(...events);
    child.stdout!.removeAllListeners('data');
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        try {
          replica.events.push(JSON.parse(line) as ReplicaEvent);
        } catch {
          // ignore
        }
      }
    });
    child.stderr!.removeAllListeners('data');
    child.stderr!.on('data', (chunk: Buffer) => (replica.stderr += chunk.toString()));
    return replica;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get errors(): string {
    return this.stderr;
  }

  request(method: string, pathname: string, { headers = {}, body }: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
    const sentAt = Date.now();
    return new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path: pathname, headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, json, headers: res.headers, sentAt, doneAt: Date.now() });
        });
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, sentAt, doneAt: Date.now() }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, sentAt, doneAt: Date.now() }));
      req.setTimeout(10_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.end(body);
    });
  }

  get(pathname: string): Promise<Answer> {
    return this.request('GET', pathname);
  }

  signal(signal: NodeJS.Signals): number {
    this.child.kill(signal);
    return Date.now();
  }

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
    return this.exitPromise;
  }

  /** Stops the replica (SIGKILL unless told otherwise) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exitPromise;
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}
