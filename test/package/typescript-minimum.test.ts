/**
 * The minimum TypeScript that README.md states, tested: every docs example compiles with it, as an ES module
 * app and as a CommonJS app, with `skipLibCheck: false` (so this package's .d.ts are checked too).
 *
 * Why 5.8: the build is CommonJS and Nest 12 is ESM only; TypeScript accepts a CommonJS file importing an ES
 * module (Node's require(esm)) from 5.8 on. Below it every CommonJS Nest 12 app fails on its own
 * `import ... from '@nestjs/common'` (TS1479), and with `skipLibCheck: false` our .d.ts do too (7 x TS1479
 * with 5.3). With `skipLibCheck: true` TypeScript 5.3 (import attributes in .d.ts) is enough for ESM apps.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const MINIMUM = '5.8';
const root = resolve(__dirname, '../..');

describe(`TypeScript ${MINIMUM}, the stated minimum`, () => {
  it('is the minimum README.md states', () => {
    expect(readFileSync(resolve(root, 'README.md'), 'utf8')).toContain(`TypeScript ${MINIMUM} or later`);
  });

  it('compiles every docs example as ESM and CommonJS with skipLibCheck off', () => {
    // The compiler is fetched from the registry once (scripts/registry-cache.mjs) and cached outside the repo.
    const run = spawnSync(process.execPath, ['scripts/compile-snippets.mjs', '--json', '--typescript', MINIMUM, '--no-skip-lib-check'], { cwd: root, encoding: 'utf8' });
    if (!run.stdout.trim()) throw new Error(`compile-snippets failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout) as { typescript: string; problems: string[]; foreign: string[]; compiled: string[] };
    expect(result.typescript.startsWith(`${MINIMUM}.`)).toBe(true);
    expect(result.compiled.length).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
    expect(result.foreign).toEqual([]);
  }, 240_000);
});
