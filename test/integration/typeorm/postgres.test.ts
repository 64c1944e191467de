import { performance } from 'node:perf_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { migrationsCheck, postgresCheck } from 'nestjs-deep-health/typeorm';
import { TcpFaultProxy } from '../../support/tcp-fault-proxy';
import { admin, createTestDatabase, evaluate, eventually, PG, type TestDatabase } from './fixtures';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

interface PoolView {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
const poolOf = (dataSource: DataSource) => (dataSource.driver as unknown as { master: PoolView }).master;

describe('postgresCheck on Postgres 15', () => {
  it('passes with the round-trip latency and the pool figures', async () => {
    const dataSource = await db.dataSource({ poolSize: 3 });

    const result = await evaluate(postgresCheck({ dataSource }));

    expect(result).toMatchObject({ name: 'postgres', status: 'pass', observedUnit: 'ms', componentType: 'datastore', critical: true });
    expect(result.observedValue).toEqual(expect.any(Number));
    expect(result.measurements).toEqual({ poolTotal: 1, poolIdle: 1, poolWaiting: 0, poolMax: 3 });
    // The connection went back to the pool.
    expect(poolOf(dataSource)).toMatchObject({ totalCount: 1, idleCount: 1 });
  });

  it('fails clearly when the DataSource is not initialized', async () => {
    const dataSource = await db.dataSource({}, false);
    expect(await evaluate(postgresCheck({ dataSource }))).toMatchObject({
      status: 'fail',
      output: 'DataSource is not initialized (call dataSource.initialize() or let TypeOrmModule do it)',
    });
  });

  it('warns when requests wait for a pool connection, without joining the queue', async () => {
    const dataSource = await db.dataSource({ poolSize: 2 });
    const held: QueryRunner[] = [dataSource.createQueryRunner(), dataSource.createQueryRunner()];
    for (const runner of held) await runner.connect();
    const queued = dataSource.query('SELECT 1');
    expect(poolOf(dataSource).waitingCount).toBe(1);
    const backends = async () => (await admin(db.name, 'SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name])).length;
    const before = await backends();

    const result = await evaluate(postgresCheck({ dataSource }));

    expect(result).toMatchObject({
      status: 'warn',
      output: 'connection pool saturated: 1 waiting for a connection, 2/2 connections in use',
      observedUnit: 'ms',
      measurements: { poolTotal: 2, poolIdle: 0, poolWaiting: 1, poolMax: 2 },
    });
    expect(poolOf(dataSource).waitingCount).toBe(1);
    // The probe's own connection is closed again.
    expect(await eventually(async () => (await backends()) === before)).toBe(true);
    for (const runner of held) await runner.release();
    await expect(queued).resolves.toEqual([{ '?column?': 1 }]);
  });

  it("cancels a slow round trip on the server and returns the connection to the pool", async () => {
    const dataSource = await db.dataSource({ poolSize: 2 });
    const started = performance.now();

    const result = await evaluate(postgresCheck({ dataSource, query: 'SELECT pg_sleep(5)' }), { timeoutMs: 1000 });

    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ status: 'fail', output: 'round trip took longer than 1000 ms; the server cancelled it (statement_timeout)' });
    expect(elapsed).toBeLessThan(1500);
    const sleeping = await admin(db.name, `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query = 'SELECT pg_sleep(5)' AND state = 'active'`, [db.name]);
    expect(sleeping).toEqual([]);
    expect(poolOf(dataSource)).toMatchObject({ totalCount: 1, idleCount: 1, waitingCount: 0 });
    expect(await evaluate(postgresCheck({ dataSource }))).toMatchObject({ status: 'pass' });
  });

  describe('through a TCP proxy the test controls', () => {
    let proxy: TcpFaultProxy;
    let dataSource: DataSource;

    beforeEach(async () => {
      proxy = await TcpFaultProxy.start({ targetPort: PG.port });
      dataSource = await db.dataSource({ port: proxy.port, poolSize: 2 });
    });

    afterEach(async () => {
      // Must not hang: nothing the check did may keep a pooled client busy.
      await dataSource.destroy();
      await proxy.close();
    });

    it('fails within the timeout when the server is unreachable (port closed)', async () => {
      await proxy.close();
      expect(await eventually(() => poolOf(dataSource).totalCount === 0)).toBe(true);
      const started = performance.now();

      const result = await evaluate(postgresCheck({ dataSource }), { timeoutMs: 1000 });

      expect(result.status).toBe('fail');
      expect(result.output).toMatch(/^cannot reach Postgres: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it.each([
      ['mid-query, on a pooled connection', async () => proxy.blackhole()],
      [
        'on a new connection it accepted and never answers',
        async () => {
          proxy.reset();
          expect(await eventually(() => poolOf(dataSource).totalCount === 0)).toBe(true);
          proxy.blackhole();
        },
      ],
    ])('fails at the timeout when the server hangs %s, and closes that connection', async (_case, hang) => {
      await hang();
      const started = performance.now();

      const result = await evaluate(postgresCheck({ dataSource }), { timeoutMs: 500 });

      expect(result).toMatchObject({ status: 'fail', output: 'timed out after 500 ms' });
      expect(performance.now() - started).toBeLessThan(800);
      expect(await eventually(() => poolOf(dataSource).totalCount === 0 && proxy.connectionCount === 0)).toBe(true);
    });
  });

  it('leaves the pool queue when the timeout fires while it waits for a connection', async () => {
    const dataSource = await db.dataSource({ poolSize: 1 });
    const held = dataSource.createQueryRunner();
    await held.connect();

    // migrationsCheck waits in the pool like any query; the engine's timeout must take it out again.
    const result = await evaluate(migrationsCheck({ dataSource }), { timeoutMs: 300 });

    expect(result).toMatchObject({ status: 'fail', output: 'timed out after 300 ms' });
    expect(poolOf(dataSource).waitingCount).toBe(0);
    await held.release();
    expect(poolOf(dataSource)).toMatchObject({ totalCount: 1, idleCount: 1 });
  });
});
