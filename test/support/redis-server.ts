/**
 * A throwaway redis-server that a test owns, so it can kill, restart or reconfigure it without
 * touching the shared Redis on 6379.
 *
 * API
 * ```ts
 * const redis = await RedisServer.start();           // free port, no persistence, waits until it accepts connections
 * const redis = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', '1'] }); // extra redis-server flags
 * redis.port; redis.url;                             // 'redis://127.0.0.1:<port>'
 * await redis.stop();                                // SIGKILL by default (a crash); stop('SIGTERM') for a clean shutdown
 * await redis.start();                               // start again on the same port (after stop)
 * await redis.restart();                             // stop + start on the same port
 * redis.running;                                     // whether the process is up
 * ```
 * Always `await redis.stop()` in afterAll/afterEach; the process is a handle jest would report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';

export interface RedisServerOptions {
  /** @default a free port */
  port?: number;
  /** Extra redis-server arguments, e.g. `['--maxmemory', '10mb']`. */
  args?: string[];
  /** How long to wait for "Ready to accept connections". @default 10000 */
  startTimeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private process?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(
    readonly port: number,
    private readonly args: readonly string[],
    private readonly startTimeoutMs: number,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(options.port ?? (await freePort()), options.args ?? [], options.startTimeoutMs ?? 10_000);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Starts the process (again) on this server's port and waits until it accepts connections. */
  async start(): Promise<void> {
    if (this.process) throw new Error(`redis-server on port ${this.port} is already running`);
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', os.tmpdir(), ...this.args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let log = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`redis-server did not start on port ${this.port} within ${this.startTimeoutMs} ms:\n${log}`)),
          this.startTimeoutMs,
        );
        const onData = (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited with code ${code} before it was ready:\n${log}`));
        });
      });
    } catch (error) {
      await this.stop();
      throw error;
    }
    // Keep draining the pipes so a chatty server never blocks on a full pipe buffer.
    child.stdout!.resume();
    child.stderr!.resume();
  }

  /** Stops the process and waits for it to exit. SIGKILL (default) simulates a crash. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.process;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await this.exited;
    child.stdout?.destroy();
    child.stderr?.destroy();
    this.process = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
