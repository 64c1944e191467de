/**
 * Fleet maintenance through Redis with in-process replicas: propagation, expiry, a corrupt key,
 * and an outage of a Redis this test owns (replicas keep their last known state, `maintenance:store` warns).
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { redisMaintenanceStore } from '../../../src/stores/redis/redis-maintenance.store';
import { RedisServer } from '../../support/redis-server';
import { startHealthApp, type RunningApp } from '../../support/health-app';

const TOKEN = 'fleet-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Replica {
  app: RunningApp;
  client: Redis;
}

async function startReplicas(count: number, redisUrl: string, key: string, pollIntervalMs = 5000): Promise<Replica[]> {
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) {
    const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    const app = await startHealthApp('express', {
      adminToken: TOKEN,
      details: 'always',
      maintenance: { store: redisMaintenanceStore({ client, key }), pollIntervalMs, storeTimeoutMs: 500 },
    });
    replicas.push({ app, client });
  }
  return replicas;
}

async function stopReplicas(replicas: Replica[]): Promise<void> {
  for (const { app, client } of replicas) {
    await app.close();
    client.disconnect();
  }
}

describe('fleet maintenance through Redis (shared 6379)', () => {
  const key = `ndh-test:${randomUUID()}:maintenance`;
  let replicas: Replica[];
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis('redis://127.0.0.1:6379');
    replicas = await startReplicas(2, 'redis://127.0.0.1:6379', key);
  });
  afterAll(async () => {
    await stopReplicas(replicas);
    await admin.del(key);
    admin.disconnect();
  });

  it('one PUT with scope fleet puts every replica into maintenance, one DELETE brings all back', async () => {
    const [a, b] = replicas.map((r) => r.app) as [RunningApp, RunningApp];
    const res = await a.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'db failover', scope: 'fleet', readOnly: true }) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ maintenance: { enabled: true, scope: 'fleet' }, fleet: { enabled: true }, instance: { enabled: false } });
    expect(JSON.parse((await admin.get(key))!)).toMatchObject({ enabled: true, reason: 'db failover', readOnly: true });
    expect(await admin.pttl(key)).toBe(-1);

    const ready = await eventually(() => b.get('/health/ready'), (r) => r.status === 503, 1000);
    expect(ready.status).toBe(503);
    expect(ready.json.maintenance).toMatchObject({ enabled: true, scope: 'fleet', reason: 'db failover' });
    expect((await b.request('POST', '/orders')).status).toBe(503);
    const deep = await b.get('/health/deep');
    expect(deep.json.checks['maintenance:store'][0]).toMatchObject({ status: 'pass', critical: false, details: { fleetMaintenance: 'on' } });

    const off = await b.request('DELETE', '/health/maintenance', { headers: AUTH });
    expect(off.status).toBe(200);
    expect(await admin.exists(key)).toBe(0);
    const back = await eventually(() => a.get('/health/ready'), (r) => r.status === 200, 1000);
    expect(back.status).toBe(200);
  });

  it('keeps an instance switch apart from the fleet switch', async () => {
    const [a, b] = replicas.map((r) => r.app) as [RunningApp, RunningApp];
    await a.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'local debugging' }) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await b.get('/health/ready')).status).toBe(200);
    expect(await admin.exists(key)).toBe(0);
    const onlyFleet = await a.request('DELETE', '/health/maintenance?scope=fleet', { headers: AUTH });
    expect(onlyFleet.json.maintenance).toMatchObject({ enabled: true, scope: 'instance' });
    const all = await a.request('DELETE', '/health/maintenance', { headers: AUTH });
    expect(all.json.maintenance).toEqual({ enabled: false });
  });

  it('ends fleet maintenance at until on every replica; the key expires by itself later', async () => {
    const [a, b] = replicas.map((r) => r.app) as [RunningApp, RunningApp];
    await a.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'quick', scope: 'fleet', durationSeconds: 1 }) });
    expect((await eventually(() => b.get('/health/ready'), (r) => r.status === 503, 1000)).status).toBe(503);
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await a.get('/health/ready')).status).toBe(200);
    expect((await b.get('/health/ready')).status).toBe(200);
    // The key is still there (grace period): re-reading it must not bring the ended maintenance back.
    expect(await admin.exists(key)).toBe(1);
    await admin.publish(`${key}:changed`, 'on');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await b.get('/health/ready')).status).toBe(200);
    expect((await b.get('/health/maintenance')).json.fleet).toEqual({ enabled: false });
    await admin.del(key);
  });

  it('ignores a corrupt key: keeps the last known state and warns', async () => {
    const [a] = replicas.map((r) => r.app) as [RunningApp];
    await admin.set(key, '{not json');
    await admin.publish(`${key}:changed`, 'on');
    const deep = await eventually(() => a.get('/health/deep'), (r) => r.json.checks['maintenance:store'][0].status === 'warn', 1000);
    expect(deep.status).toBe(200);
    expect(deep.json.checks['maintenance:store'][0].output).toContain('invalid state');
    expect((await a.get('/health/ready')).status).toBe(200);
    await admin.del(key);
    await admin.publish(`${key}:changed`, 'off');
    const healed = await eventually(() => a.get('/health/deep'), (r) => r.json.checks['maintenance:store'][0].status === 'pass', 1000);
    expect(healed.json.checks['maintenance:store'][0].status).toBe('pass');
  });
});

describe('fleet maintenance while Redis is unreachable (own redis-server)', () => {
  let redis: RedisServer;
  let replicas: Replica[];

  beforeAll(async () => {
    redis = await RedisServer.start();
    replicas = await startReplicas(2, redis.url, 'ndh-test:outage:maintenance', 200);
  });
  afterAll(async () => {
    await stopReplicas(replicas);
    await redis.stop();
  });

  it('keeps the last known state on every replica, warns, refuses fleet changes with 503, and recovers', async () => {
    const [a, b] = replicas.map((r) => r.app) as [RunningApp, RunningApp];
    await a.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'before the outage', scope: 'fleet' }) });
    await eventually(() => b.get('/health/ready'), (r) => r.status === 503, 1000);

    await redis.stop();
    for (const replica of [a, b]) {
      const deep = await eventually(() => replica.get('/health/deep'), (r) => r.json.checks['maintenance:store'][0].status === 'warn', 3000);
      expect(deep.status).toBe(200);
      expect(deep.json.status).toBe('warn');
      expect(deep.json.checks['maintenance:store'][0].output).toContain('keeping the last known state (fleet maintenance on)');
      expect((await replica.get('/health/ready')).status).toBe(503);
      expect((await replica.get('/health/maintenance')).json.store).toMatchObject({ reachable: false });
    }
    const started = Date.now();
    const refused = await a.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'during the outage', scope: 'fleet' }) });
    expect(refused.status).toBe(503);
    expect(refused.json.message).toContain('maintenance store unreachable while entering fleet maintenance');
    expect(Date.now() - started).toBeLessThan(500 + 1000);
    const stillOn = await b.get('/health/maintenance');
    expect(stillOn.json.maintenance).toMatchObject({ enabled: true, reason: 'before the outage' });

    // A fresh redis-server (no persistence) holds no state: once reachable, the fleet is out of maintenance.
    await redis.start();
    for (const replica of [a, b]) {
      const deep = await eventually(() => replica.get('/health/deep'), (r) => r.json.checks['maintenance:store'][0].status === 'pass', 5000);
      expect(deep.json.checks['maintenance:store'][0].status).toBe('pass');
      expect((await replica.get('/health/ready')).status).toBe(200);
    }
    // Pub/sub works again after the reconnect.
    await b.request('PUT', '/health/maintenance', { headers: JSON_AUTH, body: JSON.stringify({ reason: 'after the outage', scope: 'fleet' }) });
    expect((await eventually(() => a.get('/health/ready'), (r) => r.status === 503, 1000)).json.maintenance.reason).toBe('after the outage');
  });
});
