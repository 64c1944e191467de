/**
 * Every ```ts block of README.md and docs/ compiles in an ES module app and in a CommonJS app against the
 * built package, every link between the pages resolves, and every package the examples import is named
 * in an install line. The work is done by scripts/compile-snippets.mjs (also runnable on its own).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

interface SnippetResult {
  pages: string[];
  compiled: string[];
  fragments: string[];
  problems: string[];
}

describe('documentation snippets', () => {
  let result: SnippetResult;

  beforeAll(() => {
    // Exit code 1 means problems; they are in the JSON and asserted below.
    const run = spawnSync(process.execPath, ['scripts/compile-snippets.mjs', '--json'], { cwd: root, encoding: 'utf8' });
    if (!run.stdout.trim()) throw new Error(`compile-snippets failed: ${run.stderr}`);
    result = JSON.parse(run.stdout) as SnippetResult;
  }, 180_000);

  it('compile as ESM and as CommonJS, link to pages and headings that exist, and import only installed packages', () => {
    expect(result.problems).toEqual([]);
  });

  it('covers README.md and every docs page, and skips only blocks marked as fragments', () => {
    expect(result.pages).toContain('README.md');
    expect(result.pages.filter((p) => p.startsWith('docs/')).length).toBeGreaterThanOrEqual(10);
    expect(result.compiled.length).toBeGreaterThanOrEqual(20);
    // A fragment is skipped on purpose and listed here; a new one should be a deliberate excerpt.
    expect(result.fragments.length).toBeLessThanOrEqual(result.compiled.length / 4);
  });
});
