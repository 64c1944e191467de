/**
 * Shared results: N replicas (N apps in this process, each with its own Redis connection) probe
 * an expensive check whose provider is a loopback server counting calls. With the result shared
 * through Redis, the fleet makes one provider call per TTL; when Redis is gone, every replica
 * still answers (asking the provider itself).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { defineCheck, fail } from '../../../src/index';
import { redisSharedResultStore } from '../../../src/stores/redis/redis-shared-result.store';
import { RedisServer } from '../../support/redis-server';
import { startHealthApp, type RunningApp } from '../../support/health-app';

const REPLICAS = 5;
const TTL_MS = 1500;

/** An OpenAI-compatible `GET /v1/models` that counts its calls and answers after `delayMs`. */
async function fakeProvider(delayMs = 50) {
  const state = { calls: 0, status: 200 };
  const server = http.createServer((req, res) => {
    if (req.url !== '/v1/models') {
      res.writeHead(404).end();
      return;
    }
    state.calls++;
    setTimeout(() => {
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end(state.status === 200 ? JSON.stringify({ object: 'list', data: [{ id: 'gpt-test', object: 'model' }] }) : JSON.stringify({ error: { message: 'overloaded' } }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function providerCheck(url: string) {
  return defineCheck({
    name: 'llm',
    critical: false,
    cacheTtlMs: TTL_MS,
    // Within the 900 ms deadline: a longer timeout would make the engine serve the last result
    // while refreshing in the background, and this test counts calls right after each probe.
    timeoutMs: 800,
    run: async ({ signal }) => {
      const res = await fetch(`${url}/v1/models`, { signal });
      await res.arrayBuffer();
      return res.ok ? { status: 'pass' as const, observedValue: res.status } : fail(`provider answered ${res.status}`, { observedValue: res.status });
    },
  });
}

interface Fleet {
  apps: RunningApp[];
  clients: Redis[];
}

async function startFleet(redisUrl: string, providerUrl: string, prefix: string): Promise<Fleet> {
  const fleet: Fleet = { apps: [], clients: [] };
  for (let i = 0; i < REPLICAS; i++) {
    const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    fleet.clients.push(client);
    fleet.apps.push(
      await startHealthApp(i % 2 ? 'fastify' : 'express', {
        service: { name: 'chat-api' },
        checks: [providerCheck(providerUrl), defineCheck({ name: 'local', cacheTtlMs: 0, run: () => 'pass' })],
        sharedResults: { store: redisSharedResultStore({ client, prefix }), checks: ['llm'] },
      }),
    );
  }
  return fleet;
}

async function stopFleet(fleet: Fleet): Promise<void> {
  await Promise.all(fleet.apps.map((app) => app.close()));
  for (const client of fleet.clients) client.disconnect();
}

const probeAll = (fleet: Fleet, path = '/health/deep') => Promise.all(fleet.apps.map((app) => app.get(path)));

describe('shared check results through Redis (6379)', () => {
  const prefix = `ndh-test:${randomUUID()}:`;
  let provider: Awaited<ReturnType<typeof fakeProvider>>;
  let fleet: Fleet;
  let admin: Redis;

  beforeAll(async () => {
    provider = await fakeProvider();
    admin = new Redis('redis://127.0.0.1:6379');
    fleet = await startFleet('redis://127.0.0.1:6379', provider.url, prefix);
  });
  afterAll(async () => {
    await stopFleet(fleet);
    await provider.close();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
  });

  it('makes one provider call per TTL for the whole fleet', async () => {
    const first = await probeAll(fleet);
    expect(first.map((r) => [r.status, r.json.checks.llm[0].status]).filter(([status, llm]) => status !== 200 || llm !== 'pass')).toEqual([]);
    expect(provider.state.calls).toBe(1);
    // Every replica reports the same observation (same time), so its age is visible as such.
    expect(new Set(first.map((r) => r.json.checks.llm[0].time)).size).toBe(1);

    for (let round = 0; round < 5; round++) await probeAll(fleet);
    expect(provider.state.calls).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    const afterTtl = await probeAll(fleet);
    expect(provider.state.calls).toBe(2);
    expect(new Set(afterTtl.map((r) => r.json.checks.llm[0].time)).size).toBe(1);
    expect(await admin.pttl(`${prefix}{chat-api:llm}:result`)).toBeGreaterThan(0);
    expect(await admin.exists(`${prefix}{chat-api:llm}:lock`)).toBe(0);
  });

  it('shares a failure too, and reports it with this replica\'s own criticality', async () => {
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    provider.state.status = 503;
    const before = provider.state.calls;
    const answers = await probeAll(fleet);
    provider.state.status = 200;
    expect(provider.state.calls - before).toBe(1);
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.json.status).toBe('warn');
      expect(res.json.checks.llm[0]).toMatchObject({ status: 'fail', critical: false, observedValue: 503 });
    }
  });
});

describe('shared check results while Redis is unreachable (own redis-server)', () => {
  let redis: RedisServer;
  let provider: Awaited<ReturnType<typeof fakeProvider>>;
  let fleet: Fleet;

  beforeAll(async () => {
    redis = await RedisServer.start();
    provider = await fakeProvider();
    fleet = await startFleet(redis.url, provider.url, 'ndh-test:outage:');
  });
  afterAll(async () => {
    await stopFleet(fleet);
    await provider.close();
    await redis.stop();
  });

  it('falls back to asking the provider on each replica, and answers within the deadline', async () => {
    await probeAll(fleet);
    expect(provider.state.calls).toBe(1);
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    const started = Date.now();
    const answers = await probeAll(fleet);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(answers.map((r) => [r.status, r.json.checks.llm[0].status]).filter(([status, llm]) => status !== 200 || llm !== 'pass')).toEqual([]);
    expect(provider.state.calls).toBe(1 + REPLICAS);
  });
});
