/**
 * Token-length distributions for synthetic prompts and output lengths: fixed, uniform, normal or
 * log-normal, drawn from a seeded source and rounded to integers of at least 1.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { normalSample } from "../schedule/arrivals.ts";

/**
 * A distribution of token counts.
 *
 * - `fixed`: always `value`.
 * - `uniform`: an integer uniformly in `[min, max]`.
 * - `normal`: `mean` + `stddev` * N(0, 1), rounded, at least 1.
 * - `lognormal`: `median` * exp(`sigma` * N(0, 1)), rounded, at least 1.
 */
export type LengthDist =
  | { kind: "fixed"; value: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "normal"; mean: number; stddev: number }
  | { kind: "lognormal"; median: number; sigma: number };

/**
 * Parses a length spec: `512`, `uniform:256,768`, `normal:512,64` or `lognormal:512,0.5`.
 *
 * @example Usage
 * ```ts
 * import { parseLengthDist } from "./lengths.ts";
 * console.log(parseLengthDist("uniform:10,20", "--input-tokens")); // { kind: "uniform", min: 10, max: 20 }
 * console.log(parseLengthDist("64", "--input-tokens")); // { kind: "fixed", value: 64 }
 * ```
 *
 * @param spec The text.
 * @param flag The flag or field to name in errors.
 * @returns The distribution.
 * @throws {ConfigError} Naming `flag` when the spec is malformed or out of range.
 */
export function parseLengthDist(spec: string, flag: string): LengthDist {
  const bad = (why: string): never => {
    throw new ConfigError(
      flag,
      `${why} (use N, uniform:MIN,MAX, normal:MEAN,STDDEV or lognormal:MEDIAN,SIGMA)`,
      spec,
    );
  };
  const text = spec.trim();
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < 1) bad("must be at least 1");
    return { kind: "fixed", value };
  }
  const m = text.match(/^(uniform|normal|lognormal):\s*([^,\s]+)\s*,\s*([^,\s]+)$/);
  if (!m) return bad("is not a length spec");
  const a = Number(m[2]);
  const b = Number(m[3]);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return bad("has a number that is not finite");
  let dist: LengthDist;
  if (m[1] === "uniform") dist = { kind: "uniform", min: a, max: b };
  else if (m[1] === "normal") dist = { kind: "normal", mean: a, stddev: b };
  else dist = { kind: "lognormal", median: a, sigma: b };
  validateLengthDist(dist, flag);
  return dist;
}

/**
 * Checks a distribution: integer bounds of at least 1 (uniform), a positive centre, a non-negative
 * spread.
 *
 * @param d The distribution.
 * @param field The flag or field to name in errors.
 * @throws {ConfigError} When a parameter is out of range.
 */
export function validateLengthDist(d: LengthDist, field: string): void {
  const fail = (why: string, value: unknown): never => {
    throw new ConfigError(field, why, value);
  };
  switch (d.kind) {
    case "fixed":
      if (!(Number.isInteger(d.value) && d.value >= 1)) fail("must be a positive integer", d.value);
      return;
    case "uniform":
      if (!(Number.isInteger(d.min) && d.min >= 1 && Number.isInteger(d.max) && d.max >= d.min)) {
        fail("must have integer bounds with 1 <= min <= max", `${d.min},${d.max}`);
      }
      return;
    case "normal":
      if (!(d.mean >= 1 && d.stddev >= 0)) fail("needs mean >= 1 and stddev >= 0", d);
      return;
    case "lognormal":
      if (!(d.median >= 1 && d.sigma >= 0)) fail("needs median >= 1 and sigma >= 0", d);
      return;
    default:
      fail("has an unknown kind", (d as { kind: unknown }).kind);
  }
}

/**
 * Draws one length.
 *
 * @example Usage
 * ```ts
 * import { drawLength } from "./lengths.ts";
 * import { seededRandom } from "../random.ts";
 * const n = drawLength({ kind: "uniform", min: 5, max: 7 }, seededRandom(3));
 * console.log(n >= 5 && n <= 7); // true
 * ```
 *
 * @param d The distribution.
 * @param random Uniform source in [0, 1).
 * @returns A positive integer.
 */
export function drawLength(d: LengthDist, random: () => number): number {
  switch (d.kind) {
    case "fixed":
      return d.value;
    case "uniform":
      return d.min + Math.floor(random() * (d.max - d.min + 1));
    case "normal":
      return Math.max(1, Math.round(d.mean + d.stddev * normalSample(random)));
    case "lognormal":
      return Math.max(1, Math.round(d.median * Math.exp(d.sigma * normalSample(random))));
  }
}

/**
 * Describes a distribution the way it is written on the command line.
 *
 * @example Usage
 * ```ts
 * import { formatLengthDist } from "./lengths.ts";
 * console.log(formatLengthDist({ kind: "normal", mean: 512, stddev: 64 })); // normal:512,64
 * ```
 *
 * @param d The distribution.
 * @returns The spec text.
 */
export function formatLengthDist(d: LengthDist): string {
  switch (d.kind) {
    case "fixed":
      return String(d.value);
    case "uniform":
      return `uniform:${d.min},${d.max}`;
    case "normal":
      return `normal:${d.mean},${d.stddev}`;
    case "lognormal":
      return `lognormal:${d.median},${d.sigma}`;
  }
}
