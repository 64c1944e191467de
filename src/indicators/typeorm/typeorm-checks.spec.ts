import type { DataSource } from 'typeorm';
import { migrationsCheck, pgvectorCheck, postgresCheck } from './index';
import { prismaMigrationsCheck } from '../prisma/index';
import { nameList } from './messages';
import { compareVersions, regclassText, statementTimeoutFor } from './pg-session';

const postgres = { options: { type: 'postgres', password: 's3cr3t-pw' } } as unknown as DataSource;

describe('typeorm check factories', () => {
  it('give each check its default name, policy and componentType', () => {
    const queryable = { query: async () => [] };
    expect(postgresCheck({ dataSource: postgres })).toMatchObject({ name: 'postgres', critical: true, startup: false, componentType: 'datastore' });
    expect(migrationsCheck({ dataSource: postgres })).toMatchObject({ name: 'postgres:migrations', critical: true, startup: true });
    expect(pgvectorCheck({ dataSource: queryable })).toMatchObject({ name: 'postgres:pgvector', critical: true, startup: false });
    expect(prismaMigrationsCheck({ dataSource: queryable })).toMatchObject({ name: 'postgres:prisma-migrations', critical: true, startup: true });
  });

  it('let the common options override the defaults', () => {
    const check = migrationsCheck({ dataSource: postgres, name: 'db:schema', critical: false, startup: false, timeoutMs: 5000, cacheTtlMs: 0 });
    expect(check).toMatchObject({ name: 'db:schema', critical: false, startup: false, timeoutMs: 5000, cacheTtlMs: 0 });
  });

  it('register the DataSource password as a secret to redact', () => {
    expect(postgresCheck({ dataSource: postgres }).secrets).toEqual(['s3cr3t-pw']);
  });

  it('reject bad options with one TypeError listing every problem and echoing the bad values', () => {
    const mysql = { options: { type: 'mysql' } } as unknown as DataSource;
    expect(() => postgresCheck({ dataSource: mysql, timeoutMs: -1, query: '' })).toThrow(
      new TypeError(
        'Invalid postgresCheck options (3 problems):\n' +
          '  - timeoutMs: must be between 1 and 600000, got -1\n' +
          '  - dataSource: must be a TypeORM DataSource of type "postgres", got type "mysql"\n' +
          '  - query: must be a non-empty string, got ""',
      ),
    );
    expect(() => migrationsCheck({ dataSource: postgres, requiredTables: ['users', ''], advisoryLockKeys: [1.5, 'abc'] })).toThrow(
      /requiredTables\[1\]: must be a non-empty string, got ""\n {2}- advisoryLockKeys\[0\]: must be an integer .*got 1\.5\n {2}- advisoryLockKeys\[1\]: .*got "abc"/,
    );
    expect(() => pgvectorCheck({ dataSource: postgres, table: 'documents', dimensions: 0, minVersion: 'latest' })).toThrow(
      /dimensions: must be between 1 and 64000, got 0\n {2}- minVersion: must be a version like "0.7.0", got "latest"\n {2}- column: is required when `table` or `column` is given/,
    );
    expect(() => prismaMigrationsCheck({ dataSource: {} as never })).toThrow(/dataSource: must be a TypeORM DataSource or an object with a query\(sql, parameters\) method/);
    expect(() => postgresCheck(undefined as never)).toThrow(new TypeError('Invalid postgresCheck options (1 problem):\n  - options: must be an object, got undefined'));
  });

  it('never echo the password in an error', () => {
    expect(() => postgresCheck({ dataSource: { options: { type: 'mysql', password: 's3cr3t-pw' } } as never })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr3t') }),
    );
  });
});

describe('typeorm check helpers', () => {
  it('quote table names exactly, schema-qualified or not', () => {
    expect(regclassText('users')).toBe('"users"');
    expect(regclassText('billing.Invoices')).toBe('"billing"."Invoices"');
    expect(regclassText('migrations', 'app')).toBe('"app"."migrations"');
    expect(regclassText('we"ird')).toBe('"we""ird"');
  });

  it('compare versions numerically', () => {
    expect(compareVersions('0.10.0', '0.8.1')).toBe(1);
    expect(compareVersions('0.8', '0.8.0')).toBe(0);
    expect(compareVersions('0.7.4', '0.8.0')).toBe(-1);
  });

  it('give the server a statement timeout a little under what is left of the run', () => {
    expect(statementTimeoutFor(1000, 0, 0)).toBe(900);
    expect(statementTimeoutFor(1000, 0, 500)).toBe(450);
    expect(statementTimeoutFor(1000, 0, 2000)).toBe(1);
  });

  it('list the first names and count the rest', () => {
    expect(nameList(['a', 'b'])).toBe('a, b');
    expect(nameList(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('a, b, c, d, e and 2 more');
  });
});
