// Seeded randomness for the simulators. Two kinds: a sequential generator (mulberry32) for
// drawing a site or a dwelling's parameters once, and stateless hashes of (seed, keys…) so that
// a value at an instant depends only on that instant: a live run and a backfill agree.

/** 32-bit FNV-1a of a string, to turn ids into hash keys. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Folds one 32-bit integer into a running hash (murmur3 body step). */
export function mix(h: number, x: number): number {
  let k = Math.imul(x | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let r = h ^ k;
  r = (r << 13) | (r >>> 19);
  return (Math.imul(r, 5) + 0xe6546b64) | 0;
}

/** murmur3 finaliser: spreads every input bit over the output. */
export function finalize(h: number): number {
  let r = h ^ (h >>> 16);
  r = Math.imul(r, 0x85ebca6b);
  r ^= r >>> 13;
  r = Math.imul(r, 0xc2b2ae35);
  r ^= r >>> 16;
  return r >>> 0;
}

/** A hash of up to five integer keys (missing keys count as 0; fixed arity keeps the hot
 * path free of allocations). */
export function hashOf(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return finalize(mix(mix(mix(mix(mix(0x9747b28c, a), b), c), d), e));
}

/** Uniform in [0, 1) determined by the keys. */
export function uniformAt(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return hashOf(a, b, c, d, e) / 4294967296;
}

/** Standard normal determined by the keys (Box–Muller on two derived uniforms). */
export function normalAt(a: number, b = 0, c = 0, d = 0, e = 0): number {
  const h = hashOf(a, b, c, d, e);
  const u1 = (finalize(h ^ 0x68e31da4) + 1) / 4294967297;
  const u2 = finalize(h ^ 0x1b56c4e9) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Sequential generator for one-off draws. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** Normal with the given mean and standard deviation. */
  normal(mean?: number, sd?: number): number;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast, good enough for simulation draws. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    normal: (mean = 0, sd = 1) => {
      const u1 = 1 - next();
      const u2 = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError("pick from an empty list");
      return item;
    },
  };
}

const smoothstep = (f: number): number => f * f * (3 - 2 * f);

/** Smooth random process: normal values at knots every `period` units of x, joined by a
 * smoothstep curve. Deterministic in (key, x). Unit variance at knots. */
export function valueNoise(key: number, x: number, period: number): number {
  const p = x / period;
  const i = Math.floor(p);
  const a = normalAt(key, i);
  const b = normalAt(key, i + 1);
  return a + (b - a) * smoothstep(p - i);
}

/** A small linear congruential generator of uniforms in [0, 1), for studies and tests that
 * need a stream rather than values keyed by coordinates. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
