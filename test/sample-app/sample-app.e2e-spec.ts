/**
 * The built sample app as a newcomer runs it: `npm start` (the web entry on embedded PGlite by
 * default, or on the DATABASE_URL given) and `npm run start:worker` (the BullMQ worker entry with its
 * own health server): what only a process shows (what it prints, that it stays up, how it ends on
 * SIGTERM). The modules themselves, with Redis and RabbitMQ on Express and Fastify, are tested
 * in-process in test/integration/sample-app/. `npm test` builds the sample before jest runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { until } from '../support/check-runner';
import { pg as pgDriver } from '../integration/typeorm/fixtures';
import { startSamplePgliteBehindProxy } from '../support/pglite';
import { freePort } from '../support/redis-server';
import type { TcpFaultProxy } from '../support/tcp-fault-proxy';

const root = resolve(__dirname, '../..');
const TOKEN = 'sample-admin-token-0123456789';

interface Running {
  child: ChildProcess;
  output: () => string;
}

async function start(entry: 'main' | 'worker', env: Record<string, string>, readyLine: RegExp): Promise<Running> {
  const child = spawn(process.execPath, [join(root, 'sample-app/dist', `${entry}.js`)], {
    cwd: root,
    env: { PATH: process.env.PATH, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in time:\n${output}`)), 45_000);
    const poll = setInterval(() => {
      if (readyLine.test(output)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolveReady();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

/** SIGTERM, then how the process ended. Nest re-raises the signal after closing, so a clean stop ends by SIGTERM. */
async function stop(running: Running | undefined): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  const child = running?.child;
  if (!child) return undefined;
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code, signal) => {
      clearTimeout(kill);
      done({ code, signal });
    });
    child.kill('SIGTERM');
  });
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

describe('npm start on embedded defaults, then npm run start:worker', () => {
  let web: Running | undefined;
  let worker: Running | undefined;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    web = await start('main', { PORT: String(port), HOST: '127.0.0.1' }, /active checks:/);
  }, 60_000);
  afterAll(async () => {
    await stop(worker);
    await stop(web);
  }, 40_000);

  it('prints every health endpoint and the active checks', () => {
    for (const path of ['live', 'startup', 'ready', 'deep']) expect(web!.output()).toContain(`${base}/health/${path}`);
    expect(web!.output()).toMatch(/active checks: .*postgres, postgres:migrations \(startup\), postgres:pgvector/);
  });

  it('answers 200 on /health/ready with Postgres, migrations and pgvector passing', async () => {
    // The DataSource connects and migrates in the background, after the app listens.
    const ready = await until(() => get(`${base}/health/ready`), (r) => r.status === 200, 15_000);
    expect(ready.status).toBe(200);
    expect(ready.body.serviceId).toBe('sample-app');
    for (const name of ['postgres', 'postgres:migrations', 'postgres:pgvector']) expect(ready.body.checks[name][0].status).toBe('pass');
    expect((await get(`${base}/health/startup`)).status).toBe(200);
    expect((await get(`${base}/health/metrics`)).body).toContain('deep_health_check_status{check="postgres:pgvector"');
  });

  it('stores documents and finds them by vector similarity', async () => {
    const post = await fetch(`${base}/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Health checks', content: 'readiness probes and postgres migrations' }),
    });
    expect(post.status).toBe(201);
    const found = await get(`${base}/documents/search?q=postgres%20migrations`);
    expect(found.body[0].title).toBe('Health checks');
    expect((await fetch(`${base}/documents`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });

  // The worker connects to the web app's embedded PGlite through the URL it prints, as docs/recipes.md shows.
  it('starts the worker with its own health server, which closes when SIGTERM ends it cleanly', async () => {
    const healthPort = await freePort();
    const workerBase = `http://127.0.0.1:${healthPort}`;
    const databaseUrl = /started embedded Postgres \(PGlite \+ pgvector\) at (\S+)/.exec(web!.output())![1]!;
    // A Redis database of its own: the queue starts empty, whatever other tests left in database 0.
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: 'redis://127.0.0.1:6379/9', HEALTH_PORT: String(healthPort), HEALTH_HOST: '127.0.0.1' };
    worker = await start('worker', env, /worker health endpoints on/);
    const ready = await until(() => get(`${workerBase}/health/ready`), (r) => r.status === 200, 15_000);
    expect(ready.body).toMatchObject({ status: 'pass', serviceId: 'sample-worker', layer: 'ready' });
    expect(Object.keys(ready.body.checks).sort()).toEqual(['bullmq:embed-documents', 'postgres', 'postgres:migrations', 'redis']);

    // Only the shutdown is judged here: at boot a check may log its first failure (the queue's Redis
    // connection still initializing), which is a health state, not a shutdown error.
    const bootOutput = worker.output().length;
    const ended = await stop(worker);
    // Closed gracefully (Nest closes, then re-raises SIGTERM), not killed by the 15 s SIGKILL fallback.
    expect(ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(worker.output().slice(bootOutput)).not.toMatch(/ERROR/);
    worker = undefined;
    await expect(fetch(`${workerBase}/health/live`)).rejects.toThrow();
  });
});

/** The outputs of the checks in a response, by name (`status: output`). */
const outputs = (body: any): Record<string, string> =>
  Object.fromEntries(Object.entries(body?.checks ?? {}).map(([name, [result]]: [string, any]) => [name, `${result.status}: ${result.output ?? ''}`]));

// `DATABASE_URL=<a Postgres that is down> npm start`: the embedded PGlite (with pgvector) behind
// the fault proxy, which refuses every connection (reset) until the test lets it through.
describe('sample app with DATABASE_URL at a Postgres that is down', () => {
  let database: Awaited<ReturnType<typeof startSamplePgliteBehindProxy>> | undefined;
  let proxy: TcpFaultProxy;
  let web: Running | undefined;

  beforeAll(async () => {
    database = await startSamplePgliteBehindProxy();
    proxy = database.proxy;
  }, 60_000);
  afterAll(async () => {
    await stop(web);
    await database?.close();
  }, 40_000);

  it('serves liveness, reports the database, and recovers by itself when it comes up', async () => {
    proxy.reset();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const spawnedAt = Date.now();
    web = await start('main', { PORT: String(port), HOST: '127.0.0.1', HEALTH_ADMIN_TOKEN: TOKEN, DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/postgres` }, /active checks:/);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const live = await until(() => get(`${base}/health/live`), (r) => r.status === 200, 10_000);
    expect(live.status).toBe(200);
    const bootToLiveMs = Date.now() - spawnedAt;
    const startup = await get(`${base}/health/startup`, auth);
    expect(startup.status).toBe(503);
    expect(outputs(startup.body)['postgres:migrations']).toMatch(/^fail: connecting \(attempt \d+; last error: .*ECONNRESET/);
    const ready = await get(`${base}/health/ready`, auth);
    expect({ status: ready.status, postgres: outputs(ready.body).postgres }).toEqual({ status: 503, postgres: expect.stringMatching(/^fail: connecting/) });

    const backAt = Date.now();
    proxy.pass();
    const recovered = await until(() => get(`${base}/health/ready`, auth), (r) => r.status === 200, 15_000);
    expect({ status: recovered.status, outputs: recovered.status === 200 ? {} : outputs(recovered.body) }).toEqual({ status: 200, outputs: {} });
    expect((await get(`${base}/health/startup`)).status).toBe(200);
    expect(web.child.exitCode).toBeNull();
    console.log(`sample app, Postgres down at boot: boot-to-live ${bootToLiveMs} ms (spawn to first 200); ready ${Date.now() - backAt} ms after the database came back`);
  }, 60_000);
});

// The local Postgres 15 has no pgvector (Debian has no package for it): the sample's first
// migration (CREATE EXTENSION vector) cannot run. Before, the process exited 1 with TypeORM's stack trace.
describe('sample app on a Postgres without pgvector (the local Postgres 15)', () => {
  const database = 'h12_sample_novector';
  let web: Running | undefined;

  beforeAll(async () => {
    const admin = new pgDriver.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
  });
  afterAll(() => stop(web), 40_000);

  it('stays up; startup 503; pgvectorCheck and migrationsCheck say why', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    web = await start('main', { PORT: String(port), HOST: '127.0.0.1', HEALTH_ADMIN_TOKEN: TOKEN, DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}` }, /active checks:/);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const deep = await until(() => get(`${base}/health/deep`, auth), (r) => /migration \S+ failed/.test(outputs(r.body)['postgres:migrations'] ?? ''), 15_000);
    const found = outputs(deep.body);
    expect(found['postgres:migrations']).toMatch(/^fail: migration CreateDocuments1712000000000 failed: .*extension "vector"/);
    expect(found['postgres:pgvector']).toBe('fail: extension "vector" is not installed in this database (CREATE EXTENSION vector)');
    expect(found.postgres).toBe('pass: ');
    expect((await get(`${base}/health/startup`)).status).toBe(503);
    expect((await get(`${base}/health/live`)).status).toBe(200);
    // It keeps retrying the migration, in the same process.
    await until(async () => web!.output(), (text) => (text.match(/migration CreateDocuments1712000000000 failed/g) ?? []).length >= 2, 15_000);
    expect(web.child.exitCode).toBeNull();
    expect((await get(`${base}/health/live`)).status).toBe(200);
  }, 60_000);
});
