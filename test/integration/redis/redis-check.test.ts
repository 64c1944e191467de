import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { redisCheck } from '../../../src/indicators/redis';
import { CheckRunner, until } from '../../support/check-runner';
import { RedisServer } from '../../support/redis-server';

const runner = new CheckRunner({ timeoutMs: 1000 });
const evaluate = runner.evaluate.bind(runner);
afterAll(() => runner.close());

describe('redisCheck against the shared Redis (127.0.0.1:6379)', () => {
  let client: Redis;
  beforeAll(async () => {
    client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await client.connect();
  });
  afterAll(() => client.disconnect());

  it('passes with the PING latency as observedValue and numeric measurements', async () => {
    const result = await evaluate(redisCheck({ client }));
    expect(result).toMatchObject({ name: 'redis', status: 'pass', critical: true, componentType: 'datastore', observedUnit: 'ms' });
    expect(typeof result.observedValue).toBe('number');
    expect(result.measurements).toMatchObject({ latencyMs: result.observedValue });
    expect(result.measurements!.connectedClients).toBeGreaterThanOrEqual(1);
    expect(result.measurements!.usedMemoryBytes).toBeGreaterThan(0);
    for (const value of Object.values(result.measurements!)) expect(typeof value).toBe('number');
    expect(result.details).toMatchObject({ role: 'master', mode: 'standalone' });
  });

  it('takes name, critical and timeout options', async () => {
    const check = redisCheck({ client, name: 'cache', critical: false, timeoutMs: 250 });
    expect(check).toMatchObject({ name: 'cache', critical: false, timeoutMs: 250 });
    expect((await evaluate(check)).status).toBe('pass');
  });

  it('fails at once, without sending anything, for a client that is not connected (lazyConnect)', async () => {
    const lazy = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    const result = await evaluate(redisCheck({ client: lazy }));
    expect(result.status).toBe('fail');
    expect(result.output).toContain('not ready (status "wait")');
    expect(result.durationMs).toBeLessThan(100);
    expect(lazy.status).toBe('wait'); // the check did not make it connect
    lazy.disconnect();
  });

  it('rejects bad options with one TypeError listing every problem', () => {
    expect(() => redisCheck({ client: {} as Redis, memoryWarnRatio: -1, memoryFailRatio: Number.NaN, timeoutMs: 0 })).toThrow(
      new TypeError(
        [
          'Invalid redisCheck options (4 problems):',
          '  - timeoutMs: must be between 1 and 600000, got 0',
          '  - client: must be an ioredis Redis or Cluster instance, got an object',
          '  - memoryWarnRatio: must be a number above 0 or Infinity, got -1',
          '  - memoryFailRatio: must be a number above 0 or Infinity, got NaN',
        ].join('\n'),
      ),
    );
  });
});

describe('redisCheck against its own redis-server', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await RedisServer.start();
    client = new Redis({ port: server.port, lazyConnect: true });
    await client.connect();
    // 4 MB of data, so the few KB that client buffers add to used_memory barely move the ratio.
    await client.set('ballast', 'x'.repeat(4 * 1024 * 1024));
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });
  afterEach(async () => {
    await client.config('SET', 'maxmemory', '0');
    await client.config('SET', 'maxmemory-policy', 'noeviction');
  });

  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);

  it('warns when used memory passes the warn ratio of maxmemory (CONFIG SET maxmemory)', async () => {
    await client.config('SET', 'maxmemory', String(Math.round((await usedMemory()) / 0.94)));
    const result = await evaluate(redisCheck({ client }));
    expect(result.status).toBe('warn');
    expect(result.output).toMatch(/memory at 9\d\.\d% of maxmemory/);
    expect(result.measurements!.memoryUsedRatio).toBeGreaterThan(0.9);
    expect(result.measurements!.memoryUsedRatio).toBeLessThan(0.98);
  });

  it('fails when memory is nearly full under noeviction, but only warns under an eviction policy', async () => {
    await client.config('SET', 'maxmemory', String(await usedMemory()));
    const noeviction = await evaluate(redisCheck({ client }));
    expect(noeviction.status).toBe('fail');
    expect(noeviction.output).toContain('noeviction');

    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const lru = await evaluate(redisCheck({ client }));
    expect(lru.status).toBe('warn');
    expect(lru.details).toMatchObject({ maxmemoryPolicy: 'allkeys-lru' });
  });

  it('passes below the thresholds once maxmemory leaves room', async () => {
    await client.config('SET', 'maxmemory', String((await usedMemory()) * 4));
    const result = await evaluate(redisCheck({ client }));
    expect(result.status).toBe('pass');
    expect(result.measurements!.memoryUsedRatio).toBeLessThan(0.5);
  });

  it('warns when rejected_connections rises between two runs of the same check', async () => {
    const check = redisCheck({ client });
    expect((await evaluate(check)).status).toBe('pass');
    const connected = Number(/connected_clients:(\d+)/.exec(await client.info('clients'))![1]);
    await client.config('SET', 'maxclients', String(connected));
    // One more connection than maxclients allows: Redis refuses it and counts it.
    const extra = new Redis({ port: server.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    extra.on('error', () => undefined);
    await extra.connect().then(() => extra.ping()).catch(() => undefined);
    extra.disconnect();
    await client.config('SET', 'maxclients', '10000');
    const result = await evaluate(check);
    expect(result.status).toBe('warn');
    expect(result.output).toMatch(/\d+ connections? rejected since the previous check/);
    expect((await evaluate(check)).status).toBe('pass'); // steady counter: no more warning
  });
});

describe('redisCheck on a replica whose master is unreachable', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    const deadMaster = await RedisServer.start();
    await deadMaster.stop(); // a port nothing listens on any more
    server = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(deadMaster.port)] });
    client = new Redis({ port: server.port, lazyConnect: true });
    await client.connect();
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('fails with master_link_status:down', async () => {
    const result = await evaluate(redisCheck({ client }));
    expect(result.status).toBe('fail');
    expect(result.output).toContain('replica has lost its link to the master');
    expect(result.details).toMatchObject({ role: 'slave', masterLinkStatus: 'down' });
  });
});

describe('redisCheck with an ioredis Cluster (one-node cluster on its own redis-server)', () => {
  let dir: string;
  let server: RedisServer;
  let admin: Redis;
  let cluster: Cluster;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deep-health-cluster-'));
    server = await RedisServer.start({ args: ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--dir', dir, '--cluster-config-file', 'nodes.conf'] });
    admin = new Redis({ port: server.port, lazyConnect: true });
    await admin.connect();
    await admin.cluster('ADDSLOTSRANGE', 0, 16383);
    await until(() => admin.cluster('INFO'), (info) => info.includes('cluster_state:ok'));
    cluster = new Cluster([{ host: '127.0.0.1', port: server.port }]);
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', resolve);
      cluster.once('error', reject);
    });
  });
  afterAll(async () => {
    cluster.disconnect();
    admin.disconnect();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes when cluster_state is ok and all 16384 slots are assigned', async () => {
    const result = await evaluate(redisCheck({ client: cluster }));
    expect(result.status).toBe('pass');
    expect(result.measurements).toMatchObject({ clusterSlotsAssigned: 16384 });
    expect(result.details).toMatchObject({ clusterState: 'ok', mode: 'cluster', node: `127.0.0.1:${server.port}` });
  });

  it('fails when slots are unassigned and the cluster state turns to fail', async () => {
    await admin.cluster('DELSLOTSRANGE', 8192, 16383);
    const result = await until(() => evaluate(redisCheck({ client: cluster })), (r) => r.status === 'fail');
    expect(result.status).toBe('fail');
    expect(result.output).toContain('8192 of 16384 hash slots assigned');
  });
});
