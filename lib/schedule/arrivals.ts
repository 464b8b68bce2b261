/**
 * Open-loop arrival processes: when each request is due. Intervals are drawn from a seeded source, so a
 * schedule is reproducible from its seed.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/** The shape of the gaps between arrivals. */
export type ArrivalKind = "constant" | "poisson" | "gamma";

/** An open-loop arrival process (`--request-rate`, `--arrival`, `--burstiness`). */
export interface ArrivalProcess {
  /** Requests per second; `Infinity` sends every request at time 0 (maximum throughput). */
  rate: number;
  /**
   * `constant`: every gap is `1/rate`. `poisson`: exponential gaps (a Poisson process).
   * `gamma`: gamma-distributed gaps with shape `burstiness` and mean `1/rate` (vLLM's
   * `--burstiness`; `1` is Poisson, below 1 burstier, above 1 more regular).
   *
   * @default {"poisson"}
   */
  kind?: ArrivalKind;
  /** Shape of the gamma gaps (only with `kind: "gamma"`). @default {1} */
  burstiness?: number;
  /**
   * When the number of arrivals is known up front, rescale the drawn gaps so the schedule delivers
   * exactly `rate` (arrival `n-1` lands at `(n-1)/rate` s). The gaps keep their distribution's shape:
   * dividing independent gamma draws by their sum is the gamma process conditioned on its length
   * (for Poisson: uniform order statistics). `false` gives vLLM's plain i.i.d. draws, whose delivered
   * rate differs from `rate` by about `1/sqrt(n)`.
   *
   * @default {true}
   */
  exactRate?: boolean;
}

/**
 * Checks an arrival process and fills in its defaults.
 *
 * @example Usage
 * ```ts
 * import { resolveArrivals } from "./arrivals.ts";
 * console.log(resolveArrivals({ rate: 5 }));
 * // { rate: 5, kind: "poisson", burstiness: 1, exactRate: true }
 * ```
 *
 * @param p The process as given.
 * @returns The process with every field set.
 * @throws {ConfigError} When the rate or burstiness is not positive, or the kind is unknown.
 */
export function resolveArrivals(p: ArrivalProcess): Required<ArrivalProcess> {
  if (!(typeof p.rate === "number" && p.rate > 0)) {
    throw new ConfigError("requestRate", "must be a positive number or Infinity", p.rate);
  }
  const kind = p.kind ?? (p.burstiness !== undefined && p.burstiness !== 1 ? "gamma" : "poisson");
  if (!["constant", "poisson", "gamma"].includes(kind)) {
    throw new ConfigError("arrival", "must be constant, poisson or gamma", kind);
  }
  const burstiness = p.burstiness ?? 1;
  if (!(Number.isFinite(burstiness) && burstiness > 0)) {
    throw new ConfigError("burstiness", "must be a positive number", burstiness);
  }
  if (kind !== "gamma" && burstiness !== 1) {
    throw new ConfigError("burstiness", `applies to gamma arrivals, not ${kind}`, burstiness);
  }
  return { rate: p.rate, kind, burstiness, exactRate: p.exactRate ?? true };
}

/**
 * Draws one gap between arrivals, in milliseconds.
 *
 * @example Usage
 * ```ts
 * import { drawGapMs } from "./arrivals.ts";
 * console.log(drawGapMs({ rate: 4, kind: "constant", burstiness: 1, exactRate: true }, Math.random)); // 250
 * ```
 *
 * @param p A resolved process.
 * @param random Uniform source in [0, 1).
 * @returns The gap in milliseconds (0 for an infinite rate).
 */
export function drawGapMs(p: Required<ArrivalProcess>, random: () => number): number {
  if (p.rate === Infinity) return 0;
  const mean = 1000 / p.rate;
  if (p.kind === "constant") return mean;
  const shape = p.kind === "poisson" ? 1 : p.burstiness;
  return gammaSample(random, shape) * (mean / shape);
}

/**
 * Plans `count` arrival times (ms from the start of the run): the first at 0, then one drawn gap
 * after another. With `exactRate` the gaps are rescaled so the last arrival lands at
 * `(count - 1) / rate` seconds.
 *
 * @example Usage
 * ```ts
 * import { planArrivals } from "./arrivals.ts";
 * import { seededRandom } from "../random.ts";
 * const t = planArrivals({ rate: 10 }, 101, seededRandom(1));
 * console.log(t[0], t[100]); // 0 10000
 * ```
 *
 * @param process The arrival process.
 * @param count Number of arrivals.
 * @param random Uniform source in [0, 1).
 * @returns Non-decreasing arrival times in ms.
 */
export function planArrivals(
  process: ArrivalProcess,
  count: number,
  random: () => number,
): Float64Array {
  const p = resolveArrivals(process);
  const times = new Float64Array(count);
  for (let i = 1; i < count; i++) times[i] = times[i - 1] + drawGapMs(p, random);
  if (p.exactRate && p.rate !== Infinity && count > 1 && times[count - 1] > 0) {
    const scale = ((count - 1) * 1000 / p.rate) / times[count - 1];
    for (let i = 1; i < count; i++) times[i] *= scale;
  }
  return times;
}

/**
 * Draws from the gamma distribution with the given shape and scale 1 (Marsaglia and Tsang; shapes
 * below 1 via `gamma(shape + 1) * u^(1/shape)`).
 *
 * @example Usage
 * ```ts
 * import { gammaSample } from "./arrivals.ts";
 * import { seededRandom } from "../random.ts";
 * const r = seededRandom(7);
 * let sum = 0;
 * for (let i = 0; i < 20000; i++) sum += gammaSample(r, 2);
 * console.log(Math.abs(sum / 20000 - 2) < 0.05); // true (the mean is the shape)
 * ```
 *
 * @param random Uniform source in [0, 1).
 * @param shape Shape, positive.
 * @returns A positive sample.
 */
export function gammaSample(random: () => number, shape: number): number {
  if (shape === 1) return -Math.log(1 - random());
  if (shape < 1) {
    return gammaSample(random, shape + 1) * Math.pow(1 - random(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  while (true) {
    let x: number;
    let v: number;
    do {
      x = normalSample(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Draws from the standard normal distribution (Box-Muller).
 *
 * @example Usage
 * ```ts
 * import { normalSample } from "./arrivals.ts";
 * console.log(Number.isFinite(normalSample(Math.random))); // true
 * ```
 *
 * @param random Uniform source in [0, 1).
 * @returns A sample with mean 0 and standard deviation 1.
 */
export function normalSample(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
