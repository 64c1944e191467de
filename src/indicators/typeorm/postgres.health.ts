import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { fail, pass, warn, type CheckContext, type CheckOptions, type CheckOutcome, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { untilAborted } from '../../engine/until-aborted.js';
import { POOL_SATURATED, ROUND_TRIP_CANCELLED } from './messages.js';
import {
  checkPostgresDataSource,
  definePostgresCheck,
  destroyClient,
  failFromError,
  poolFigures,
  poolOf,
  QUERY_CANCELED,
  statementTimeoutFor,
  unusableDataSource,
  withPooledSession,
  type PgPool,
  type Query,
} from './pg-session.js';

/** Options of {@link postgresCheck}. */
export interface PostgresCheckOptions extends CheckOptions {
  /** The app's TypeORM DataSource (type `postgres`); with @nestjs/typeorm, inject `getDataSourceToken()`. */
  dataSource: DataSource;
  /**
   * The round-trip statement. It runs in a read-only transaction under a `statement_timeout`
   * derived from the check's timeout, so the server cancels it when the check gives up.
   * @default 'SELECT 1'
   */
  query?: string;
}

/**
 * Checks that Postgres answers a round trip through the app's own connection pool, and reports
 * the pool's figures. `observedValue` is the round-trip latency in ms.
 *
 * - `pass`: the round trip succeeded.
 * - `warn`: it succeeded, but requests are queued for a pool connection (the pool is saturated).
 * - `fail`: the DataSource is not initialized, the server is unreachable, the statement failed,
 *   or it did not finish within the timeout (the server then cancels it).
 *
 * When the pool is saturated the round trip uses one short-lived connection outside the pool, so
 * the probe neither waits behind the app's queries nor takes a connection the app is waiting for.
 *
 * @default name 'postgres', critical true, componentType 'datastore'
 * @example
 * DeepHealthModule.forRootAsync({
 *   inject: [getDataSourceToken()],
 *   useFactory: (dataSource: DataSource) => ({ checks: [postgresCheck({ dataSource, timeoutMs: 1000 })] }),
 * });
 */
export function postgresCheck(options: PostgresCheckOptions): HealthCheck {
  validateCheckOptions('postgresCheck', options, (problems, o) => {
    checkPostgresDataSource(problems, o.dataSource);
    problems.string('query', o.query);
  });
  const sql = options.query ?? 'SELECT 1';
  return definePostgresCheck(options, { name: 'postgres' }, (context, secrets) => roundTrip(options.dataSource, sql, context, secrets));
}

async function roundTrip(dataSource: DataSource, sql: string, context: CheckContext, secrets: readonly string[]): Promise<CheckOutcome> {
  const startedAt = Date.now();
  const unusable = unusableDataSource(dataSource);
  if (unusable) return unusable;
  const pool = poolOf(dataSource)!;
  // Figures before this probe takes a connection, so they describe the app's load, not the probe's.
  const measurements = poolFigures(pool);
  const saturated = measurements.poolWaiting! > 0;
  const full = measurements.poolIdle === 0 && measurements.poolTotal! >= measurements.poolMax!;
  try {
    const latency =
      (saturated || full) && pool.Client
        ? await dedicatedRoundTrip(pool, sql, context, startedAt)
        : await withPooledSession(pool, context, startedAt, (query) => timed(query, sql));
    const extra = { observedValue: latency, observedUnit: 'ms', measurements };
    return saturated ? warn(POOL_SATURATED(measurements.poolWaiting!, measurements.poolTotal!, measurements.poolMax!), extra) : pass(extra);
  } catch (error) {
    if (context.signal.aborted) throw error;
    if ((error as { code?: unknown }).code === QUERY_CANCELED) return fail(ROUND_TRIP_CANCELLED(context.timeoutMs), { measurements });
    return { ...failFromError(error, secrets), measurements };
  }
}

async function timed(query: Query, sql: string): Promise<number> {
  const started = performance.now();
  await query(sql);
  return Math.round((performance.now() - started) * 10) / 10;
}

/** One round trip on a connection of its own, opened with the pool's settings and always closed. */
async function dedicatedRoundTrip(pool: PgPool, sql: string, context: CheckContext, startedAt: number): Promise<number> {
  const { signal } = context;
  const client = new pool.Client!({ ...pool.options });
  // A socket error after the probe has moved on must not become an uncaught 'error' event.
  (client as unknown as { on(event: string, listener: () => void): void }).on('error', () => undefined);
  const query: Query = async <Row>(text: string) => {
    const result = await untilAborted(client.query(text), signal);
    return (Array.isArray(result) ? result.at(-1)!.rows : result.rows) as Row[];
  };
  let closed = false;
  try {
    await untilAborted(client.connect(), signal);
    await query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${statementTimeoutFor(context.timeoutMs, startedAt)}`);
    const latency = await timed(query, sql);
    await query('COMMIT');
    await untilAborted(client.end(), signal);
    closed = true;
    return latency;
  } finally {
    if (!closed) destroyClient(client);
  }
}
