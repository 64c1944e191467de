/** Every text the Postgres / TypeORM / Prisma checks write into a result or an error, in one place. */

/** How many names an output lists before it only counts the rest. */
const LISTED_NAMES = 5;

/** `A, B, C and 4 more`: the first few names and a count, so an output stays one short line. */
export const nameList = (names: readonly string[]): string =>
  names.length <= LISTED_NAMES
    ? names.join(', ')
    : `${names.slice(0, LISTED_NAMES).join(', ')} and ${names.length - LISTED_NAMES} more`;

export const NOT_A_POSTGRES_DATA_SOURCE = (type: unknown) =>
  `must be a TypeORM DataSource of type "postgres", got ${type === undefined ? 'an object without options.type' : `type ${JSON.stringify(type)}`}`;
export const NOT_QUERYABLE = 'must be a TypeORM DataSource or an object with a query(sql, parameters) method';

// Connection and round trip
export const NOT_INITIALIZED = 'DataSource is not initialized (call dataSource.initialize() or let TypeOrmModule do it)';
export const NO_POOL = 'DataSource has no pg connection pool (driver.master); is it a postgres DataSource?';
export const UNREACHABLE = (reason: string) => `cannot reach Postgres: ${reason}`;
export const QUERY_FAILED = (reason: string) => `query failed: ${reason}`;
export const ROUND_TRIP_CANCELLED = (ms: number) =>
  `round trip took longer than ${ms} ms; the server cancelled it (statement_timeout)`;
export const POOL_SATURATED = (waiting: number, total: number, max: number) =>
  `connection pool saturated: ${waiting} waiting for a connection, ${total}/${max} connections in use`;

// Migrations
export const MIGRATIONS_TABLE_MISSING = (table: string) => `no migrations have run (table ${table} does not exist)`;
export const PENDING_MIGRATIONS = (names: readonly string[]) => `${names.length} pending: ${nameList(names)}`;
export const UNKNOWN_MIGRATIONS = (names: readonly string[]) =>
  `database is ahead of this build: ${names.length} executed migration${names.length === 1 ? '' : 's'} unknown here: ${nameList(names)}`;
export const REQUIRED_TABLES_MISSING = (names: readonly string[]) =>
  `required table${names.length === 1 ? '' : 's'} missing: ${nameList(names)}`;
export const MIGRATION_IN_PROGRESS = (evidence: readonly string[]) => `migration in progress (${nameList(evidence)})`;
export const EVIDENCE_DDL = (pid: number, seconds: number, command: string, object: string | undefined) =>
  `pid ${pid} running ${command}${object ? ` ${object}` : ''} for ${seconds} s`;
export const EVIDENCE_ADVISORY_LOCK = (pid: number, key: string) => `pid ${pid} holds advisory lock ${key}`;
export const EVIDENCE_EXCLUSIVE_LOCK = (pid: number, relation: string) => `pid ${pid} holds an ACCESS EXCLUSIVE lock on ${relation}`;

// pgvector
export const EXTENSION_MISSING = 'extension "vector" is not installed in this database (CREATE EXTENSION vector)';
export const EXTENSION_TOO_OLD = (installed: string, minimum: string) => `pgvector ${installed} is older than the required ${minimum}`;
export const VECTOR_TABLE_MISSING = (table: string) => `table ${table} does not exist`;
export const VECTOR_COLUMN_MISSING = (table: string, column: string) => `column ${column} does not exist on ${table}`;
export const NOT_A_VECTOR_COLUMN = (column: string, type: string) => `column ${column} is of type ${type}, not a pgvector type`;
export const WRONG_DIMENSIONS = (column: string, actual: number, expected: number) =>
  actual < 0
    ? `column ${column} is declared without dimensions, expected ${expected}`
    : `column ${column} has ${actual} dimensions, expected ${expected}`;
export const NO_VECTOR_INDEX = (column: string) =>
  `no HNSW or IVFFlat index on ${column}: similarity searches scan the whole table`;
export const INVALID_VECTOR_INDEX = (names: readonly string[]) =>
  `vector index ${nameList(names)} is invalid (a failed or unfinished CREATE INDEX CONCURRENTLY); drop and rebuild it`;
export const INDEX_BUILD_IN_PROGRESS = (table: string, phase: string, percent: number | undefined) =>
  `index build in progress on ${table}: ${phase}${percent === undefined ? '' : ` (${percent}%)`}`;
