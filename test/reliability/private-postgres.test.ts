/** The private Postgres helper finds the installed server binaries, whatever the major version. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresBinDir } from '../support/private-postgres';

describe('postgresBinDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'h24-pg-bin-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** `<root>/<version>/bin` with initdb and pg_ctl, as Debian lays out each installed major version. */
  function install(version: string): string {
    const bin = path.join(root, version, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['initdb', 'pg_ctl']) writeFileSync(path.join(bin, tool), '');
    return bin;
  }

  it("prefers pg_config's bindir when it holds initdb and pg_ctl", () => {
    install('14');
    const configured = install('17');
    expect(postgresBinDir({ pgConfigBindir: configured, libDir: root })).toBe(configured);
  });

  it('else takes the highest installed version (numerically) under the lib dir', () => {
    install('9.6');
    install('15');
    const newest = install('16');
    mkdirSync(path.join(root, '18', 'bin'), { recursive: true }); // client tools only: no server
    // pg_config from libpq-dev alone points at /usr/bin, where no server is.
    expect(postgresBinDir({ pgConfigBindir: path.join(root, 'usr-bin'), libDir: root })).toBe(newest);
  });

  it('says what to install when no server binaries are found', () => {
    expect(() => postgresBinDir({ pgConfigBindir: path.join(root, 'usr-bin'), libDir: root })).toThrow(`no Postgres server binaries (initdb, pg_ctl) found: not in pg_config --bindir, nor in ${root}/*/bin; install the postgresql package`);
  });

  it('finds the ones installed on this machine', () => {
    expect(postgresBinDir()).toMatch(/\/bin$/);
  });
});
