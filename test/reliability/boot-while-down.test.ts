/**
 * Boot while a dependency is down, then bring it back: a real child process (test/reliability/boot-app.js,
 * the recipe of docs/dependencies-down-at-boot.md) against a Postgres cluster this test owns
 * (stopped and started), a redis-server this test owns, and RabbitMQ behind the TCP fault proxy
 * (reset and blackhole). For each: live 200 within 10 s of the spawn, startup/ready 503 naming the
 * dependency and the driver's reason; after it is back, ready 200 within the retry backoff + check
 * timeout + cache TTL; the same process throughout (never exited). A failing migration is a
 * health state that heals once its cause is fixed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pg as pgDriver } from '../integration/typeorm/fixtures';
import { PrivatePostgres } from '../support/private-postgres';
import { RedisServer } from '../support/redis-server';
import { TcpFaultProxy } from '../support/tcp-fault-proxy';

const APP = path.join(__dirname, 'boot-app.js');
const PG_PORT = 5442;
/** boot-app.js: checks time out after 1000 ms and are cached 500 ms. */
const CHECK_TIMEOUT_MS = 1000;
const CACHE_TTL_MS = 500;
/** Worst wait before the next attempt: DataSourceStarter maxDelayMs 1000 + connectTimeoutMS 2000; ioredis retries every <= 2000 ms; amqp-connection-manager 500 ms + 2000 ms connect timeout. */
const BACKOFF_MS = { postgres: 1000 + 2000, redis: 2000, rabbitmq: 500 + 2000 };
/** Room for a loaded 2-core machine (running migrations, a reconnect handshake). */
const SLACK_MS = 3000;

interface Answer {
  status: number;
  body: any;
}

class BootApp {
  readonly spawnedAt = Date.now();
  private output = '';
  port?: number;
  exit?: { code: number | null; signal: NodeJS.Signals | null };

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      const match = /"event":"listening","port":(\d+)/.exec(this.output);
      if (match) this.port = Number(match[1]);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.once('exit', (code, signal) => (this.exit = { code, signal }));
  }

  static start(env: Record<string, string>): BootApp {
    return new BootApp(spawn(process.execPath, [APP], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get logs(): string {
    return this.output;
  }

  async get(route: string): Promise<Answer | undefined> {
    if (!this.port) return undefined;
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/health/${route}`, { signal: AbortSignal.timeout(5000) });
      return { status: res.status, body: await res.json() };
    } catch {
      return undefined;
    }
  }

  /** Polls `route` until `ok`, at most `withinMs`; returns the answer and when it came. */
  async until(route: string, ok: (a: Answer) => boolean, withinMs: number): Promise<{ answer: Answer | undefined; at: number }> {
    const deadline = Date.now() + withinMs;
    let answer = await this.get(route);
    while (!(answer && ok(answer)) && Date.now() < deadline && !this.exit) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await this.get(route);
    }
    return { answer, at: Date.now() };
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 10_000).unref();
    });
  }
}

/** The outputs of the checks in a response, by name. */
const outputs = (answer: Answer | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(answer?.body?.checks ?? {}).map(([name, [result]]: [string, any]) => [name, `${result.status}: ${result.output ?? ''}`]));

const figures: string[] = [];

beforeAll(() => {
  if (!existsSync(path.resolve(__dirname, '../../dist/connect/data-source-starter.js'))) throw new Error('run `npm run build` first: boot-app.js runs the built library');
});
afterAll(() => console.log(`boot while down, figures:\n  ${figures.join('\n  ')}`));

/**
 * Boots with the dependency down, checks live/startup/ready, brings it back, waits for ready.
 * `expectDown` gets the startup and ready answers while it is down.
 */
async function bootDownThenRecover(
  label: string,
  env: Record<string, string>,
  bringBack: () => Promise<void>,
  backoffMs: number,
  expectDown: (startup: Answer | undefined, ready: Answer | undefined) => void,
): Promise<void> {
  const app = BootApp.start(env);
  try {
    const live = await app.until('live', (a) => a.status === 200, 10_000);
    expect({ live: live.answer?.status, exit: app.exit, logs: live.answer?.status === 200 ? '' : app.logs }).toEqual({ live: 200, exit: undefined, logs: '' });
    const bootToLiveMs = live.at - app.spawnedAt;

    const startup = await app.get('startup');
    const ready = await app.get('ready');
    expect({ startup: startup?.status, ready: ready?.status }).toEqual({ startup: 503, ready: 503 });
    expectDown(startup, ready);

    const backAt = Date.now();
    await bringBack();
    const recovered = await app.until('ready', (a) => a.status === 200, backoffMs + CHECK_TIMEOUT_MS + CACHE_TTL_MS + SLACK_MS);
    expect({ ready: recovered.answer?.status, outputs: recovered.answer?.status === 200 ? {} : outputs(recovered.answer) }).toEqual({ ready: 200, outputs: {} });
    expect((await app.get('startup'))?.status).toBe(200);
    // The same process throughout: it never exited, nothing restarted it.
    expect(app.exit).toBeUndefined();
    figures.push(`${label}: boot-to-live ${bootToLiveMs} ms (spawn to first 200); ready ${recovered.at - backAt} ms after it came back`);
  } finally {
    await app.stop();
  }
}

describe.each(['express', 'fastify'])('boot while a dependency is down, on %s', (adapter) => {
  describe('Postgres (a private cluster, stopped and started)', () => {
    let pg: PrivatePostgres;
    const port = PG_PORT + (adapter === 'fastify' ? 1 : 0);

    beforeAll(async () => {
      pg = await PrivatePostgres.create(port);
    }, 60_000);
    afterAll(() => pg?.destroy(), 60_000);

    it('answers live at once, reports the refused connection, connects, migrates and turns ready when Postgres starts', async () => {
      await pg.stop();
      await bootDownThenRecover(`Postgres down (${adapter})`, { ADAPTER: adapter, DATABASE_URL: pg.url, QUEUE_PREFIX: 'h12_pgdown' }, () => pg.start(), BACKOFF_MS.postgres, (startup, ready) => {
        const reason = `ECONNREFUSED 127.0.0.1:${port}`;
        expect(outputs(startup)['postgres:migrations']).toContain(reason);
        expect(outputs(startup)['postgres:migrations']).toMatch(/^fail: connecting \(attempt \d+; last error: /);
        expect(outputs(ready).postgres).toContain(reason);
      });
    }, 60_000);

    it('a failing migration leaves the process up and named in migrationsCheck; creating what it needs heals it', async () => {
      const role = `h12_reader_${adapter}`;
      const database = `h12_mig_${adapter}`;
      await pg.start();
      const admin = new pgDriver.Client({ connectionString: pg.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      const app = BootApp.start({ ADAPTER: adapter, DATABASE_URL: pg.url.replace(/\/postgres$/, `/${database}`), NEEDS_ROLE: role, QUEUE_PREFIX: database });
      try {
        const failing = await app.until('startup', (a) => /migration GrantReader1712100000000 failed/.test(outputs(a)['postgres:migrations'] ?? ''), 15_000);
        // The database's own error (SQLSTATE and text), and the migrations still pending.
        expect(outputs(failing.answer)['postgres:migrations']).toBe(
          `fail: migration GrantReader1712100000000 failed: 42704: role "${role}" does not exist; 2 pending: CreateItems1712000000000, GrantReader1712100000000`,
        );
        expect({ startup: failing.answer?.status, live: (await app.get('live'))?.status, postgres: outputs(failing.answer).postgres }).toEqual({
          startup: 503,
          live: 200,
          postgres: undefined,
        });
        expect(outputs(await app.get('ready')).postgres).toBe('pass: ');

        const fixedAt = Date.now();
        await admin.query(`CREATE ROLE ${role}`);
        const healed = await app.until('startup', (a) => a.status === 200, BACKOFF_MS.postgres + CHECK_TIMEOUT_MS + CACHE_TTL_MS + SLACK_MS);
        expect({ startup: healed.answer?.status, outputs: healed.answer?.status === 200 ? {} : outputs(healed.answer) }).toEqual({ startup: 200, outputs: {} });
        expect((await app.get('ready'))?.status).toBe(200);
        expect(app.exit).toBeUndefined();
        figures.push(`failed migration (${adapter}): startup 200 ${healed.at - fixedAt} ms after the missing role was created`);
      } finally {
        await app.stop();
        await admin.end();
      }
    }, 60_000);
  });

  describe('Redis (a redis-server this test owns, stopped and started)', () => {
    let redis: RedisServer;

    beforeAll(async () => {
      redis = await RedisServer.start();
      await redis.stop();
    });
    afterAll(() => redis?.stop());

    it('answers live at once, reports the client connecting, and turns ready when Redis starts', async () => {
      await bootDownThenRecover(`Redis down (${adapter})`, { ADAPTER: adapter, REDIS_URL: redis.url, QUEUE_PREFIX: `h12_redis_${adapter}` }, () => redis.start(), BACKOFF_MS.redis, (_startup, ready) => {
        expect(outputs(ready).redis).toMatch(/^fail: Redis client is not ready \(status "(connecting|reconnecting)"\)/);
        expect(outputs(ready)['bullmq:h12_redis_' + adapter + '_jobs']).toMatch(/^fail: /);
      });
    }, 60_000);
  });

  describe.each(['reset', 'blackhole'] as const)('RabbitMQ behind the fault proxy (%s)', (mode) => {
    let proxy: TcpFaultProxy;

    beforeAll(async () => {
      proxy = await TcpFaultProxy.start({ targetPort: 5672 });
    });
    afterAll(() => proxy?.close());

    it('answers live at once, reports the connection reconnecting, and turns ready when the link heals', async () => {
      proxy[mode]();
      const queue = `h12_amqp_${adapter}_${mode}`;
      await bootDownThenRecover(
        `RabbitMQ ${mode} (${adapter})`,
        { ADAPTER: adapter, RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}`, QUEUE_PREFIX: queue },
        async () => proxy.pass(),
        BACKOFF_MS.rabbitmq,
        (_startup, ready) => {
          expect(outputs(ready)[`rabbitmq:${queue}_events`]).toMatch(/^fail: RabbitMQ connection is reconnecting/);
        },
      );
    }, 60_000);
  });
});
