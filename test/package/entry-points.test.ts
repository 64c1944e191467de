/**
 * One list of entry points (src/entry-points.json): package.json `exports`, the sources jest maps
 * `nestjs-deep-health/<name>` to, and the exports table of docs/options.md all agree with it.
 * The packed-install test checks the built package (resolution, optional peers in the types) against the same list.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const { entries } = JSON.parse(readFileSync(join(root, 'src/entry-points.json'), 'utf8')) as { entries: Array<{ subpath: string; source: string; typePeers: string[] }> };
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('entry points', () => {
  it('package.json exports exactly the listed entries, each pointing at its built source', () => {
    const expected: Record<string, unknown> = {};
    for (const { subpath, source } of entries) {
      const built = `./${source.replace(/^src\//, 'dist/').replace(/\.ts$/, '')}`;
      expected[subpath] = { types: `${built}.d.ts`, default: `${built}.js` };
    }
    expected['./package.json'] = './package.json';
    expect(pkg.exports).toEqual(expected);
  });

  it('every listed source exists, and jest maps the subpath to it', () => {
    const missing = entries.filter(({ source }) => !existsSync(join(root, source))).map(({ source }) => source);
    expect(missing).toEqual([]);
    const mapped = entries
      .filter(({ subpath }) => subpath !== '.')
      .filter(({ subpath, source }) => `src/indicators/${subpath.slice(2)}/index.ts` !== source)
      .map(({ subpath }) => subpath);
    expect(mapped).toEqual([]);
  });

  it('the exports table of docs/options.md has one row per entry, and no other', () => {
    const doc = readFileSync(join(root, 'docs/options.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `(nestjs-deep-health(?:\/[a-z-]+)?)` \|/gm)].map((m) => m[1]);
    const listed = entries.map(({ subpath }) => (subpath === '.' ? 'nestjs-deep-health' : `nestjs-deep-health/${subpath.slice(2)}`));
    expect(rows.sort()).toEqual(listed.sort());
  });

  it('names only optional peers as peers the types may import', () => {
    const optional = Object.keys(pkg.peerDependenciesMeta ?? {}).filter((name) => pkg.peerDependenciesMeta[name].optional);
    const unknown = entries.flatMap(({ subpath, typePeers }) => typePeers.filter((peer) => !optional.includes(peer)).map((peer) => `${subpath}: ${peer}`));
    expect(unknown).toEqual([]);
  });
});
