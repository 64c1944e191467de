/**
 * What `npm pack` would publish: the built library, its types, the docs, LICENSE and CHANGELOG, and nothing
 * else (no source maps pointing at an unshipped src/, no specs, no tests). Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface PackResult {
  files: { path: string; size: number }[];
  unpackedSize: number;
}

const SHIPPED = [/^dist\/.+\.js$/, /^dist\/.+\.d\.ts$/, /^docs\/.+\.md$/, /^docs\/images\/[\w.-]+\.png$/, /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/];

/** Every file path named by package.json: main, types, bin and each exports condition. */
function declaredTargets(): string[] {
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {})];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  return targets.map((t: string) => t.replace(/^\.\//, ''));
}

describe('npm pack content', () => {
  let pack: PackResult;
  let paths: string[];

  beforeAll(() => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    pack = (JSON.parse(out) as PackResult[])[0]!;
    paths = pack.files.map((f) => f.path).sort();
  }, 60_000);

  it('ships only the built library, its types, the docs, LICENSE and CHANGELOG', () => {
    expect(paths.filter((p) => !SHIPPED.some((re) => re.test(p)))).toEqual([]);
    expect(paths.filter((p) => p.includes('.spec.') || p.includes('.test.'))).toEqual([]);
    for (const required of ['LICENSE', 'CHANGELOG.md', 'README.md', 'dist/index.js', 'dist/index.d.ts']) expect(paths).toContain(required);
  });

  it('ships every file package.json points at', () => {
    expect(declaredTargets().filter((t) => !paths.includes(t))).toEqual([]);
  });

  it('ships no source maps and no JavaScript that refers to one', () => {
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    const mapped = paths.filter((p) => p.endsWith('.js') && readFileSync(join(root, p), 'utf8').includes('sourceMappingURL'));
    expect(mapped).toEqual([]);
  });

  it('ships every docs page that README.md links to', () => {
    const linked = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThan(5);
    expect(linked.filter((p) => !paths.includes(p))).toEqual([]);
  });
});
