/**
 * A throwaway Postgres cluster (the installed server's major version) that a test owns, so it can stop and start it without touching
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
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SERVER_TOOLS = ['initdb', 'pg_ctl'];

/**
 * Where the Postgres server binaries are: `pg_config --bindir` when it holds initdb and pg_ctl,
 * else the highest major version under `/usr/lib/postgresql/<version>/bin` (Debian's layout,
 * where `pg_config` may come from libpq-dev and point at `/usr/bin`).
 */
export function postgresBinDir({ pgConfigBindir = pgConfig('--bindir'), libDir = '/usr/lib/postgresql' }: { pgConfigBindir?: string; libDir?: string } = {}): string {
  const hasServer = (dir: string) => SERVER_TOOLS.every((tool) => existsSync(path.join(dir, tool)));
  if (pgConfigBindir && hasServer(pgConfigBindir)) return pgConfigBindir;
  const versions = existsSync(libDir) ? readdirSync(libDir).filter((version) => hasServer(path.join(libDir, version, 'bin'))) : [];
  const newest = versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  if (newest === undefined) {
    throw new Error(`no Postgres server binaries (${SERVER_TOOLS.join(', ')}) found: not in pg_config --bindir, nor in ${libDir}/*/bin; install the postgresql package`);
  }
  return path.join(libDir, newest, 'bin');
}

function pgConfig(flag: string): string | undefined {
  try {
    return execFileSync('pg_config', [flag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined; // no pg_config installed: scan the lib dir
  }
}

export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(port: number): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), `h12-pg-${port}-`));
    chmodSync(dir, 0o777);
    const pg = new PrivatePostgres(port, dir, postgresBinDir());
    await pg.asPostgres(`${pg.bin}/initdb -D ${dir}/data -U postgres -A trust --no-sync -E UTF8 >/dev/null`);
    await pg.start();
    return pg;
  }

  private running = false;

  /** Starts the server (a no-op when it runs). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.asPostgres(
      `${this.bin}/pg_ctl -D ${this.dir}/data -l ${this.dir}/log -w -t 30 -o "-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null`,
    );
  }

  /** Stops the server (fast shutdown: open connections are closed); a no-op when it is stopped. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.asPostgres(`${this.bin}/pg_ctl -D ${this.dir}/data -m fast -w -t 30 stop >/dev/null`).catch(() => undefined);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async asPostgres(command: string): Promise<void> {
    await run('su', ['postgres', '-s', '/bin/sh', '-c', command], { timeout: 60_000 });
  }
}
