import { createHash } from 'node:crypto';
import { EMBEDDING_DIMENSIONS } from '../config.js';

/**
 * A small deterministic embedding (hashed bag of words, L2-normalised) so the sample runs with no
 * model. Swap it for a real embedding call; the rest of the app stays the same.
 */
export function embed(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const digest = createHash('sha1').update(word).digest();
    vector[digest.readUInt16BE(0) % EMBEDDING_DIMENSIONS]! += digest[2]! & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => Math.round((v / norm) * 1e6) / 1e6);
}

export const toPgVector = (vector: readonly number[]) => `[${vector.join(',')}]`;
