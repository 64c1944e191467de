#!/usr/bin/env node
// Installs the dependencies from package-lock.json without rewriting it (`npm test` and `npm start` call this).
//
// - node_modules already matches the lockfile: nothing to do.
// - Otherwise `npm ci`: exactly the lockfile, which it never writes.
// - Only when package.json and the lockfile disagree (a dependency added by hand), or npm ci fails, does it
//   fall back to `npm install`, saying so: that run updates package-lock.json, which then has to be committed
//   (and `.ci/run` fails on the dirty tree until it is).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));
const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** Ranges of package.json that the lockfile's root entry does not record the same way. */
export function lockMismatches(pkg, lock) {
  const locked = lock.packages?.[''] ?? {};
  const problems = [];
  for (const field of FIELDS) {
    const want = pkg[field] ?? {};
    const have = locked[field] ?? {};
    for (const name of new Set([...Object.keys(want), ...Object.keys(have)])) {
      if (want[name] !== have[name]) problems.push(`${field}.${name}: package.json ${want[name] ?? '-'}, lockfile ${have[name] ?? '-'}`);
    }
  }
  return problems;
}

/** Whether node_modules holds what the lockfile says (npm's own record of it: node_modules/.package-lock.json). */
export function nodeModulesMatch(lock, hidden) {
  if (!hidden) return false;
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '') continue;
    const installed = hidden.packages?.[path];
    // Optional packages for other platforms (darwin, win32...) are in the lockfile but never installed here.
    if (!installed) {
      if (entry.optional) continue;
      return false;
    }
    if (installed.version !== entry.version) return false;
  }
  return true;
}

function npm(args) {
  console.log(`install-deps: npm ${args.join(' ')}`);
  const run = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  return run.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pkg = read('package.json');
  const lock = read('package-lock.json');
  const hiddenFile = join(root, 'node_modules', '.package-lock.json');
  const hidden = existsSync(hiddenFile) ? read('node_modules/.package-lock.json') : undefined;
  const mismatches = lockMismatches(pkg, lock);
  if (mismatches.length === 0 && nodeModulesMatch(lock, hidden)) {
    console.log('install-deps: node_modules matches package-lock.json');
  } else if (mismatches.length === 0) {
    const status = npm(['ci', '--no-audit', '--no-fund']);
    if (status !== 0) {
      // e.g. a lockfile that lost the other platforms' optional packages (`Missing: @swc/core-darwin-arm64`).
      console.warn('install-deps: npm ci failed (see above); falling back to npm install, which rewrites package-lock.json: commit it.');
      process.exitCode = npm(['install', '--no-audit', '--no-fund']);
    }
  } else {
    console.warn(
      `install-deps: package-lock.json does not match package.json, so npm ci cannot run:\n  ${mismatches.join('\n  ')}\n` +
        'install-deps: falling back to npm install, which updates package-lock.json: commit it.',
    );
    process.exitCode = npm(['install', '--no-audit', '--no-fund']);
  }
}
