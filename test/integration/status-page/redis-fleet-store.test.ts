/**
 * redisFleetStore against the real Redis (shared 6379, this test's own h16_ keys), and the fleet
 * view with a Redis that is not there: boot, probes and /fleet all answer, the store is reported
 * unreachable, nothing hangs.
 */
import Redis from 'ioredis';
import { InvalidOptionsError } from '../../../src/index';
import { redisFleetStore } from '../../../src/indicators/redis/index';
import { FleetView } from '../../../src/status-page/fleet-view';
import type { FleetHeartbeat } from '../../../src/status-page/fleet-store';
import { ADAPTERS, startHealthApp } from '../../support/health-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** In this helper's port range, with nothing listening. */
const DEAD_REDIS_PORT = 46389;

const beat = (id: string, version: string, seenAt = Date.now()): FleetHeartbeat => ({
  id,
  service: 'orders-api',
  version,
  layers: { live: 'pass', startup: 'pass', ready: 'pass' },
  maintenance: false,
  draining: false,
  startedAt: new Date().toISOString(),
  seenAt,
});

describe('redisFleetStore', () => {
  let redis: Redis;
  const key = `h16_fleet_store_${process.pid}`;
  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('keeps one heartbeat per replica with an expiry, lists them, ignores garbage and forgets the long-silent', async () => {
    const store = redisFleetStore({ client: redis, key });
    await store.publish(beat('a', '1.0.0'), 60_000);
    await store.publish(beat('a', '1.0.1'), 60_000);
    await store.publish(beat('b', '1.0.0', Date.now() - 10_000), 60_000);
    await store.publish(beat('gone', '0.9.0', Date.now() - 120_000), 60_000);
    await redis.hset(key, 'junk', '{not json', 'wrong-shape', JSON.stringify({ id: 'x', layers: 'up' }));
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);

    const view = new FleetView(
      { store, replicaId: 'a', heartbeatIntervalMs: 1000, staleAfterMs: 5000, forgetAfterMs: 60_000, storeTimeoutMs: 2000 },
      async () => beat('a', '1.0.1'),
    );
    const report = await view.report();
    expect(report.replicas.map((r) => `${r.id} ${r.version} stale=${r.stale} drift=${r.drift} self=${r.self}`)).toEqual([
      'a 1.0.1 stale=false drift=false self=true',
      'b 1.0.0 stale=true drift=false self=false',
    ]);
    expect(report).toMatchObject({ drift: false, versions: ['1.0.1'], store: { reachable: true } });
    // The replica silent for longer than forgetAfterMs is removed from the hash.
    while ((await redis.hexists(key, 'gone')) === 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await store.remove(['a']);
    expect(await redis.hexists(key, 'a')).toBe(0);
  });

  it('rejects bad options listing every problem', () => {
    expect(() => redisFleetStore({ client: {} as never, key: '' })).toThrow(InvalidOptionsError);
    expect(() => redisFleetStore({ client: {} as never, key: '', prefix: 'x' } as never)).toThrow(
      /prefix: unknown option[\s\S]*client: must be an ioredis Redis or Cluster instance[\s\S]*key: must be a non-empty string/,
    );
  });
});

describe.each(ADAPTERS)('fleet view with Redis down (%s)', (adapter) => {
  it('boots, answers probes and /fleet within the store timeout, and reports the store unreachable', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: DEAD_REDIS_PORT, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    redis.on('error', () => undefined);
    const app = await startHealthApp(adapter, {
      liveness: { eventLoopDelay: false },
      ui: { fleet: { store: redisFleetStore({ client: redis, key: 'h16_fleet_down' }), heartbeatIntervalMs: 100, storeTimeoutMs: 200 } },
    });
    try {
      expect((await app.get('/health/ready')).status).toBe(200);
      const fleet = await app.get('/health/fleet');
      expect(fleet.status).toBe(200);
      expect(fleet.json).toMatchObject({ replicas: [], drift: false, store: { reachable: false, error: expect.stringMatching(/no answer within 200 ms|ECONNREFUSED|connect/) } });
    } finally {
      await app.close();
      redis.disconnect();
    }
  });
});
