/**
 * The Postgres checks at boot, while the DataSourceStarter has not connected yet (the database
 * behind a blackholed proxy): each answer is a `fail` that says `connecting (attempt 1)`, logged as a
 * warning, not as an ERROR. Once connected, a real failure (no migrations table, no pgvector
 * extension; later, the database cut off) is logged as an ERROR.
 */
import { DataSourceStarter, migrationsCheck, pgvectorCheck, postgresCheck } from 'nestjs-deep-health/typeorm';
import { startLoggedHealthApp } from '../../support/boot-log';
import { TcpFaultProxy } from '../../support/tcp-fault-proxy';
import { createTestDatabase, PG, type TestDatabase } from './fixtures';

describe('the Postgres checks while the DataSourceStarter is still connecting', () => {
  let db: TestDatabase;
  let proxy: TcpFaultProxy;
  let starter: DataSourceStarter | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await TcpFaultProxy.start({ targetPort: PG.port });
  });
  afterAll(async () => {
    // The proxy first: closing it ends an attempt still waiting, which stop() waits for.
    await proxy.close();
    await starter?.stop();
    await db.drop();
  });

  it('logs warnings until connected, then real failures as ERRORs', async () => {
    // Accepted but unanswered: the first attempt waits for the server's reply (within its 30 s connect timeout).
    proxy.blackhole();
    const dataSource = await db.dataSource({ port: proxy.port }, false);
    starter = new DataSourceStarter(dataSource, { logger: false, connectTimeoutMs: 30_000 });
    starter.start();
    const names = ['postgres', 'postgres:migrations', 'postgres:pgvector'];
    const app = await startLoggedHealthApp([
      postgresCheck({ dataSource, cacheTtlMs: 0 }),
      migrationsCheck({ dataSource, cacheTtlMs: 0 }),
      pgvectorCheck({ dataSource, cacheTtlMs: 0 }),
    ]);
    try {
      const probes = async () => Object.fromEntries(await Promise.all(names.map(async (name) => [name, await app.probe(name)])));
      const logs = (from: number) => Object.fromEntries(names.map((name) => [name, app.logOf(name).slice(from)]));
      expect(await probes()).toEqual(Object.fromEntries(names.map((name) => [name, [503, 'connecting (attempt 1)']])));
      expect(logs(0)).toEqual(Object.fromEntries(names.map((name) => [name, [`WARN check ${name}: unknown -> fail (connecting (attempt 1))`]])));

      // The link heals: the attempt in flight connects; the database's answers are logged, failures as ERRORs.
      proxy.pass();
      await starter.ready();
      const answered = await probes();
      expect(answered['postgres']?.[0]).toBe(200);
      expect(logs(1)).toEqual({
        postgres: ['LOG check postgres: connecting -> pass'],
        'postgres:migrations': [`ERROR check postgres:migrations: connecting -> fail (${answered['postgres:migrations'][1]})`],
        'postgres:pgvector': [`ERROR check postgres:pgvector: connecting -> fail (${answered['postgres:pgvector'][1]})`],
      });

      // Connected once, then cut: an outage, an ERROR.
      proxy.reset();
      const [status, output] = await app.probe('postgres');
      expect([status, app.logOf('postgres').slice(2)]).toEqual([503, [`ERROR check postgres: pass -> fail (${output})`]]);
      expect(output).toMatch(/^cannot reach Postgres: /);
    } finally {
      await app.close();
    }
  });
});
