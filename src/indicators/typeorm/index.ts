/**
 * `nestjs-deep-health/typeorm`: Postgres checks for TypeORM apps. Only types are imported from
 * `typeorm`; nothing here loads a driver.
 */
export { postgresCheck, type PostgresCheckOptions } from './postgres.health.js';
export { migrationsCheck, type MigrationsCheckOptions } from './migrations.health.js';
export { pgvectorCheck, type PgvectorCheckOptions } from './pgvector.health.js';
export type { SqlQueryable } from './pg-session.js';
export { DataSourceStarter, dataSourceStartState, type DataSourceStarterOptions, type DataSourceStartState, type DataSourceStartPhase, type RetryOptions } from '../../connect/index.js';
