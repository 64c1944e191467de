import { prismaMigrationsCheck, type SqlQueryable } from 'nestjs-deep-health/prisma';
import { admin, createTestDatabase, evaluate, pg, PG, session, type PgClient, type PgPool, type TestDatabase } from './fixtures';

let db: TestDatabase;
let pool: PgPool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ ...PG, database: db.name, max: 2 });
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** What a Prisma user passes: a function that resolves the rows (like `$queryRawUnsafe`). */
const minimalExecutor: SqlQueryable = { query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows };

/** A schema with Prisma Migrate's table (as `prisma migrate deploy` creates it) and some rows. */
async function prismaSchema(rows: { name: string; finished: boolean; rolledBack?: boolean }[]): Promise<string> {
  const schema = await db.schema('prisma');
  await admin(
    db.name,
    `CREATE TABLE "${schema}"."_prisma_migrations" (
       id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
       migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
       started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`,
  );
  for (const [i, row] of rows.entries()) {
    await admin(
      db.name,
      `INSERT INTO "${schema}"."_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, rolled_back_at)
       VALUES ($1, 'x', $2, now() + $3 * interval '1 second', CASE WHEN $4 THEN now() END, CASE WHEN $5 THEN now() END)`,
      [`id-${i}`, row.name, i, row.finished, row.rolledBack ?? false],
    );
  }
  return schema;
}

describe('prismaMigrationsCheck on Postgres 15', () => {
  it('passes through a minimal { query } executor when every migration finished or was rolled back', async () => {
    const schema = await prismaSchema([
      { name: '20240101000000_init', finished: true },
      { name: '20240201000000_broken', finished: false, rolledBack: true },
      { name: '20240301000000_fix', finished: true },
    ]);

    const result = await evaluate(prismaMigrationsCheck({ dataSource: minimalExecutor, schema }));

    expect(result).toMatchObject({
      name: 'postgres:prisma-migrations',
      status: 'pass',
      observedValue: 0,
      observedUnit: 'unfinished',
      measurements: { applied: 2, unfinished: 0 },
    });
  });

  it('fails naming a failed migration (unfinished, nobody holds the lock)', async () => {
    const schema = await prismaSchema([
      { name: '20240101000000_init', finished: true },
      { name: '20240401000000_add_orders', finished: false },
    ]);

    const result = await evaluate(prismaMigrationsCheck({ dataSource: minimalExecutor, schema }));

    expect(result).toMatchObject({ status: 'fail', observedValue: 1 });
    expect(result.output).toBe('failed migration 20240401000000_add_orders (resolve with `prisma migrate resolve`)');
  });

  it("warns 'migration in progress' while another session holds Prisma's advisory lock", async () => {
    const schema = await prismaSchema([{ name: '20240401000000_add_orders', finished: false }]);
    const migrate: PgClient = await session(db.name);
    try {
      const pid = (await migrate.query('SELECT pg_backend_pid() AS pid, pg_advisory_lock(72707369)')).rows[0].pid as number;

      const result = await evaluate(prismaMigrationsCheck({ dataSource: minimalExecutor, schema }));

      expect(result).toMatchObject({ status: 'warn', observedValue: 1 });
      expect(result.output).toBe(`migration in progress: 20240401000000_add_orders (pid ${pid} holds Prisma's migration lock)`);
    } finally {
      await migrate.end();
    }
  });

  it('fails when no Prisma migration has run (no table)', async () => {
    const schema = await db.schema('prisma');
    expect(await evaluate(prismaMigrationsCheck({ dataSource: minimalExecutor, schema }))).toMatchObject({
      status: 'fail',
      output: `no Prisma migrations have run (table ${schema}._prisma_migrations does not exist)`,
    });
  });

  it('accepts a pg Pool and a TypeORM DataSource as they are', async () => {
    const schema = await prismaSchema([{ name: '20240401000000_add_orders', finished: false }]);
    const dataSource = await db.dataSource();

    for (const source of [pool, dataSource]) {
      const result = await evaluate(prismaMigrationsCheck({ dataSource: source, schema }));
      expect(result).toMatchObject({ status: 'fail', output: 'failed migration 20240401000000_add_orders (resolve with `prisma migrate resolve`)' });
    }
  });
});
