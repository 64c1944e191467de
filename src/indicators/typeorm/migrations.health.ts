import type { DataSource } from 'typeorm';
import { dataSourceStartState } from '../../connect/data-source-starter.js';
import { outcomeFromFindings, type CheckOptions, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import {
  EVIDENCE_ADVISORY_LOCK,
  EVIDENCE_DDL,
  EVIDENCE_EXCLUSIVE_LOCK,
  MIGRATION_IN_PROGRESS,
  MIGRATIONS_TABLE_MISSING,
  PENDING_MIGRATIONS,
  REQUIRED_TABLES_MISSING,
  UNKNOWN_MIGRATIONS,
} from './messages.js';
import {
  checkLockKeys,
  checkPostgresDataSource,
  defineReadOnlyCheck,
  lockKeyText,
  migrationActivity,
  regclassText,
  type MigrationActivity,
  type Query,
} from './pg-session.js';

/** Options of {@link migrationsCheck}. */
export interface MigrationsCheckOptions extends CheckOptions {
  /**
   * The app's TypeORM DataSource (type `postgres`). Its `migrations` are this build's migrations;
   * its `migrationsTableName` (default `migrations`) and `schema` locate the migrations table.
   */
  dataSource: DataSource;
  /**
   * Tables that must exist, for services that use a schema another service migrates. Exact names,
   * optionally schema-qualified (`billing.invoices`); unqualified names resolve through `search_path`.
   * When given and the DataSource has no migrations, only these tables are checked.
   * @default []
   */
  requiredTables?: readonly string[];
  /**
   * Advisory lock keys (as passed to `pg_advisory_lock(bigint)`) that your deploy holds while it
   * migrates. Another session holding one means a migration is running. TypeORM itself takes no
   * lock; wrap `migration:run` in one (e.g. `SELECT pg_advisory_lock(4242)`) to make it visible here.
   * @default []
   */
  advisoryLockKeys?: readonly (number | bigint | string)[];
  /** Gate `/health/startup` on this check: a worker should not start on an old schema. @default true */
  startup?: boolean;
}

/**
 * Compares this build's TypeORM migrations with the ones the database has run, without writing
 * anything (no `showMigrations()`, which creates the migrations table): a plain `SELECT` in a
 * read-only transaction, so a read-only database user is enough. `observedValue` is the number of
 * pending migrations.
 *
 * - `fail`: migrations are pending (named), the migrations table does not exist (no migrations
 *   have run), or a required table is missing.
 * - `warn`: the database ran migrations this build does not know (it is ahead of the code, e.g.
 *   during a rollback), or a migration is running right now (DDL or a lock held by another session).
 * - `pass`: every migration of this build has run.
 *
 * @default name 'postgres:migrations', critical true, startup true, componentType 'datastore'
 * @example
 * migrationsCheck({ dataSource, advisoryLockKeys: [4242] });
 * // a service that only reads tables another service migrates:
 * migrationsCheck({ dataSource, requiredTables: ['users', 'billing.invoices'] });
 */
export function migrationsCheck(options: MigrationsCheckOptions): HealthCheck {
  validateCheckOptions('migrationsCheck', options, (problems, o) => {
    checkPostgresDataSource(problems, o.dataSource);
    if (o.requiredTables !== undefined) {
      if (!Array.isArray(o.requiredTables)) problems.add('requiredTables', 'must be an array of table names');
      else o.requiredTables.forEach((table, i) => problems.string(`requiredTables[${i}]`, table ?? null));
    }
    checkLockKeys(problems, 'advisoryLockKeys', o.advisoryLockKeys);
  });
  const { dataSource } = options;
  const requiredTables = [...(options.requiredTables ?? [])];
  const lockKeys = (options.advisoryLockKeys ?? []).map(lockKeyText);
  return defineReadOnlyCheck(options, { name: 'postgres:migrations', startup: true }, async (query) => {
    const findings: Finding[] = [];
    // A migration the background start ran and that failed: named, with the database's reason.
    const start = dataSourceStartState(dataSource);
    if (start?.phase === 'migration-failed') findings.push({ status: 'fail', message: start.text });
    const code = codeMigrations(dataSource);
    const measurements: Record<string, number> = {};
    const details: Record<string, unknown> = {};
    let pending = 0;
    if (code.length > 0 || requiredTables.length === 0) {
      const state = await migrationState(dataSource, query, code);
      pending = state.pending.length;
      Object.assign(measurements, { executed: state.executed, pending, unknown: state.unknown.length });
      Object.assign(details, { pending: state.pending, unknown: state.unknown });
      if (state.missingTable) findings.push({ status: 'fail', message: MIGRATIONS_TABLE_MISSING(state.missingTable) });
      else if (pending > 0) findings.push({ status: 'fail', message: PENDING_MIGRATIONS(state.pending) });
      if (state.unknown.length > 0) findings.push({ status: 'warn', message: UNKNOWN_MIGRATIONS(state.unknown) });
    }
    if (requiredTables.length > 0) {
      const missing = await missingTables(query, requiredTables);
      measurements.missingTables = missing.length;
      details.missingTables = missing;
      if (missing.length > 0) findings.push({ status: 'fail', message: REQUIRED_TABLES_MISSING(missing) });
    }
    const activity = await migrationActivity(query, lockKeys);
    if (activity.length > 0) {
      findings.push({ status: 'warn', message: MIGRATION_IN_PROGRESS(activity.map(describeActivity)) });
      details.inProgress = activity;
    }
    return outcomeFromFindings(findings, { observedValue: pending, observedUnit: 'pending', measurements, details });
  });
}

/** This build's migration names, oldest first (TypeORM orders by the 13-digit timestamp suffix). */
function codeMigrations(dataSource: DataSource): string[] {
  return (dataSource.migrations ?? [])
    .map((migration) => migration.name ?? migration.constructor.name)
    .map((name, index) => ({ name, index, timestamp: Number.parseInt(name.slice(-13), 10) }))
    .sort((a, b) => (Number.isNaN(a.timestamp) || Number.isNaN(b.timestamp) ? a.index - b.index : a.timestamp - b.timestamp))
    .map((m) => m.name);
}

interface MigrationState {
  /** The table's name, when it does not exist. */
  missingTable?: string;
  executed: number;
  pending: string[];
  unknown: string[];
}

async function migrationState(dataSource: DataSource, query: Query, code: readonly string[]): Promise<MigrationState> {
  // Where TypeORM's MigrationExecutor keeps it: options.migrationsTableName in the driver's schema.
  const tableName = dataSource.options.migrationsTableName ?? 'migrations';
  const schema = (dataSource.driver.options as { schema?: string }).schema;
  const table = regclassText(tableName, schema);
  const [found] = await query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  if (!found?.exists) return { missingTable: schema ? `${schema}.${tableName}` : tableName, executed: 0, pending: [...code], unknown: [] };
  // `table` is built from quoted identifiers only, so it is safe to splice in.
  const rows = await query<{ name: string }>(`SELECT name FROM ${table} ORDER BY id`);
  const executed = new Set(rows.map((row) => row.name));
  const known = new Set(code);
  return {
    executed: rows.length,
    pending: code.filter((name) => !executed.has(name)),
    unknown: [...executed].filter((name) => !known.has(name)),
  };
}

async function missingTables(query: Query, tables: readonly string[]): Promise<string[]> {
  const rows = await query<{ i: string | number }>(
    'SELECT i FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i) WHERE to_regclass(t.name) IS NULL ORDER BY i',
    [tables.map((table) => regclassText(table))],
  );
  return rows.map((row) => tables[Number(row.i) - 1]!);
}

function describeActivity(activity: MigrationActivity): string {
  switch (activity.kind) {
    case 'ddl':
      return EVIDENCE_DDL(activity.pid, activity.seconds, activity.command ?? 'DDL', activity.object);
    case 'advisory':
      return EVIDENCE_ADVISORY_LOCK(activity.pid, activity.object ?? '');
    default:
      return EVIDENCE_EXCLUSIVE_LOCK(activity.pid, activity.object ?? '');
  }
}
