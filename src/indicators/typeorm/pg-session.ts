/**
 * What the Postgres checks share: reaching pg's pool behind a TypeORM DataSource, taking a client
 * from it in a way an AbortSignal can undo, and running read-only statements under a server-side
 * `statement_timeout`, so a check that gives up also stops its query on the server.
 */
import { types } from 'node:util';
import type { Problems } from '../../validation/problems.js';
import { checkOptions, defineCheck, fail, type CheckContext, type CheckOptions, type CheckOutcome, type HealthCheck } from '../../engine/check.js';
import { describeError } from '../../engine/redact.js';
import { untilAborted } from '../../engine/until-aborted.js';
import { dataSourceSecrets, dataSourceStartState } from '../../connect/data-source-starter.js';
import { NO_POOL, NOT_A_POSTGRES_DATA_SOURCE, NOT_INITIALIZED, NOT_QUERYABLE, QUERY_FAILED, UNREACHABLE } from './messages.js';

/**
 * Anything that runs SQL with `$1` parameters: a TypeORM `DataSource`, a pg `Pool` or `Client`, or
 * an adapter such as `{ query: (sql, params) => prisma.$queryRawUnsafe(sql, ...(params ?? [])) }`.
 * It may resolve the rows, or an object with a `rows` array (pg).
 */
export interface SqlQueryable {
  /** Runs one SQL statement with `$1`-style `parameters`; resolves the rows (or `{ rows }`). */
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** The part of a pg `PoolClient` the checks use (typed here so `pg` is not a type dependency). */
export interface PgClient {
  query(sql: string, parameters?: unknown[]): Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/** The public figures and methods of a pg `Pool`, plus the internals read defensively in `acquire`. */
export interface PgPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { max?: number } & Record<string, unknown>;
  readonly Client?: new (options: Record<string, unknown>) => PgStandaloneClient;
  connect(callback: (error: Error | undefined, client: PgClient | undefined, done: unknown) => void): void;
}

export interface PgStandaloneClient {
  connect(): Promise<void>;
  query: PgClient['query'];
  end(): Promise<void>;
}

/** One statement runner bound to a session: resolves the rows. */
export type Query = <Row = Record<string, unknown>>(sql: string, parameters?: unknown[]) => Promise<Row[]>;

/** pg's error code for a statement cancelled by `statement_timeout`. */
export const QUERY_CANCELED = '57014';

/** Fraction of the remaining run time given to `statement_timeout`, so the server cancels before the engine gives up. */
const STATEMENT_TIMEOUT_SHARE = 0.9;

/** What every check of this area is unless told otherwise. */
const POSTGRES_CHECK_DEFAULTS = { critical: true, componentType: 'datastore' } as const;

/**
 * Defines a check of this area: critical datastore by default, the DataSource's password
 * registered as a secret, the factory's common options on top of `defaults`.
 */
export function definePostgresCheck(
  options: CheckOptions & { dataSource: unknown },
  defaults: { name: string; startup?: boolean },
  run: (context: CheckContext, secrets: readonly string[]) => Promise<CheckOutcome>,
): HealthCheck {
  const secrets = dataSourceSecrets(options.dataSource);
  return defineCheck({ ...POSTGRES_CHECK_DEFAULTS, ...defaults, secrets, ...checkOptions(options), run: (context) => run(context, secrets) });
}

/** {@link definePostgresCheck} for a check that only reads: `work` runs in a {@link readOnlySession}. */
export function defineReadOnlyCheck(
  options: CheckOptions & { dataSource: SqlQueryable },
  defaults: { name: string; startup?: boolean },
  work: (query: Query) => Promise<CheckOutcome>,
): HealthCheck {
  return definePostgresCheck(options, defaults, (context, secrets) => readOnlySession(options.dataSource, context, secrets, work));
}

/** `dataSource` must be a postgres TypeORM DataSource (initialized or not: it may be initialized later). */
export function checkPostgresDataSource(problems: Problems, value: unknown): void {
  if (value === undefined) return problems.add('dataSource', 'is required');
  const type = (value as { options?: { type?: unknown } } | null)?.options?.type;
  if (typeof value !== 'object' || value === null || type !== 'postgres') problems.add('dataSource', NOT_A_POSTGRES_DATA_SOURCE(type));
}

export function checkQueryable(problems: Problems, value: unknown): void {
  if (value === undefined) return problems.add('dataSource', 'is required');
  if (typeof value !== 'object' || value === null || typeof (value as SqlQueryable).query !== 'function') problems.add('dataSource', NOT_QUERYABLE);
}


interface DataSourceLike {
  readonly isInitialized: boolean;
  readonly driver: unknown;
}

function isDataSource(source: unknown): source is DataSourceLike {
  return typeof source === 'object' && source !== null && 'isInitialized' in source && 'driver' in source;
}

/** The pg pool behind a postgres DataSource once it is initialized. */
export function poolOf(dataSource: { readonly driver: unknown }): PgPool | undefined {
  const master = (dataSource.driver as { master?: unknown } | undefined)?.master;
  return typeof (master as PgPool | undefined)?.connect === 'function' ? (master as PgPool) : undefined;
}

/** The pool's figures, as measurements. */
export function poolFigures(pool: PgPool): Record<string, number> {
  return { poolTotal: pool.totalCount, poolIdle: pool.idleCount, poolWaiting: pool.waitingCount, poolMax: pool.options.max ?? 10 };
}

interface PoolInternals {
  _clients?: unknown[];
  _pendingQueue?: { callback: unknown }[];
}

/** Destroys a pg client's socket: a hung server never answers a polite Terminate. */
export function destroyClient(client: unknown): void {
  const stream = (client as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
  if (typeof stream?.destroy === 'function') stream.destroy();
  else void (client as { end?: () => Promise<void> }).end?.().catch(() => undefined);
}

/**
 * Takes a client from the pool. When `signal` aborts first, nothing is left behind: a queued
 * request leaves the queue, a connection being opened for it is destroyed, and a client that
 * arrives anyway goes straight back. (pg-pool has no cancellable `connect`; the queue and client
 * list it keeps are read defensively and only for this request's own entries.)
 */
export function acquire(pool: PgPool, signal: AbortSignal): Promise<PgClient> {
  return new Promise<PgClient>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const internals = pool as unknown as PoolInternals;
    const before = new Set(internals._clients ?? []);
    let settled = false;
    let opening: unknown;
    const callback = (error: Error | undefined, client: PgClient | undefined) => {
      signal.removeEventListener('abort', onAbort);
      if (settled) {
        client?.release();
        return;
      }
      settled = true;
      if (error || !client) reject(error ?? new Error('pool returned no client'));
      else resolve(client);
    };
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(signal.reason);
      const queue = internals._pendingQueue;
      const queued = Array.isArray(queue) ? queue.findIndex((item) => item.callback === callback) : -1;
      if (queued >= 0) queue!.splice(queued, 1);
      if (opening && !(opening as { _connected?: boolean })._connected) destroyClient(opening);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pool.connect(callback);
    // pg-pool opens a connection synchronously inside connect() when it has room and no idle client.
    opening = (internals._clients ?? []).find((client) => !before.has(client));
  });
}

/** `statement_timeout` for what is left of this run, a little under it so the server cancels first. */
export function statementTimeoutFor(timeoutMs: number, startedAt: number, now = Date.now()): number {
  return Math.max(1, Math.floor((timeoutMs - (now - startedAt)) * STATEMENT_TIMEOUT_SHARE));
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) {
    // pg gives one Result per statement of a multi-statement string; the last one carries the rows.
    const last = result.at(-1) as { rows?: unknown; command?: unknown } | undefined;
    if (last && Array.isArray(last.rows) && typeof last.command === 'string') return last.rows as Record<string, unknown>[];
    return result as Record<string, unknown>[];
  }
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
}

/**
 * Runs `work` on a pooled client inside `BEGIN READ ONLY` with a `statement_timeout` set for what
 * is left of the run, so the check can never write and the server stops its statements when the
 * check gives up. The client goes back to the pool after a clean finish (even after an SQL error,
 * once rolled back); it is destroyed when the run is aborted or the connection broke.
 */
export async function withPooledSession<T>(pool: PgPool, context: CheckContext, startedAt: number, work: (query: Query) => Promise<T>): Promise<T> {
  const { signal } = context;
  const client = await acquire(pool, signal);
  const query: Query = async <Row>(sql: string, parameters?: unknown[]) =>
    rowsOf(await untilAborted(client.query(sql, parameters), signal)) as Row[];
  let broken: Error | undefined;
  // pg-pool takes its own 'error' listener off a checked-out client and leaves it to the borrower:
  // without this one, a connection reset during a check is an unhandled 'error' that kills the app.
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${statementTimeoutFor(context.timeoutMs, startedAt)}`);
    try {
      const result = await work(query);
      await query('COMMIT');
      return result;
    } catch (error) {
      if (!signal.aborted) await query('ROLLBACK');
      throw error;
    }
  } catch (error) {
    // An aborted run or a failed ROLLBACK leaves the connection in an unknown state: drop it.
    if (signal.aborted || !isServerError(error)) broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
    // A hung server never acknowledges the polite goodbye pg sends on release; cut the socket.
    if (signal.aborted) destroyClient(client);
  }
}

/**
 * An error the server reported about a statement (pg's DatabaseError carries `severity` and a
 * SQLSTATE), as opposed to a refused, broken or shut-down connection (SQLSTATE classes 08, 57P).
 */
export function isServerError(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && !/^(08|57P)/.test(code);
}

/**
 * Opens a read-only session on whatever `source` is: a TypeORM DataSource goes through its pg pool
 * (abortable, server-side timeout); any other executor is called as is, raced against the signal.
 * Returns `fail` outcomes for the expected problems (not initialized, unreachable, SQL error).
 */
export async function readOnlySession(
  source: SqlQueryable,
  context: CheckContext,
  secrets: readonly string[],
  work: (query: Query) => Promise<CheckOutcome>,
): Promise<CheckOutcome> {
  const startedAt = Date.now();
  try {
    if (isDataSource(source)) {
      const unusable = unusableDataSource(source);
      if (unusable) return unusable;
      return await withPooledSession(poolOf(source)!, context, startedAt, work);
    }
    const query: Query = async <Row>(sql: string, parameters?: unknown[]) =>
      rowsOf(await untilAborted(source.query(sql, parameters ?? []), context.signal)) as Row[];
    return await work(query);
  } catch (error) {
    if (context.signal.aborted) throw error;
    return failFromError(error, secrets);
  }
}

/** `fail` for a DataSource that cannot be used yet, else undefined. */
export function unusableDataSource(source: DataSourceLike): CheckOutcome | undefined {
  if (!source.isInitialized) {
    // Started in the background (DataSourceStarter): say where it is (`connecting (attempt 3; last error: ...)`).
    // Its first connection still being made is no failure yet (a warning in the log, not an ERROR).
    const start = dataSourceStartState(source);
    return fail(start?.text ?? NOT_INITIALIZED, start?.phase === 'connecting' ? { connecting: true } : {});
  }
  if (!poolOf(source)) return fail(NO_POOL);
  return undefined;
}

/** Maps a thrown driver error to the `fail` a reader understands: unreachable vs. a failing statement. */
export function failFromError(error: unknown, secrets: readonly string[]): CheckOutcome {
  const reason = describeError(sameRealmError(error), secrets);
  return fail(isServerError(error) ? QUERY_FAILED(reason) : UNREACHABLE(reason));
}

/**
 * Node's socket errors are created outside a jest/vm sandbox, so `instanceof Error` (which
 * describeError relies on) fails for them there; rebuild them as local errors, code included.
 */
function sameRealmError(error: unknown): unknown {
  if (error instanceof Error || !types.isNativeError(error)) return error;
  return Object.assign(new Error(error.message), { code: (error as NodeJS.ErrnoException).code });
}

/** Quotes one identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A table name as given (`users` or `schema.users`, exact spelling, no SQL quoting) turned into the
 * text `to_regclass` expects. Without a schema, the session's `search_path` decides, as for the app.
 */
export function regclassText(table: string, schema?: string): string {
  const dot = table.indexOf('.');
  if (schema === undefined && dot > 0) return `${quoteIdent(table.slice(0, dot))}.${quoteIdent(table.slice(dot + 1))}`;
  return schema ? `${quoteIdent(schema)}.${quoteIdent(table)}` : quoteIdent(table);
}

/** Compares dotted versions numerically: `0.10.0` > `0.8.1`. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** One sign that a schema migration is running right now. */
export interface MigrationActivity {
  pid: number;
  kind: 'ddl' | 'advisory' | 'exclusive-lock';
  /** For `ddl`: the command, e.g. `CREATE INDEX` (never the statement's text). */
  command?: string;
  /**
   * What it is about: the object a DDL statement names (`"public".users`), the relation an
   * exclusive lock is on, or the advisory lock key.
   */
  object?: string;
  seconds: number;
}

/**
 * The command and object of a DDL statement, read on the server so that another session's SQL
 * text never reaches this process (it may carry a password: `ALTER ROLE x PASSWORD '...'`).
 * Group 1 is the verb, 2 the object type, 3 the object's (possibly qualified, quoted) name.
 */
const DDL_HEAD =
  String.raw`^\s*(create|alter|drop|reindex)\s+(?:(?:or\s+replace|unique|materialized|temporary|temp|unlogged|global|local|foreign|default|event|text\s+search)\s+)*` +
  String.raw`([a-z]+(?:\s+(?:mapping|table|view|index|wrapper|method|class|family|data\s+wrapper))?)\s+(?:concurrently\s+)?(?:if\s+(?:not\s+)?exists\s+)?` +
  String.raw`((?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)(?:\.(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*))?)?`;

/** Words the object position may hold that are not a name (`CREATE INDEX ON t`, `CREATE USER MAPPING FOR u`). */
const NOT_A_NAME = new Set(['on', 'for', 'to', 'as', 'in', 'with', 'all']);

/**
 * Signs of a migration running in this database, from other sessions: DDL executing (visible in
 * `pg_stat_activity` for the check's own role, or with `pg_read_all_stats`), an ACCESS EXCLUSIVE
 * lock on a permanent relation (visible to anyone: a migration between statements of its
 * transaction holds one), or one of the given advisory locks. A statement is reported by its pid,
 * command, object and duration only.
 */
export async function migrationActivity(query: Query, advisoryLockKeys: readonly string[]): Promise<MigrationActivity[]> {
  const rows = await query<{ pid: number; kind: MigrationActivity['kind']; command: string | null; object: string | null; seconds: number | null }>(
    `WITH db AS (SELECT oid FROM pg_database WHERE datname = current_database())
     SELECT d.pid, 'ddl' AS kind, upper(d.head[1] || ' ' || regexp_replace(d.head[2], '\\s+', ' ', 'g')) AS command, d.head[3] AS object, d.seconds
       FROM (SELECT a.pid, regexp_match(a.query, $2, 'i') AS head,
                    floor(extract(epoch FROM clock_timestamp() - a.query_start))::int AS seconds
               FROM pg_stat_activity a
              WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.state = 'active'
                AND a.query ~* '^\\s*(create|alter|drop|reindex)\\s' AND a.query !~* '^\\s*(create|drop)\\s+(temp|temporary)\\s') d
     UNION ALL
     SELECT l.pid, 'advisory', NULL, ((l.classid::bigint << 32) | l.objid::bigint)::text, NULL
       FROM pg_locks l, db
      WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid() AND l.database = db.oid AND l.objsubid = 1
        AND ((l.classid::bigint << 32) | l.objid::bigint) = ANY($1::bigint[])
     UNION ALL
     SELECT l.pid, 'exclusive-lock', NULL, n.nspname || '.' || c.relname, NULL
       FROM pg_locks l JOIN db ON l.database = db.oid JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted AND l.pid <> pg_backend_pid()
        AND c.relpersistence <> 't'`,
    [advisoryLockKeys, DDL_HEAD],
  );
  return rows.map((row) => {
    const object = row.object && !(row.kind === 'ddl' && NOT_A_NAME.has(row.object.toLowerCase())) ? row.object : undefined;
    return {
      pid: Number(row.pid),
      kind: row.kind,
      ...(row.kind === 'ddl' ? { command: row.command ?? 'DDL' } : {}),
      ...(object !== undefined ? { object } : {}),
      seconds: Number(row.seconds ?? 0),
    };
  });
}

/** Advisory lock keys as the decimal text Postgres prints, validated (bigint range). */
export function checkLockKeys(problems: Problems, path: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return problems.add(path, 'must be an array of advisory lock keys (integers)');
  value.forEach((key, i) => {
    const text = typeof key === 'bigint' ? key.toString() : typeof key === 'number' && Number.isSafeInteger(key) ? String(key) : typeof key === 'string' ? key : '';
    if (!/^-?\d{1,19}$/.test(text)) problems.add(`${path}[${i}]`, `must be an integer (number, bigint or decimal string), got ${typeof key === 'string' ? JSON.stringify(key) : String(key)}`);
  });
}

export function lockKeyText(key: number | bigint | string): string {
  return typeof key === 'string' ? key : key.toString();
}
