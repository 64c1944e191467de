import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { describeError } from '../engine/redact.js';
import { InvalidOptionsError, Problems } from '../validation/problems.js';
import { CONNECTED, CONNECTING, GAVE_UP, MIGRATING, MIGRATION_FAILED, NOT_STARTED, CONNECT_FAILED_LOG, MIGRATION_FAILED_LOG, STOPPED } from './messages.js';
import { backoffDelay, RETRY_DEFAULTS, validateRetry, type RetryOptions } from './retry.js';

/** Where the background start of a DataSource is. */
export type DataSourceStartPhase = 'idle' | 'connecting' | 'migrating' | 'migration-failed' | 'connected' | 'gave-up' | 'stopped';

/** The state that `postgresCheck`, `migrationsCheck` and `pgvectorCheck` report while the DataSource is not usable. */
export interface DataSourceStartState {
  /** Where the start is: `idle` before `start()`, `connected` once usable, `gave-up` after `retry.maxAttempts` failed attempts, `stopped` when stopped before it connected. */
  readonly phase: DataSourceStartPhase;
  /** Attempts made in the current phase (connecting, or migrating once connected). */
  readonly attempt: number;
  /** The last error, redacted (no password, no URL credentials). */
  readonly lastError?: string;
  /** The migration that failed, in phase `migration-failed`. */
  readonly migration?: string;
  /** When the next attempt starts (epoch ms), while waiting for it. */
  readonly nextAttemptAt?: number;
  /** One line for a check's output: `connecting (attempt 3; last error: ECONNREFUSED ...)`, `migration X failed: <reason>`. */
  readonly text: string;
}

/** Options of {@link DataSourceStarter}. */
export interface DataSourceStarterOptions {
  /** How attempts are spaced: exponential backoff with jitter, forever unless `maxAttempts` is set. */
  retry?: RetryOptions;
  /**
   * Longest wait for one connection attempt. Set as TypeORM's `connectTimeoutMS` when the
   * DataSource has none: without it, a host that drops packets hangs an attempt forever.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Run pending migrations once connected. A failing migration leaves the connection up and the
   * state `migration X failed: <reason>`; it is tried again with the same backoff.
   * @default the DataSource's `migrationsRun` (which the starter then takes over from TypeORM)
   */
  runMigrations?: boolean;
  /** Where attempts are logged. `false` silences them. @default Nest's Logger, context `DataSourceStarter` */
  logger?: Pick<Logger, 'log' | 'warn' | 'error'> | false;
}

const STARTERS = new WeakMap<object, DataSourceStarter>();
const OPTION_NAMES = ['retry', 'connectTimeoutMs', 'runMigrations', 'logger'];

/**
 * The background start state of a DataSource, if a {@link DataSourceStarter} manages it. The
 * Postgres checks report it while the DataSource is not initialized, instead of a bare "not initialized".
 */
export function dataSourceStartState(dataSource: object): DataSourceStartState | undefined {
  return STARTERS.get(dataSource)?.state;
}

/**
 * Brings a TypeORM DataSource up in the background, so the app boots, listens and answers
 * `/health/live` while the database is down. Use it with @nestjs/typeorm's
 * `manualInitialization: true` (without it TypeORM retries inside bootstrap, then exits).
 *
 * - connects with bounded retries: exponential backoff with jitter, each attempt bounded by
 *   `connectTimeoutMs`, one attempt in flight at a time;
 * - runs pending migrations when `migrationsRun` is set (or `runMigrations`), keeping the process
 *   up when one fails: `migrationsCheck` then fails with `migration X failed: <reason>`, and the next
 *   attempt runs it again, so fixing the cause heals the app without a restart;
 * - stops at shutdown (no new attempt; it waits for the one in flight).
 *
 * As a Nest provider it starts at application bootstrap and stops before application shutdown.
 *
 * @example
 * import { DataSourceStarter } from 'nestjs-deep-health/typeorm';
 *
 * // TypeOrmModule.forRoot({ ...options, manualInitialization: true, migrationsRun: true }), then:
 * const starter = { provide: DataSourceStarter, inject: [getDataSourceToken()], useFactory: (ds: DataSource) => new DataSourceStarter(ds) };
 */
export class DataSourceStarter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private current: DataSourceStartState = { phase: 'idle', attempt: 0, text: NOT_STARTED };
  private readonly runMigrations: boolean;
  private readonly retry: Required<RetryOptions>;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'> | undefined;
  private readonly secrets: string[];
  private readonly controller = new AbortController();
  private running?: Promise<void>;
  private readonly readyPromise: Promise<DataSource>;
  private resolveReady!: (dataSource: DataSource) => void;
  private rejectReady!: (error: Error) => void;

  constructor(
    /** The DataSource this starter brings up (the one given to the constructor). */
    readonly dataSource: DataSource,
    options: DataSourceStarterOptions = {},
  ) {
    validateStarterOptions(dataSource, options);
    this.retry = { ...RETRY_DEFAULTS, ...stripUndefined(options.retry ?? {}) };
    this.logger = options.logger === false ? undefined : (options.logger ?? new Logger('DataSourceStarter'));
    this.runMigrations = options.runMigrations ?? dataSource.options.migrationsRun === true;
    // The starter runs the migrations itself, so that a failing one does not close the connection
    // (TypeORM's initialize() destroys it) and the failing migration can be named.
    if (dataSource.options.migrationsRun) dataSource.setOptions({ migrationsRun: false });
    if ((dataSource.options as { connectTimeoutMS?: number }).connectTimeoutMS === undefined) dataSource.setOptions({ connectTimeoutMS: options.connectTimeoutMs ?? 5000 } as never);
    this.secrets = dataSourceSecrets(dataSource);
    this.readyPromise = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody may be waiting on ready(): a shutdown before the database came up is not an error.
    this.readyPromise.catch(() => undefined);
    STARTERS.set(dataSource, this);
  }

  /** The current state; `text` is what the Postgres checks report. */
  get state(): DataSourceStartState {
    return this.current;
  }

  /** Resolves once connected and migrated; rejects if the starter gives up or is stopped first. */
  ready(): Promise<DataSource> {
    return this.readyPromise;
  }

  /** Nest hook: calls {@link DataSourceStarter.start | start()}. */
  onApplicationBootstrap(): void {
    this.start();
  }

  /** Nest hook: calls {@link DataSourceStarter.stop | stop()}. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the background attempts (once; later calls do nothing). Never throws, never blocks. */
  start(): void {
    this.running ??= this.run(this.controller.signal).catch((error: unknown) => {
      // A bug here must not become an unhandled rejection that ends the process.
      this.set({ phase: 'gave-up', attempt: this.current.attempt, lastError: this.describe(error) });
      this.rejectReady(new Error(this.current.text));
    });
  }

  /** No new attempt starts; waits for the one in flight (bounded by `connectTimeoutMs`, or a running migration). */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
    if (this.current.phase !== 'connected') {
      this.set({ phase: 'stopped', attempt: this.current.attempt, lastError: this.current.lastError });
      this.rejectReady(new Error(STOPPED));
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    const ds = this.dataSource;
    let attempt = 0;
    while (!signal.aborted && !ds.isInitialized) {
      attempt++;
      this.set({ phase: 'connecting', attempt, lastError: this.current.lastError });
      try {
        await ds.initialize();
        if (attempt > 1) this.logger?.log(`connected to the database after ${attempt} attempts`);
      } catch (error) {
        const lastError = this.describe(error);
        if (attempt >= this.retry.maxAttempts) {
          this.set({ phase: 'gave-up', attempt, lastError });
          this.logger?.error(this.current.text);
          this.rejectReady(new Error(this.current.text));
          return;
        }
        if (!(await this.pause('connecting', attempt, lastError, signal))) return;
      }
    }
    if (signal.aborted) return;
    attempt = 0;
    while (this.runMigrations && !signal.aborted) {
      attempt++;
      let failed: string | undefined;
      try {
        const pending = await this.pendingMigrations();
        if (pending.length === 0) break;
        this.set({ phase: 'migrating', attempt, text: MIGRATING(pending) });
        await this.migrate((name) => (failed = name));
        this.logger?.log(`ran ${pending.length} migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}`);
        break;
      } catch (error) {
        const reason = this.describe(error);
        if (!(await this.pause('migration-failed', attempt, reason, signal, failed ?? 'listing'))) return;
      }
    }
    if (signal.aborted) return;
    this.set({ phase: 'connected', attempt: 0 });
    this.resolveReady(ds);
  }

  /** Waits for the backoff of `attempt`; false when stopped meanwhile. */
  private async pause(phase: 'connecting' | 'migration-failed', attempt: number, lastError: string, signal: AbortSignal, migration?: string): Promise<boolean> {
    const delay = backoffDelay(this.retry, attempt);
    this.set({ phase, attempt, lastError, migration, nextAttemptAt: Date.now() + delay });
    this.logger?.warn(phase === 'connecting' ? CONNECT_FAILED_LOG(attempt, lastError, delay) : MIGRATION_FAILED_LOG(this.current.text, delay));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
    return !signal.aborted;
  }

  private async pendingMigrations(): Promise<string[]> {
    const ds = this.dataSource;
    if (ds.migrations.length === 0) return [];
    const table = ds.options.migrationsTableName ?? 'migrations';
    const schema = (ds.driver.options as { schema?: string }).schema;
    const qualified = schema ? `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"` : `"${table.replace(/"/g, '""')}"`;
    const names = ds.migrations.map(migrationName);
    const [found] = (await ds.query('SELECT to_regclass($1) IS NOT NULL AS exists', [qualified])) as { exists: boolean }[];
    if (!found?.exists) return names;
    const executed = new Set(((await ds.query(`SELECT name FROM ${qualified}`)) as { name: string }[]).map((row) => row.name));
    return names.filter((name) => !executed.has(name));
  }

  /** Runs the pending migrations as TypeORM would, telling `onStart` which one is running. */
  private async migrate(onStart: (name: string) => void): Promise<void> {
    const ds = this.dataSource;
    const restore = ds.migrations.map((migration) => {
      const own = Object.prototype.hasOwnProperty.call(migration, 'up');
      const up = migration.up;
      (migration as { up: MigrationInterface['up'] }).up = (queryRunner: QueryRunner) => {
        onStart(migrationName(migration));
        return up.call(migration, queryRunner);
      };
      return () => {
        if (own) migration.up = up;
        else delete (migration as { up?: unknown }).up;
      };
    });
    try {
      await ds.runMigrations({ transaction: ds.options.migrationsTransactionMode ?? 'all' });
    } finally {
      for (const undo of restore) undo();
    }
  }

  private set(state: Omit<DataSourceStartState, 'text'> & { text?: string }): void {
    this.current = { ...state, text: state.text ?? describeState(state) };
  }

  private describe(error: unknown): string {
    return describeError(error, this.secrets);
  }
}

/**
 * The passwords a DataSource knows (its `password`, the one in its `url`), to scrub from anything
 * reported. Not the whole URL: its host and port are what an operator needs to read
 * (`ECONNREFUSED 127.0.0.1:5432`); URL credentials are masked by shape anyway.
 */
export function dataSourceSecrets(source: unknown): string[] {
  const options = (source as { options?: { password?: unknown; url?: unknown } } | null)?.options;
  const secrets = [options?.password];
  if (typeof options?.url === 'string') {
    try {
      const password = new URL(options.url).password;
      secrets.push(password, decodeURIComponent(password));
    } catch {
      secrets.push(options.url); // unparsable: keep all of it out of the outputs
    }
  }
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function describeState(state: Omit<DataSourceStartState, 'text'>): string {
  switch (state.phase) {
    case 'connecting':
      return CONNECTING(state.attempt, state.lastError);
    case 'migration-failed':
      return MIGRATION_FAILED(state.migration ?? 'unknown', state.lastError ?? 'unknown error');
    case 'gave-up':
      return GAVE_UP(state.attempt, state.lastError ?? 'unknown error');
    case 'stopped':
      return STOPPED;
    case 'connected':
      return CONNECTED;
    default:
      return NOT_STARTED;
  }
}

function migrationName(migration: MigrationInterface): string {
  return migration.name ?? migration.constructor.name;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateStarterOptions(dataSource: unknown, options: DataSourceStarterOptions): void {
  const problems = new Problems();
  const ds = dataSource as Partial<DataSource> | null;
  if (typeof ds !== 'object' || ds === null || typeof ds.initialize !== 'function' || typeof ds.options !== 'object') {
    problems.add('dataSource', 'must be a TypeORM DataSource');
  } else if (ds.isInitialized) {
    problems.add('dataSource', 'is already initialized: set manualInitialization: true in TypeOrmModule options, so the starter brings it up');
  }
  if (problems.object('options', options, OPTION_NAMES) || options === undefined) {
    const o = (options ?? {}) as Record<string, unknown>;
    validateRetry(problems, 'retry', o.retry);
    problems.number('connectTimeoutMs', o.connectTimeoutMs, { min: 1, max: 600_000 });
    problems.boolean('runMigrations', o.runMigrations);
  }
  if (problems.list.length > 0) throw new InvalidOptionsError('DataSourceStarter options', problems.list);
}
