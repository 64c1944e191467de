/**
 * The sample app's modules in-process, built with Test.createTestingModule on Express and Fastify:
 * the web tier (AppModule) with Redis, RabbitMQ and embedded PGlite + pgvector, and its BullMQ
 * worker (WorkerModule, an application context with its own health server). The built sample as a
 * newcomer starts it (`npm start`) is test/sample-app/sample-app.e2e-spec.ts.
 */
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppModule } from '../../../sample-app/src/app.module';
import { readConfig, type SampleConfig } from '../../../sample-app/src/config';
import { WorkerModule } from '../../../sample-app/src/worker.module';
import { HealthService } from '../../../src/index';
import { until } from '../../support/check-runner';
import { ADAPTERS, parseJson, standaloneUrl, startTestingApp } from '../../support/health-app';
import { startSamplePglite, startSamplePgliteBehindProxy, type RunningPglite } from '../../support/pglite';

const TOKEN = 'sample-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** A Redis database of their own per adapter: the queue and the fleet maintenance key start empty. */
const REDIS_DB = { express: 7, fastify: 8 } as const;

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: parseJson(await res.text()) };
}

/** Each check's `status: output` in a health response, by name. */
const outcomes = (body: any): Record<string, string> =>
  Object.fromEntries(Object.entries(body?.checks ?? {}).map(([name, [result]]: [string, any]) => [name, `${result.status}: ${result.output ?? ''}`]));

describe.each(ADAPTERS)('the sample app in-process on %s (Redis, RabbitMQ, embedded PGlite)', (adapter) => {
  let pglite: RunningPglite;
  let config: SampleConfig & { databaseUrl: string; redisUrl: string };
  let web: INestApplication;
  let base: string;
  let worker: INestApplication | undefined;

  beforeAll(async () => {
    const redisUrl = `redis://127.0.0.1:6379/${REDIS_DB[adapter]}`;
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    redis.disconnect();
    pglite = await startSamplePglite();
    config = {
      ...readConfig({ REDIS_URL: redisUrl, RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672', HEALTH_ADMIN_TOKEN: TOKEN, HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1' }),
      databaseUrl: pglite.url,
      redisUrl,
    };
    const started = await startTestingApp(adapter, { imports: [AppModule.register(config)] });
    web = started.app;
    base = started.url!;
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await web?.close();
    await pglite?.close();
  }, 30_000);

  it('registers the Redis, BullMQ and RabbitMQ checks; ready once they connect, no worker yet only warns', async () => {
    expect(web.get(HealthService).checks.map((c) => `${c.name}${c.critical ? '' : ' (non-critical)'}`)).toEqual([
      'process:event-loop',
      'process:heap',
      'postgres',
      'postgres:migrations',
      'postgres:pgvector',
      'redis',
      'bullmq:embed-documents (non-critical)',
      'rabbitmq:document-events',
      // REDIS_URL also switches on fleet-wide maintenance.
      'maintenance:store (non-critical)',
    ]);
    // Postgres migrates, Redis and RabbitMQ connect in the background, after the app listens.
    const deep = await until(
      () => get(`${base}/health/deep`, AUTH),
      (r) => ['postgres:migrations', 'postgres:pgvector', 'redis', 'rabbitmq:document-events', 'maintenance:store'].every((name) => outcomes(r.body)[name]?.startsWith('pass')),
      15_000,
    );
    const failing = Object.entries(outcomes(deep.body)).filter(([name, outcome]) => name !== 'bullmq:embed-documents' && !outcome.startsWith('pass'));
    expect(failing).toEqual([]);
    expect(deep.body.checks['bullmq:embed-documents'][0]).toMatchObject({ status: 'fail', critical: false });
    expect({ status: deep.status, body: deep.body.status, serviceId: deep.body.serviceId }).toEqual({ status: 200, body: 'warn', serviceId: 'sample-app' });
    expect((await get(`${base}/health/ready`)).status).toBe(200);
    expect((await get(`${base}/health/startup`)).status).toBe(200);
    // The admin token never shows up in a response.
    expect(JSON.stringify(deep.body)).not.toContain(TOKEN);
  });

  it('starts the worker with its own health server; the documents the web app queues get embedded and found', async () => {
    worker = (await startTestingApp('context', { imports: [WorkerModule.register(config)] })).app;
    const workerBase = standaloneUrl(worker);
    const ready = await until(() => get(`${workerBase}/health/ready`), (r) => r.status === 200, 15_000);
    expect({ status: ready.status, outcomes: outcomes(ready.body) }).toEqual({
      status: 200,
      outcomes: { postgres: 'pass: ', 'postgres:migrations': expect.stringMatching(/^pass/), redis: expect.stringMatching(/^pass/), 'bullmq:embed-documents': expect.stringMatching(/^pass/) },
    });
    expect(ready.body).toMatchObject({ serviceId: 'sample-worker', layer: 'ready' });
    const seen = await until(() => get(`${base}/health/checks/bullmq:embed-documents`), (r) => r.status === 200, 10_000);
    expect(outcomes(seen.body)['bullmq:embed-documents']).toMatch(/^pass/);

    const post = await fetch(`${base}/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Queued', content: 'embedded by the worker' }),
    });
    expect(post.status).toBe(201);
    expect(((await post.json()) as { embedding: string }).embedding).toBe('queued');
    const found = await until(() => get(`${base}/documents/search?q=worker`), (r) => Array.isArray(r.body) && r.body.length > 0, 10_000);
    expect(found.body.map((d: { title: string }) => d.title)).toEqual(['Queued']);
    const invalid = await fetch(`${base}/documents`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(invalid.status).toBe(400);
  });

  it('enters and leaves fleet-wide maintenance through Redis', async () => {
    const put = await fetch(`${base}/health/maintenance`, {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'sample fleet drill', scope: 'fleet', durationSeconds: 60 }),
    });
    expect(put.status).toBe(200);
    const ready = await get(`${base}/health/ready`);
    expect({ status: ready.status, maintenance: ready.body.maintenance }).toEqual({
      status: 503,
      maintenance: expect.objectContaining({ enabled: true, scope: 'fleet', reason: 'sample fleet drill' }),
    });
    const del = await fetch(`${base}/health/maintenance`, { method: 'DELETE', headers: AUTH });
    expect(del.status).toBe(200);
    expect((await get(`${base}/health/ready`)).status).toBe(200);
  });
});

// The DataSourceStarter brings TypeORM up in the background: until it has, the app's own routes
// that need the database answer 503 with a reason and Retry-After (before: TypeORM's 500).
describe('the sample app in-process before its database connects', () => {
  let database: Awaited<ReturnType<typeof startSamplePgliteBehindProxy>> | undefined;
  beforeAll(async () => {
    database = await startSamplePgliteBehindProxy();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  }, 30_000);

  it.each(ADAPTERS)('answers 503 with a reason and Retry-After on %s, then serves once connected', async (adapter) => {
    const proxy = database!.proxy;
    proxy.reset();
    const config = { ...readConfig({}), databaseUrl: `postgres://postgres@127.0.0.1:${proxy.port}/postgres` };
    const { app, url } = await startTestingApp(adapter, { imports: [AppModule.register(config)] });
    try {
      const requests: Array<[string, RequestInit]> = [
        ['/documents', {}],
        ['/documents/search?q=postgres', {}],
        ['/documents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 't', content: 'c' }) }],
      ];
      const answers = await Promise.all(
        requests.map(async ([path, init]) => {
          const res = await fetch(url + path, init);
          return { path, status: res.status, retryAfter: res.headers.get('retry-after'), body: parseJson(await res.text()) };
        }),
      );
      const expected = (path: string) => ({
        path,
        status: 503,
        retryAfter: expect.stringMatching(/^[1-9]\d*$/),
        body: { statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/^the database is not ready yet \(connecting\)/) },
      });
      expect(answers).toEqual(requests.map(([path]) => expected(path)));
      expect(JSON.stringify(answers)).not.toContain(String(proxy.port));

      proxy.pass();
      const listed = await until(() => get(`${url}/documents`), (r) => r.status === 200, 15_000);
      expect([listed.status, Array.isArray(listed.body)]).toEqual([200, true]);
    } finally {
      await app.close();
    }
  }, 30_000);
});
