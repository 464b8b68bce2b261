/**
 * Seeded pseudo-random numbers, so that every drawn quantity (output lengths, jitter, arrivals) is
 * reproducible from a seed.
 *
 * @module
 */

/**
 * Returns a generator of uniform numbers in [0, 1) from a 32-bit seed (mulberry32).
 *
 * @example Usage
 * ```ts
 * import { seededRandom } from "./random.ts";
 * const a = seededRandom(42), b = seededRandom(42);
 * console.log(a() === b()); // true
 * ```
 *
 * @param seed Any number; its low 32 bits are used.
 * @returns The generator.
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws an integer uniformly from `[lo, hi]`.
 *
 * @example Usage
 * ```ts
 * import { randomInt, seededRandom } from "./random.ts";
 * const n = randomInt(seededRandom(1), 5, 7);
 * console.log(n >= 5 && n <= 7); // true
 * ```
 *
 * @param random Uniform source in [0, 1).
 * @param lo Lowest value (integer).
 * @param hi Highest value (integer, >= lo).
 * @returns The drawn integer.
 */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}
