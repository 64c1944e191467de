/**
 * The API reference (`npm run docs:api`, TypeDoc over the TSDoc of every entry point) builds with no
 * warning: a type a public signature names but no entry exports, a broken {@link}, a module missing
 * from src/entry-points.json all fail it (typedoc.config.mjs sets treatWarningsAsErrors).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const { entries } = JSON.parse(readFileSync(join(root, 'src/entry-points.json'), 'utf8')) as { entries: Array<{ subpath: string }> };

describe('API reference', () => {
  let out: string;
  let run: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'deep-health-api-docs-'));
    run = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--out', out, '--logLevel', 'Warn'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  }, 120_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds from the TSDoc with no warning', () => {
    const lines = `${run.stdout}${run.stderr}`.split('\n').filter(Boolean);
    expect({ status: run.status, lines }).toEqual({ status: 0, lines: [] });
  });

  it('has one page per entry point, titled by its import path', () => {
    const page = (subpath: string) => `modules/nestjs-deep-health${subpath === '.' ? '' : `_${subpath.slice(2)}`}.html`;
    const missing = entries.map(({ subpath }) => page(subpath)).filter((file) => !existsSync(join(out, file)));
    expect(missing).toEqual([]);
  });
});
