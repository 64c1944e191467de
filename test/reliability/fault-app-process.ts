/**
 * Runs test/reliability/fault-app.js (the built library in a real Nest app) as a child process,
 * and probes it over HTTP from the test process, one request per call, timing each answer.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { admin, createTestDatabase, type TestDatabase } from '../integration/typeorm/fixtures';
import { TcpFaultProxy } from '../support/tcp-fault-proxy';
import { parseJson } from '../support/health-app';

const APP = path.join(__dirname, 'fault-app.js');
const DIST = path.resolve(process.env.DEEP_HEALTH_DIST || path.join(__dirname, '../../dist'), 'indicators/typeorm/index.js');

export interface FaultAppSettings {
  pgPort: number;
  database: string;
  redisPort: number;
  migration: string;
  timeoutMs: number;
  cacheTtlMs: number;
  deadlineMs: number;
  poolSize?: number;
  adapter?: 'express' | 'fastify';
}

export interface Probe {
  /** HTTP status, or undefined when no answer came (see `error`). */
  status?: number;
  json?: any;
  error?: string;
  elapsedMs: number;
}

export interface AppState {
  unhandled: number;
  reasons: string[];
  pool: { total: number; idle: number; waiting: number; max: number };
  redis: string;
}

export class FaultApp {
  private stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly settings: FaultAppSettings,
  ) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static async start(settings: FaultAppSettings): Promise<FaultApp> {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: the reliability tests run the built library; run \`npm run build\` first`);
    const child = fork(APP, [], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PG_PORT: String(settings.pgPort),
        PG_DATABASE: settings.database,
        REDIS_PORT: String(settings.redisPort),
        MIGRATION: settings.migration,
        TIMEOUT_MS: String(settings.timeoutMs),
        TTL_MS: String(settings.cacheTtlMs),
        DEADLINE_MS: String(settings.deadlineMs),
        POOL_SIZE: String(settings.poolSize ?? 4),
        ADAPTER: settings.adapter ?? 'express',
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fault-app did not listen within 20 s:\n${stderr}`)), 20_000);
      child.on('message', (message: { event?: string; port?: number }) => {
        if (message.event !== 'listening') return;
        clearTimeout(timer);
        resolve(message.port!);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`fault-app exited with code ${code} before listening:\n${stderr}`));
      });
    });
    return new FaultApp(child, `http://127.0.0.1:${port}`, settings);
  }

  /** Whether the process is still running (a crash is an exit). */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get errors(): string {
    return this.stderr;
  }

  async get(pathname: string, timeoutMs = 10_000): Promise<Probe> {
    const started = performance.now();
    try {
      const res = await fetch(this.url + pathname, { signal: AbortSignal.timeout(timeoutMs) });
      const json: unknown = parseJson(await res.text());
      return { status: res.status, json, elapsedMs: performance.now() - started };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      return { error: cause?.code ?? (error as Error).name ?? String(error), elapsedMs: performance.now() - started };
    }
  }

  async state(): Promise<AppState> {
    const probe = await this.get('/test/state');
    if (probe.status !== 200) throw new Error(`GET /test/state answered ${probe.status ?? probe.error}:\n${this.stderr}`);
    return probe.json as AppState;
  }

  /** Probes `pathname` every `everyMs` until `accept` holds; returns the accepted probe and when it came. */
  async until(pathname: string, accept: (probe: Probe) => boolean, withinMs: number, everyMs = 25): Promise<{ probe: Probe; afterMs: number }> {
    const started = performance.now();
    let last: Probe | undefined;
    while (performance.now() - started < withinMs) {
      last = await this.get(pathname);
      if (accept(last)) return { probe: last, afterMs: performance.now() - started };
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    throw new Error(`GET ${pathname} did not reach the expected answer within ${withinMs} ms; last: ${JSON.stringify(last)}`);
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Runs `count` probes of `pathname`, `concurrency` at a time. */
export async function flood(app: FaultApp, pathname: string, count: number, concurrency: number): Promise<Probe[]> {
  const probes: Probe[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        probes.push(await app.get(pathname));
      }
    }),
  );
  return probes;
}

/** The status of one check in an ietf body. */
export function checkStatus(probe: Probe, name: string): string | undefined {
  return probe.json?.checks?.[name]?.[0]?.status;
}

/** What every reliability test stands on: a fresh database, and proxies this test owns in front of the shared servers. */
export interface FaultRig {
  db: TestDatabase;
  /** In front of the shared Postgres (127.0.0.1:5432). */
  pgProxy: TcpFaultProxy;
  /** In front of the shared Redis (127.0.0.1:6379). */
  redisProxy: TcpFaultProxy;
  /** Starts an app wired through both proxies, with this build's one migration already run. */
  start(settings: Pick<FaultAppSettings, 'timeoutMs' | 'cacheTtlMs' | 'deadlineMs' | 'poolSize' | 'adapter'>): Promise<FaultApp>;
  /** Stops every app it started, closes the proxies, drops the database. */
  close(): Promise<void>;
}

export const RIG_MIGRATION = 'CreateReliability1712000000000';

export async function startFaultRig(): Promise<FaultRig> {
  const db = await createTestDatabase();
  await admin(
    db.name,
    `CREATE TABLE "migrations" (id serial PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL);
     INSERT INTO "migrations" ("timestamp", name) VALUES (1712000000000, '${RIG_MIGRATION}')`,
  );
  const pgProxy = await TcpFaultProxy.start({ targetPort: 5432 });
  const redisProxy = await TcpFaultProxy.start({ targetPort: 6379 });
  const apps: FaultApp[] = [];
  return {
    db,
    pgProxy,
    redisProxy,
    async start(settings) {
      const app = await FaultApp.start({ pgPort: pgProxy.port, database: db.name, redisPort: redisProxy.port, migration: RIG_MIGRATION, ...settings });
      apps.push(app);
      return app;
    },
    async close() {
      await Promise.all(apps.map((app) => app.stop()));
      await pgProxy.close();
      await redisProxy.close();
      await db.drop();
    },
  };
}
