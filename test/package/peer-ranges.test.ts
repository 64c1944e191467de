/**
 * Peer ranges that install: each range admits the version this repository tests (its devDependency), and a
 * driver that typeorm also peers on is not allowed further than typeorm allows it (ioredis 6 next to
 * typeorm 1.x is ERESOLVE, so the range stays ^5 until a matrix cell tests 6).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// semver comes with the dependency tree here (fastify, jest...; no types of its own): npm resolves ranges with it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as { satisfies(version: string, range: string): boolean; subset(range: string, of: string): boolean };

const root = resolve(__dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));
const pkg = read('package.json');
const peers = Object.entries(pkg.peerDependencies as Record<string, string>);

describe('peerDependencies', () => {
  it('admit the version each one is tested with', () => {
    const outside = peers
      .map(([name, range]) => [name, range, read(`node_modules/${name}/package.json`).version as string] as const)
      .filter(([, range, version]) => !semver.satisfies(version, range))
      .map(([name, range, version]) => `${name}: tested ${version}, range ${range}`);
    expect(outside).toEqual([]);
  });

  it("stay within typeorm's own ranges for the drivers it also peers on", () => {
    const typeormPeers = read('node_modules/typeorm/package.json').peerDependencies as Record<string, string>;
    const wider = peers
      .filter(([name]) => name in typeormPeers)
      .filter(([name, range]) => !semver.subset(range, typeormPeers[name]!))
      .map(([name, range]) => `${name}: ours ${range}, typeorm ${typeormPeers[name]}`);
    expect(wider).toEqual([]);
  });
});
