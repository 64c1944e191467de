/**
 * Three replicas (separate Node processes, Express and Fastify) share fleet maintenance through
 * the Redis on 127.0.0.1:6379: one PUT drains all of them, a restarted replica comes back in
 * maintenance, one DELETE brings all back.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { assertBuilt, Replica, type Answer } from './replica';

const TOKEN = 'fleet-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const REDIS_URL = 'redis://127.0.0.1:6379';
const ADAPTERS = ['express', 'fastify', 'express'];

/** Probes every replica's readiness until all answer `status`; returns how long that took from `since`. */
async function allReady(replicas: Replica[], status: number, since: number, timeoutMs = 3000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<Replica, number>();
  while (Date.now() < deadline && seen.size < replicas.length) {
    const answers: Answer[] = await Promise.all(replicas.map((r) => r.get('/health/ready')));
    answers.forEach((answer, i) => {
      if (answer.status === status && !seen.has(replicas[i]!)) seen.set(replicas[i]!, answer.doneAt);
    });
    if (seen.size < replicas.length) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (seen.size < replicas.length) throw new Error(`only ${seen.size} of ${replicas.length} replicas answered ${status} within ${timeoutMs} ms`);
  return Math.max(...seen.values()) - since;
}

describe('fleet maintenance across three processes', () => {
  const key = `ndh-test:${randomUUID()}:maintenance`;
  const env = (i: number) => ({ ADAPTER: ADAPTERS[i]!, ADMIN_TOKEN: TOKEN, REDIS_URL, MAINTENANCE_KEY: key });
  let replicas: Replica[] = [];
  let admin: Redis;

  beforeAll(async () => {
    assertBuilt();
    admin = new Redis(REDIS_URL);
    replicas = await Promise.all([0, 1, 2].map((i) => Replica.start(env(i))));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await admin.del(key);
    admin.disconnect();
  });

  it('one PUT puts all three into maintenance within 1 s', async () => {
    const sentAt = Date.now();
    const res = await replicas[0]!.request('PUT', '/health/maintenance', {
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'failover drill', scope: 'fleet', readOnly: true }),
    });
    expect(res.status).toBe(200);
    const propagationMs = await allReady(replicas, 503, sentAt);
    console.log(`fleet propagation: all 3 replicas answered 503 on /health/ready ${propagationMs} ms after the PUT was sent`);
    expect(propagationMs).toBeLessThan(1000);

    for (const replica of replicas) {
      const ready = await replica.get('/health/ready');
      expect(ready.headers!['retry-after']).toBe('60');
      expect(ready.json.maintenance).toMatchObject({ enabled: true, scope: 'fleet', reason: 'failover drill', readOnly: true });
      expect((await replica.get('/health/live')).status).toBe(200);
      expect((await replica.request('POST', '/orders')).status).toBe(503);
      expect((await replica.get('/orders')).status).toBe(200);
    }
  });

  it('a restarted replica comes back in maintenance', async () => {
    await replicas[2]!.stop('SIGTERM');
    replicas[2] = await Replica.start(env(2));
    const first = await replicas[2].get('/health/ready');
    expect(first.status).toBe(503);
    expect(first.json.maintenance).toMatchObject({ enabled: true, scope: 'fleet', reason: 'failover drill' });
  });

  it('one DELETE brings all three back within 1 s', async () => {
    const sentAt = Date.now();
    const res = await replicas[1]!.request('DELETE', '/health/maintenance', { headers: AUTH });
    expect(res.status).toBe(200);
    expect(res.json.maintenance).toEqual({ enabled: false });
    const propagationMs = await allReady(replicas, 200, sentAt);
    console.log(`fleet propagation: all 3 replicas answered 200 on /health/ready ${propagationMs} ms after the DELETE was sent`);
    expect(propagationMs).toBeLessThan(1000);
    expect(await admin.exists(key)).toBe(0);
    for (const replica of replicas) expect((await replica.request('POST', '/orders')).status).toBe(201);
  });
});
