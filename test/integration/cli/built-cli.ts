import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root. */
export const root = resolve(__dirname, '../../..');

/** The built bin, where package.json `bin` points. */
export const bin = join(root, 'dist/cli/main.js');

/**
 * Builds dist/ (`npx tsc -p tsconfig.build.json`) when dist/cli/main.js is missing or older than
 * the CLI's sources, so the tests always run the bin that would ship.
 */
export function ensureBuilt(): void {
  const sources = [
    ...readdirSync(join(root, 'src/cli'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
      .map((f) => join(root, 'src/cli', f)),
    join(root, 'src/engine/redact.ts'),
  ];
  const newestSource = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  const builtAt = () => {
    try {
      return statSync(bin).mtimeMs;
    } catch {
      return 0;
    }
  };
  if (builtAt() >= newestSource) return;
  // Other areas may have type errors while being written; tsc still emits, so judge by the output file.
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (builtAt() < newestSource) {
    throw new Error(`could not build ${bin} with "npx tsc -p tsconfig.build.json":\n${build.stdout}${build.stderr}`);
  }
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the built CLI asynchronously (test servers live in the test's process, so a synchronous
 * spawn would block them). `env` replaces the environment, apart from PATH.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 15_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolvePromise({
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
          signal: failure?.signal ?? null,
          stdout,
          stderr,
          ms: Date.now() - started,
        });
      },
    );
  });
}

