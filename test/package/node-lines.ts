/**
 * The Node.js lines the package is tested on besides the one running the tests: 22, 24 and 26 by default
 * (DEEP_HEALTH_NODE_VERSIONS), binaries from the npm registry cached outside the repository by
 * scripts/node-binaries.mjs (the first run downloads them, ~45 s, then they are cached).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './consumer-app';

export interface NodeBinary {
  major: number;
  version: string;
  node: string;
}

export function otherNodeLines(): NodeBinary[] {
  const out = execFileSync(process.execPath, [join(root, 'scripts', 'node-binaries.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out) as NodeBinary[];
}

export const CURRENT_NODE: NodeBinary = { major: Number(process.versions.node.split('.')[0]), version: process.versions.node, node: process.execPath };
