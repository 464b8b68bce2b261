/**
 * Per-request seeded randomness for the simulator, built on the project's generator (../random.ts).
 *
 * @module
 */
import { seededRandom as base } from "../random.ts";

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
  return base(Math.imul(seed | 0, 0x85ebca6b) ^ Math.imul(stream + 1, 0x9e3779b9));
}
