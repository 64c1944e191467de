/**
 * A throwaway Postgres 15 cluster that a test owns, so it can stop and start it without touching
 * the shared one on 5432: `initdb` in a temp dir, run by `pg_ctl` as the `postgres` OS user
 * (Postgres refuses to run as root), trust auth on loopback, socket dir in the temp dir.
 *
 * API
 * ```ts
 * const pg = await PrivatePostgres.create(5441);   // initdb + start; ports 5441-5445 are h12's range
 * pg.url;                                         // postgres://postgres@127.0.0.1:5441/postgres
 * await pg.stop();  await pg.start();             // fast shutdown / start again, same data (no-ops when already so)
 * await pg.destroy();                             // stop and remove the data dir (afterAll)
 * ```
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(port: number): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), `h12-pg-${port}-`));
    chmodSync(dir, 0o777);
    const pg = new PrivatePostgres(port, dir);
    await pg.asPostgres(`${BIN}/initdb -D ${dir}/data -U postgres -A trust --no-sync -E UTF8 >/dev/null`);
    await pg.start();
    return pg;
  }

  private running = false;

  /** Starts the server (a no-op when it runs). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.asPostgres(
      `${BIN}/pg_ctl -D ${this.dir}/data -l ${this.dir}/log -w -t 30 -o "-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null`,
    );
  }

  /** Stops the server (fast shutdown: open connections are closed); a no-op when it is stopped. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.asPostgres(`${BIN}/pg_ctl -D ${this.dir}/data -m fast -w -t 30 stop >/dev/null`).catch(() => undefined);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async asPostgres(command: string): Promise<void> {
    await run('su', ['postgres', '-s', '/bin/sh', '-c', command], { timeout: 60_000 });
  }
}
