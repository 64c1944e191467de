import { fail, pass, warn, type CheckOptions, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { PRISMA_FAILED_MIGRATIONS, PRISMA_RUNNING, PRISMA_TABLE_MISSING } from './messages.js';
// The Postgres session helpers are SQL-only: nothing there imports typeorm, not even its types.
import { checkQueryable, defineReadOnlyCheck, migrationActivity, regclassText, type SqlQueryable } from '../typeorm/pg-session.js';

/** The advisory lock Prisma Migrate holds while it migrates (`pg_advisory_lock(72707369)`). */
export const PRISMA_MIGRATION_LOCK_KEY = '72707369';

/** Options of {@link prismaMigrationsCheck}. */
export interface PrismaMigrationsCheckOptions extends CheckOptions {
  /**
   * Runs SQL with `$1` parameters against the database Prisma migrates: a TypeORM DataSource, a pg
   * Pool, or a minimal adapter such as
   * `{ query: (sql, params) => prisma.$queryRawUnsafe(sql, ...(params ?? [])) }`.
   * A DataSource runs the check in a read-only transaction that the timeout cancels on the server;
   * other executors are raced against the timeout, so give them a `statement_timeout` of their own.
   */
  dataSource: SqlQueryable;
  /** Schema of `_prisma_migrations` (the `?schema=` of Prisma's URL). @default the session's `search_path` */
  schema?: string;
  /** Gate `/health/startup` on this check. @default true */
  startup?: boolean;
}

/**
 * Reads Prisma Migrate's `_prisma_migrations` table. A row neither finished nor rolled back is a
 * migration that failed or is running; Prisma's advisory lock tells them apart. Never writes.
 * `observedValue` is the number of unfinished migrations.
 *
 * - `fail`: a migration failed (unfinished, and nobody holds Prisma's lock), or the table does not
 *   exist (no Prisma migration has run).
 * - `warn`: a migration is in progress (another session holds Prisma's lock).
 * - `pass`: every recorded migration finished (or was rolled back).
 *
 * @default name 'postgres:prisma-migrations', critical true, startup true, componentType 'datastore'
 * @example
 * prismaMigrationsCheck({ dataSource: { query: (sql, params) => prisma.$queryRawUnsafe(sql, ...(params ?? [])) } });
 */
export function prismaMigrationsCheck(options: PrismaMigrationsCheckOptions): HealthCheck {
  validateCheckOptions('prismaMigrationsCheck', options, (problems, o) => {
    checkQueryable(problems, o.dataSource);
    problems.string('schema', o.schema);
  });
  const { schema } = options;
  const table = regclassText('_prisma_migrations', schema);
  return defineReadOnlyCheck(options, { name: 'postgres:prisma-migrations', startup: true }, async (query) => {
    const [found] = await query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
    if (!found?.exists) return fail(PRISMA_TABLE_MISSING(schema ? `${schema}._prisma_migrations` : '_prisma_migrations'), { observedValue: 0, observedUnit: 'unfinished' });
    // `table` is built from quoted identifiers only, so it is safe to splice in.
    const rows = await query<{ name: string; unfinished: boolean; applied: boolean }>(
      `SELECT migration_name AS name, finished_at IS NULL AND rolled_back_at IS NULL AS unfinished,
              finished_at IS NOT NULL AND rolled_back_at IS NULL AS applied
         FROM ${table} ORDER BY started_at`,
    );
    const unfinished = rows.filter((row) => row.unfinished).map((row) => String(row.name));
    const extra = {
      observedValue: unfinished.length,
      observedUnit: 'unfinished',
      measurements: { applied: rows.filter((row) => row.applied).length, unfinished: unfinished.length },
      details: { unfinished },
    };
    const holder = (await migrationActivity(query, [PRISMA_MIGRATION_LOCK_KEY])).find((activity) => activity.kind === 'advisory');
    if (holder) return warn(PRISMA_RUNNING(unfinished, holder.pid), extra);
    return unfinished.length > 0 ? fail(PRISMA_FAILED_MIGRATIONS(unfinished), extra) : pass(extra);
  });
}
