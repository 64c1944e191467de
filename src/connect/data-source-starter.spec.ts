import { DataSource } from 'typeorm';
import { migrationsCheck } from '../indicators/typeorm/migrations.health';
import { pgvectorCheck } from '../indicators/typeorm/pgvector.health';
import { postgresCheck } from '../indicators/typeorm/postgres.health';
import { InvalidOptionsError } from '../validation/problems';
import { DataSourceStarter, dataSourceStartState } from './data-source-starter';
import { backoffDelay, RETRY_DEFAULTS } from './retry';

// A real TypeORM DataSource pointed at a port nothing listens on: the driver's own ECONNREFUSED.
const downDataSource = () => new DataSource({ type: 'postgres', host: '127.0.0.1', port: 1, username: 'postgres', password: 's3cret-pw', migrationsRun: true });

describe('backoffDelay', () => {
  it('grows by the factor up to the cap, minus up to the jitter share', () => {
    const retry = { ...RETRY_DEFAULTS, initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(retry, attempt, () => 0))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(retry, 1, () => 1)).toBe(50);
  });
});

describe('DataSourceStarter', () => {
  it('rejects bad options listing every problem', () => {
    const make = () => new DataSourceStarter(downDataSource(), { retry: { initialDelayMs: 0, jitter: 2, nope: 1 } as never, connectTimeoutMs: -1 });
    expect(make).toThrow(InvalidOptionsError);
    expect(() => make()).toThrow(/retry.nope: unknown option[\s\S]*retry.initialDelayMs[\s\S]*retry.jitter[\s\S]*connectTimeoutMs/);
  });

  it('retries in the background, reports the redacted reason, gives up after maxAttempts, never throws', async () => {
    const dataSource = downDataSource();
    const starter = new DataSourceStarter(dataSource, { retry: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 }, logger: false });
    expect(dataSource.options.migrationsRun).toBe(false); // taken over by the starter
    expect(dataSourceStartState(dataSource)?.phase).toBe('idle');
    starter.start();
    starter.start(); // one run, whatever the calls
    await expect(starter.ready()).rejects.toThrow(/gave up after 3 attempts; last error: .*ECONNREFUSED 127\.0\.0\.1:1/);
    expect(dataSourceStartState(dataSource)).toMatchObject({ phase: 'gave-up', attempt: 3 });
    expect(JSON.stringify(starter.state)).not.toContain('s3cret-pw');
  });

  it('stops at shutdown: no attempt after stop(), ready() rejects', async () => {
    const starter = new DataSourceStarter(downDataSource(), { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 }, logger: false });
    starter.onApplicationBootstrap();
    try {
      while (starter.state.phase !== 'connecting' || starter.state.nextAttemptAt === undefined) await new Promise((r) => setTimeout(r, 5));
      await starter.beforeApplicationShutdown();
      expect(starter.state).toMatchObject({ phase: 'stopped', attempt: 1 });
      await expect(starter.ready()).rejects.toThrow('stopped');
    } finally {
      await starter.stop();
    }
  });

  it('is what the Postgres checks report on the uninitialized DataSource (none throws)', async () => {
    const dataSource = downDataSource();
    const starter = new DataSourceStarter(dataSource, { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 }, logger: false });
    starter.start();
    try {
      while (starter.state.nextAttemptAt === undefined) await new Promise((r) => setTimeout(r, 5));
      const context = { signal: new AbortController().signal, timeoutMs: 1000 };
      const checks = [postgresCheck({ dataSource }), migrationsCheck({ dataSource }), pgvectorCheck({ dataSource })];
      const outcomes = await Promise.all(checks.map((check) => check.run(context)));
      expect(outcomes).toEqual(checks.map(() => ({ status: 'fail', output: expect.stringMatching(/^connecting \(attempt 1; last error: .*ECONNREFUSED 127\.0\.0\.1:1\)$/), connecting: true })));
    } finally {
      // A failed assertion must not leave the starter retrying (a 60 s pause keeps jest alive).
      await starter.stop();
    }
  });
});
