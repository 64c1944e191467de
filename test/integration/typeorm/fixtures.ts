/**
 * Fixtures for the TypeORM/Postgres integration tests: a fresh database per test file on the
 * shared Postgres 15 (dropped afterwards), DataSources on it, and a few TypeORM migrations.
 */
import { randomBytes } from 'node:crypto';
import { DataSource, type DataSourceOptions, type MigrationInterface, type QueryRunner } from 'typeorm';
import { HealthEngine, type CheckResult } from '../../../src/engine/health-engine';
import type { HealthCheck } from '../../../src/engine/check';

/** The few pg calls the tests make (pg ships no types, and @types/pg is not a devDependency). */
export interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}
export interface PgPool {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
  end(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const pg = require('pg') as { Client: new (config: object) => PgClient; Pool: new (config: object) => PgPool };

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Runs SQL as the superuser on `database` through a short-lived connection. */
export async function admin<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ ...PG, database });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A connection the test keeps open (to hold locks or run slow DDL); close it in the test. */
export async function session(database: string): Promise<PgClient> {
  const client = new pg.Client({ ...PG, database });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export interface TestDatabase {
  readonly name: string;
  /** A DataSource on this database (not yet initialized unless `initialize` is left true); destroyed by `drop`. */
  dataSource(options?: Partial<DataSourceOptions> & Record<string, unknown>, initialize?: boolean): Promise<DataSource>;
  /** A new schema in this database. */
  schema(prefix?: string): Promise<string>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueName('deep_health_typeorm');
  await admin('postgres', `CREATE DATABASE ${name}`);
  const sources: DataSource[] = [];
  return {
    name,
    async dataSource(options = {}, initialize = true) {
      const dataSource = new DataSource({
        type: 'postgres',
        host: PG.host,
        port: PG.port,
        username: PG.user,
        database: name,
        poolSize: 4,
        ...options,
      } as DataSourceOptions);
      sources.push(dataSource);
      if (initialize) await dataSource.initialize();
      return dataSource;
    },
    async schema(prefix = 's') {
      const schema = uniqueName(prefix);
      await admin(name, `CREATE SCHEMA ${schema}`);
      return schema;
    },
    async drop() {
      // Drop first: even when a failed test left a client checked out, the database goes away.
      await admin('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await Promise.all(sources.filter((dataSource) => dataSource.isInitialized).map((dataSource) => dataSource.destroy().catch(() => undefined)));
    },
  };
}

/** Runs one check through the engine, so timeouts are the engine's. */
export async function evaluate(check: HealthCheck, { timeoutMs = 2000, deadlineMs = 5000 } = {}): Promise<CheckResult> {
  const engine = new HealthEngine({ timeoutMs, cacheTtlMs: 0, deadlineMs });
  try {
    const { results } = await engine.evaluate([check]);
    return results[0]!;
  } finally {
    engine.close();
  }
}

/** Polls `condition` until it holds or `ms` pass; returns whether it held. */
export async function eventually(condition: () => boolean | Promise<boolean>, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A TypeORM migration class named like the CLI names them (`<Name><13-digit timestamp>`). */
function migration(className: string, up: (schema: string) => string): new () => MigrationInterface {
  const Migration = class implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
      const schema = (queryRunner.connection.options as { schema?: string }).schema ?? 'public';
      await queryRunner.query(up(schema));
    }
    async down(): Promise<void> {}
  };
  Object.defineProperty(Migration, 'name', { value: className });
  return Migration;
}

export const CreateUsers = migration('CreateUsers1712000000000', (s) => `CREATE TABLE "${s}".users (id serial PRIMARY KEY, email text)`);
export const AddBlobStorage = migration('AddBlobStorage1712100000000', (s) => `CREATE TABLE "${s}".blobs (id serial PRIMARY KEY, data bytea)`);
export const AddIndex = migration('AddIndex1712200000000', (s) => `CREATE INDEX ON "${s}".users (email)`);
