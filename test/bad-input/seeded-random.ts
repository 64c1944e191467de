/**
 * A small seeded pseudo-random generator (mulberry32), so a failing fuzz or flapping run
 * reproduces: the tests print their seed, and `SEED=<n>` replays it.
 */
export interface Random {
  readonly seed: number;
  /** [0, 1) */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  bool(probability?: number): boolean;
  /** `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string;
  /** `length` arbitrary bytes. */
  bytes(length: number): Buffer;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    bool: (probability = 0.5) => next() < probability,
    string: (length, alphabet) => {
      const chars = [...alphabet];
      let out = '';
      for (let i = 0; i < length; i++) out += chars[int(0, chars.length - 1)];
      return out;
    },
    bytes: (length) => {
      const buffer = Buffer.alloc(length);
      for (let i = 0; i < length; i++) buffer[i] = int(0, 255);
      return buffer;
    },
  };
}

/** The seed of this run: `SEED` from the environment, else a fixed default (so CI is deterministic). */
export function testSeed(fallback: number): number {
  const fromEnv = Number.parseInt(process.env.SEED ?? '', 10);
  return Number.isFinite(fromEnv) ? fromEnv : fallback;
}
