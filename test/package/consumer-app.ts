/**
 * A throwaway app outside the repository that installs the packed package as a user would (`npm pack`,
 * then `npm install` of the tarball), and boots files in it as child processes. Used by the
 * packed-install smoke and the lowest-peers cell.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '../..');

export interface ConsumerApp {
  dir: string;
  /** The tarball's file name inside `dir`. */
  tarball: string;
}

/**
 * Packs the library into a new temp folder and installs it there with `dependencies` beside it
 * (npm's cache serves repeated runs: `--prefer-offline`).
 */
export function installConsumerApp(prefix: string, manifest: { name: string; version: string }, dependencies: Record<string, string>): ConsumerApp {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ ...manifest, private: true, dependencies: { 'nestjs-deep-health': `file:./${tarball}`, ...dependencies } }, null, 2),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
  return { dir, tarball };
}

/**
 * Compiles `file` in `dir` with the repository's TypeScript as a strict `nodenext` app (`compilerOptions`
 * added), the app's own @types first, then the repository's; returns tsc's error lines ([] when it compiles).
 */
export function compileIn(dir: string, file: string, compilerOptions: Record<string, unknown>): string[] {
  const base = { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, typeRoots: ['./node_modules/@types', join(root, 'node_modules/@types')], types: ['node'] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...base, ...compilerOptions }, files: [file] }));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    return [];
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error).split('\n').filter(Boolean);
  }
}

/** Starts `node file` in `dir` and resolves with the port it prints as `PORT=<n>` (the whole output on failure). */
export async function boot(node: string, dir: string, file: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(node, [file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PORT=(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}: ${output}`));
    });
  });
  return { child, port };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}
