/**
 * nest-cli.json describes the repository as a Nest workspace: `npx nest start` runs the sample app, and
 * `npx nest build --all` builds the library, then the sample that imports it (through package.json
 * "exports", so the library must come first). Checked here without running the CLI (a build takes ~25 s);
 * both commands were run by hand when the file was written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));

interface Project {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions: { tsConfigPath: string };
}

describe('nest-cli.json', () => {
  const cli = read('nest-cli.json') as { monorepo: boolean; sourceRoot: string; entryFile: string; projects: Record<string, Project> };
  const pkg = read('package.json');

  it('starts the sample app by default', () => {
    expect(cli.monorepo).toBe(true);
    expect(cli.sourceRoot).toBe('sample-app/src');
    expect(existsSync(join(root, cli.sourceRoot, `${cli.entryFile}.ts`))).toBe(true);
  });

  it('lists the library before the sample app, each with a tsconfig and an entry file that exist', () => {
    expect(Object.entries(cli.projects).map(([name, p]) => `${name}:${p.type}`)).toEqual(['nestjs-deep-health:library', 'sample-app:application']);
    const missing = Object.entries(cli.projects).flatMap(([name, p]) =>
      [p.compilerOptions.tsConfigPath, join(p.sourceRoot, `${p.entryFile}.ts`)].filter((f) => !existsSync(join(root, f))).map((f) => `${name}: ${f}`),
    );
    expect(missing).toEqual([]);
  });

  it('builds the library where package.json points', () => {
    const library = cli.projects['nestjs-deep-health']!;
    const outDir = read(library.compilerOptions.tsConfigPath).compilerOptions.outDir;
    expect(`./${outDir}/${library.entryFile}.js`).toBe(pkg.main);
  });
});
