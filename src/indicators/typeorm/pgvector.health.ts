import { fail, outcomeFromFindings, type CheckOptions, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import {
  EXTENSION_MISSING,
  EXTENSION_TOO_OLD,
  INDEX_BUILD_IN_PROGRESS,
  INVALID_VECTOR_INDEX,
  NO_VECTOR_INDEX,
  NOT_A_VECTOR_COLUMN,
  VECTOR_COLUMN_MISSING,
  VECTOR_TABLE_MISSING,
  WRONG_DIMENSIONS,
} from './messages.js';
import { checkQueryable, compareVersions, defineReadOnlyCheck, regclassText, type Query, type SqlQueryable } from './pg-session.js';

/** Column types of pgvector whose `atttypmod` is the declared dimension. */
const VECTOR_TYPES = ['vector', 'halfvec', 'sparsevec'];

/** Options of {@link pgvectorCheck}. */
export interface PgvectorCheckOptions extends CheckOptions {
  /**
   * The app's TypeORM DataSource (type `postgres`), or any `{ query(sql, parameters) }` executor
   * (a pg Pool; the run is then only as abortable as the executor is).
   */
  dataSource: SqlQueryable;
  /** Table holding the embeddings, optionally schema-qualified (`search.documents`). Needs `column`. */
  table?: string;
  /** The embedding column of `table`. Needs `table`. */
  column?: string;
  /** The dimension the column must be declared with (`vector(1536)`), i.e. the embedding model's. Needs `column`. */
  dimensions?: number;
  /** Lowest acceptable pgvector version (e.g. `0.7.0` for `halfvec`, `0.5.0` for HNSW). @default no minimum */
  minVersion?: string;
}

/**
 * Checks pgvector: the `vector` extension is installed (and recent enough); with `table` and
 * `column`, that the column exists with the expected dimension and has a valid HNSW or IVFFlat index.
 * `observedValue` is the installed pgvector version.
 *
 * - `fail`: the extension is missing or older than `minVersion`, the table or column is missing,
 *   the column is not a vector type, or its dimension differs from `dimensions` (inserts of the
 *   model's embeddings would be rejected).
 * - `warn`: no HNSW/IVFFlat index on the column (searches scan the table), the index is invalid
 *   (a failed `CREATE INDEX CONCURRENTLY`), or an index build on the table is in progress.
 * - `pass`: all of the above hold.
 *
 * @default name 'postgres:pgvector', critical true, componentType 'datastore'
 * @example
 * pgvectorCheck({ dataSource, table: 'documents', column: 'embedding', dimensions: 1536, minVersion: '0.7.0' });
 */
export function pgvectorCheck(options: PgvectorCheckOptions): HealthCheck {
  validateCheckOptions('pgvectorCheck', options, (problems, o) => {
    checkQueryable(problems, o.dataSource);
    problems.string('table', o.table);
    problems.string('column', o.column);
    problems.number('dimensions', o.dimensions, { min: 1, max: 64_000 });
    problems.string('minVersion', o.minVersion, { pattern: /^\d+(\.\d+){0,2}$/, description: 'a version like "0.7.0"' });
    if ((o.table === undefined) !== (o.column === undefined)) problems.add(o.table === undefined ? 'table' : 'column', 'is required when `table` or `column` is given (give both)');
    if (o.dimensions !== undefined && o.column === undefined) problems.add('column', 'is required when `dimensions` is given');
  });
  const { table, column, dimensions, minVersion } = options;
  return defineReadOnlyCheck(options, { name: 'postgres:pgvector' }, async (query) => {
    const [extension] = await query<{ version: string }>("SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'");
    if (!extension) return fail(EXTENSION_MISSING);
    const version = String(extension.version);
    const findings: Finding[] = [];
    if (minVersion && compareVersions(version, minVersion) < 0) findings.push({ status: 'fail', message: EXTENSION_TOO_OLD(version, minVersion) });
    const details: Record<string, unknown> = { version };
    if (table !== undefined && column !== undefined) findings.push(...(await columnFindings(query, table, column, dimensions, details)));
    return outcomeFromFindings(findings, { observedValue: version, observedUnit: 'version', details });
  });
}

async function columnFindings(query: Query, table: string, column: string, dimensions: number | undefined, details: Record<string, unknown>): Promise<Finding[]> {
  const relation = regclassText(table);
  const [found] = await query<{ exists: boolean; type: string | null; typmod: number | null }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists, t.typname AS type, a.atttypmod AS typmod
       FROM (SELECT 1) one
       LEFT JOIN pg_attribute a ON a.attrelid = to_regclass($1) AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_type t ON t.oid = a.atttypid`,
    [relation, column],
  );
  if (!found?.exists) return [{ status: 'fail', message: VECTOR_TABLE_MISSING(table) }];
  if (found.type === null || found.type === undefined) return [{ status: 'fail', message: VECTOR_COLUMN_MISSING(table, column) }];
  if (!VECTOR_TYPES.includes(found.type)) return [{ status: 'fail', message: NOT_A_VECTOR_COLUMN(column, found.type) }];
  const findings: Finding[] = [];
  const declared = Number(found.typmod);
  details.dimensions = declared;
  if (dimensions !== undefined && declared !== dimensions) findings.push({ status: 'fail', message: WRONG_DIMENSIONS(column, declared, dimensions) });

  const indexes = await query<{ name: string; method: string; valid: boolean }>(
    `SELECT c.relname AS name, am.amname AS method, i.indisvalid AND i.indisready AS valid
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_am am ON am.oid = c.relam
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = $2
      WHERE i.indrelid = to_regclass($1) AND am.amname IN ('hnsw', 'ivfflat') AND a.attnum = ANY (i.indkey::int2[])
      ORDER BY c.relname`,
    [relation, column],
  );
  details.indexes = indexes;
  if (indexes.length === 0) findings.push({ status: 'warn', message: NO_VECTOR_INDEX(column) });
  const invalid = indexes.filter((index) => !index.valid).map((index) => index.name);
  // Even beside a valid index, an invalid one is still maintained on every write, for nothing.
  if (invalid.length > 0) findings.push({ status: 'warn', message: INVALID_VECTOR_INDEX(invalid) });

  const builds = await query<{ phase: string; done: string | null; total: string | null }>(
    `SELECT phase, coalesce(nullif(blocks_total, 0), tuples_total) AS total,
            CASE WHEN blocks_total > 0 THEN blocks_done ELSE tuples_done END AS done
       FROM pg_stat_progress_create_index WHERE relid = to_regclass($1)`,
    [relation],
  );
  for (const build of builds) {
    const total = Number(build.total ?? 0);
    const percent = total > 0 ? Math.floor((Number(build.done ?? 0) / total) * 100) : undefined;
    findings.push({ status: 'warn', message: INDEX_BUILD_IN_PROGRESS(table, String(build.phase), percent) });
  }
  return findings;
}
