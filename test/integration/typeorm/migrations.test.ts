import { migrationsCheck } from 'nestjs-deep-health/typeorm';
import { AddBlobStorage, AddIndex, admin, createTestDatabase, CreateUsers, evaluate, eventually, session, uniqueName, type PgClient, type TestDatabase } from './fixtures';

let db: TestDatabase;
const roles: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
  for (const role of roles) await admin('postgres', `DROP ROLE IF EXISTS ${role}`);
});

/** A schema and a DataSource whose migrations live in it. */
async function app(migrations: Function[], extra: Record<string, unknown> = {}) {
  const schema = await db.schema();
  const dataSource = await db.dataSource({ schema, migrations, ...extra });
  return { schema, dataSource };
}

async function tableExists(schema: string, table: string): Promise<boolean> {
  const [row] = await admin<{ found: boolean }>(db.name, 'SELECT to_regclass($1) IS NOT NULL AS found', [`"${schema}"."${table}"`]);
  return row!.found;
}

/** A login role that may only connect and read `schema`. */
async function readOnlyRole(schema: string): Promise<string> {
  const role = uniqueName('deep_health_ro');
  roles.push(role);
  await admin('postgres', `CREATE ROLE ${role} LOGIN`);
  await admin(db.name, `GRANT CONNECT ON DATABASE ${db.name} TO ${role}`);
  await admin(db.name, `GRANT USAGE ON SCHEMA "${schema}" TO ${role}`);
  await admin(db.name, `GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`);
  await admin(db.name, `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT SELECT ON TABLES TO ${role}`);
  return role;
}

describe('migrationsCheck on Postgres 15', () => {
  it('fails with "no migrations have run" when the migrations table is missing, and never creates it', async () => {
    const { schema, dataSource } = await app([CreateUsers, AddBlobStorage]);

    const result = await evaluate(migrationsCheck({ dataSource }));

    expect(result).toMatchObject({ status: 'fail', observedValue: 2, observedUnit: 'pending', componentType: 'datastore' });
    expect(result.output).toBe(`no migrations have run (table ${schema}.migrations does not exist)`);
    expect(await tableExists(schema, 'migrations')).toBe(false);
  });

  it('names pending migrations, then passes once they have run', async () => {
    const { schema, dataSource } = await app([CreateUsers]);
    await dataSource.runMigrations();
    // The next build ships two more migrations.
    const next = await db.dataSource({ schema, migrations: [CreateUsers, AddBlobStorage, AddIndex] });
    const check = migrationsCheck({ dataSource: next });

    const pending = await evaluate(check);
    expect(pending).toMatchObject({ status: 'fail', observedValue: 2, observedUnit: 'pending', measurements: { executed: 1, pending: 2, unknown: 0 } });
    expect(pending.output).toBe('2 pending: AddBlobStorage1712100000000, AddIndex1712200000000');
    expect(pending.details).toMatchObject({ pending: ['AddBlobStorage1712100000000', 'AddIndex1712200000000'] });

    await next.runMigrations();
    const done = await evaluate(check);
    expect(done).toMatchObject({ status: 'pass', observedValue: 0, observedUnit: 'pending', measurements: { executed: 3, pending: 0, unknown: 0 } });
  });

  it('warns when the database ran migrations this build does not know (database ahead of code)', async () => {
    const { schema, dataSource } = await app([CreateUsers, AddBlobStorage, AddIndex]);
    await dataSource.runMigrations();
    const oldBuild = await db.dataSource({ schema, migrations: [CreateUsers] });

    const result = await evaluate(migrationsCheck({ dataSource: oldBuild }));

    expect(result).toMatchObject({ status: 'warn', observedValue: 0, measurements: { executed: 3, pending: 0, unknown: 2 } });
    expect(result.output).toBe('database is ahead of this build: 2 executed migrations unknown here: AddBlobStorage1712100000000, AddIndex1712200000000');
  });

  it('checks required tables for a service that does not own the migrations', async () => {
    const { schema } = await app([CreateUsers]);
    await admin(db.name, `CREATE TABLE "${schema}".users (id int)`);
    const reader = await db.dataSource({ schema });

    const result = await evaluate(migrationsCheck({ dataSource: reader, requiredTables: [`${schema}.users`, `${schema}.invoices`, `${schema}.Payments`] }));

    // No migrations in this build: the (missing) migrations table is not this service's business.
    expect(result).toMatchObject({ status: 'fail', measurements: { missingTables: 2 } });
    expect(result.output).toBe(`required tables missing: ${schema}.invoices, ${schema}.Payments`);

    await admin(db.name, `CREATE TABLE "${schema}".invoices (id int); CREATE TABLE "${schema}"."Payments" (id int)`);
    expect(await evaluate(migrationsCheck({ dataSource: reader, requiredTables: [`${schema}.users`, `${schema}.invoices`, `${schema}.Payments`] }))).toMatchObject({
      status: 'pass',
      measurements: { missingTables: 0 },
    });
  });

  it('works for a read-only database user, where showMigrations() cannot', async () => {
    const { schema, dataSource } = await app([CreateUsers, AddBlobStorage]);
    const role = await readOnlyRole(schema);
    const readOnly = await db.dataSource({ schema, username: role, migrations: [CreateUsers, AddBlobStorage] });
    const check = migrationsCheck({ dataSource: readOnly });

    // Before any migration: the table is missing; TypeORM's own status command tries to create it.
    expect(await evaluate(check)).toMatchObject({ status: 'fail', output: `no migrations have run (table ${schema}.migrations does not exist)` });
    await expect(readOnly.showMigrations()).rejects.toThrow(/permission denied/);

    await dataSource.runMigrations();
    await admin(db.name, `GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`);
    expect(await evaluate(check)).toMatchObject({ status: 'pass', observedValue: 0 });
  });

  describe('a migration in progress', () => {
    let other: PgClient | undefined;
    afterEach(async () => {
      await other?.end();
      other = undefined;
    });

    it('warns while another session holds the configured advisory lock', async () => {
      const { dataSource } = await app([CreateUsers]);
      await dataSource.runMigrations();
      other = await session(db.name);
      const [{ pid }] = (await other.query('SELECT pg_backend_pid() AS pid, pg_advisory_lock(4242)')).rows as { pid: number }[];

      const result = await evaluate(migrationsCheck({ dataSource, advisoryLockKeys: [4242] }));

      expect(result).toMatchObject({ status: 'warn', observedValue: 0 });
      expect(result.output).toBe(`migration in progress (pid ${pid} holds advisory lock 4242)`);
      // A lock key nobody configured is someone else's business.
      expect(await evaluate(migrationsCheck({ dataSource, advisoryLockKeys: [4343] }))).toMatchObject({ status: 'pass' });
    });

    it('warns while DDL holds an ACCESS EXCLUSIVE lock, and still fails for what is pending', async () => {
      const { schema, dataSource } = await app([CreateUsers]);
      await dataSource.runMigrations();
      other = await session(db.name);
      const pid = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      await other.query(`BEGIN; ALTER TABLE "${schema}".users ADD COLUMN name text`);

      const running = await evaluate(migrationsCheck({ dataSource }));
      expect(running).toMatchObject({ status: 'warn' });
      expect(running.output).toBe(`migration in progress (pid ${pid} holds an ACCESS EXCLUSIVE lock on ${schema}.users)`);

      // The next build's migration is the one running: pending (fail) and in progress (warn) both show.
      const nextBuild = await db.dataSource({ schema, migrations: [CreateUsers, AddBlobStorage] });
      const both = await evaluate(migrationsCheck({ dataSource: nextBuild }));
      expect(both.status).toBe('fail');
      expect(both.output).toBe(`1 pending: AddBlobStorage1712100000000; migration in progress (pid ${pid} holds an ACCESS EXCLUSIVE lock on ${schema}.users)`);
      await other.query('ROLLBACK');
    });

    it('warns while a long DDL statement runs (pg_stat_activity)', async () => {
      const { schema, dataSource } = await app([CreateUsers]);
      await dataSource.runMigrations();
      other = await session(db.name);
      const pid = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const ddl = other.query(`CREATE TABLE "${schema}".slow AS SELECT 1 AS z FROM pg_sleep(1.5)`);
      expect(await eventually(async () => (await admin(db.name, `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid])).length > 0)).toBe(true);

      const result = await evaluate(migrationsCheck({ dataSource }));

      expect(result.status).toBe('warn');
      // The command and its object, never the statement's text (another session's SQL is not ours to print).
      expect(result.output).toMatch(new RegExp(`pid ${pid} running CREATE TABLE "${schema}"\\.slow for \\d+ s`));
      expect(result.details!.inProgress).toEqual([{ pid, kind: 'ddl', command: 'CREATE TABLE', object: `"${schema}".slow`, seconds: expect.any(Number) }]);
      expect(JSON.stringify(result)).not.toContain('pg_sleep');
      await ddl;
    });

    it("never copies another session's SQL: a password being set stays out of the output and details", async () => {
      const { dataSource } = await app([CreateUsers]);
      await dataSource.runMigrations();
      const role = uniqueName('h13_pw');
      roles.push(role);
      await admin('postgres', `CREATE ROLE ${role} LOGIN`);
      // The first ALTER ROLE holds the role's row, so the second one waits, active, in pg_stat_activity.
      const holder = await session(db.name);
      await holder.query(`BEGIN; ALTER ROLE ${role} PASSWORD 'first-S3cr3t-Value'`);
      other = await session(db.name);
      const pid = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const waiting = other.query(`ALTER ROLE ${role} LOGIN PASSWORD 'S3cr3t-Passw0rd-9f1c' VALID UNTIL 'infinity'`);
      expect(await eventually(async () => (await admin(db.name, `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid])).length > 0)).toBe(true);

      const result = await evaluate(migrationsCheck({ dataSource }));

      expect(result.status).toBe('warn');
      expect(result.output).toMatch(new RegExp(`pid ${pid} running ALTER ROLE ${role} for \\d+ s`));
      const leaks = ['S3cr3t', 'Passw0rd', 'VALID UNTIL', 'infinity'].filter((piece) => JSON.stringify(result).includes(piece));
      expect(leaks).toEqual([]);
      await holder.query('ROLLBACK');
      await waiting;
      await holder.end();
    });
  });

  it('fails with "not initialized" for a DataSource that was never initialized', async () => {
    const dataSource = await db.dataSource({ migrations: [CreateUsers] }, false);
    expect(await evaluate(migrationsCheck({ dataSource }))).toMatchObject({ status: 'fail', output: expect.stringMatching(/^DataSource is not initialized/) });
  });

  it('is a critical startup check by default', () => {
    const check = migrationsCheck({ dataSource: { options: { type: 'postgres' } } as never });
    expect(check).toMatchObject({ name: 'postgres:migrations', critical: true, startup: true, componentType: 'datastore' });
  });
});
