/**
 * A small seeded pseudo-random number generator, so that simulated jitter is reproducible.
 *
 * @module
 */

/**
 * Creates a deterministic random source for one request: the same `seed` and `stream` always give
 * the same sequence, whatever order requests arrive in.
 *
 * @example Usage
 * ```ts
 * import { seededRandom } from "./prng.ts";
 * const a = seededRandom(42, 0);
 * const b = seededRandom(42, 0);
 * console.log(a() === b()); // true
 * ```
 *
 * @param seed The run's seed.
 * @param stream Which independent sequence to draw (e.g. the request number).
 * @returns A function returning numbers uniformly distributed in [0, 1).
 */
export function seededRandom(seed: number, stream: number): () => number {
  let state = (Math.imul(seed | 0, 0x85ebca6b) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  // mulberry32
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
