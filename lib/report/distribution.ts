/**
 * Summary statistics of one latency population, in milliseconds.
 *
 * @module
 */

import type { Histogram } from "../metrics/histogram.ts";

/**
 * Summary of a latency population in milliseconds, from a histogram of integer microseconds (3
 * significant digits). Every statistic is `null` when the population is empty (never NaN).
 *
 * `meanMs`, `stdMs` (population standard deviation, numpy's `std`), `minMs` and `maxMs` are exact.
 * Percentiles follow HdrHistogram: the lowest recorded value such that at least p% of the values are
 * less than or equal to it, reported as the middle of its bucket (clamped to `[min, max]`): within
 * 0.05% of the exact value. vLLM interpolates between neighbours (numpy's `percentile`), so the two may
 * differ by up to one gap between sorted values on small populations.
 */
export interface Distribution {
  /** Number of samples. */
  count: number;
  /** Arithmetic mean. */
  meanMs: number | null;
  /** Population standard deviation. */
  stdMs: number | null;
  /** Smallest sample. */
  minMs: number | null;
  /** Largest sample. */
  maxMs: number | null;
  /** Median (vLLM's "Median"). */
  p50Ms: number | null;
  /** 90th percentile. */
  p90Ms: number | null;
  /** 95th percentile. */
  p95Ms: number | null;
  /** 99th percentile. */
  p99Ms: number | null;
  /** 99.9th percentile. */
  p999Ms: number | null;
}

/**
 * Summarises a histogram of microseconds in milliseconds.
 *
 * @example Usage
 * ```ts
 * import { Histogram } from "../metrics/histogram.ts";
 * import { distributionOf } from "./distribution.ts";
 * const h = new Histogram();
 * h.record(1000);
 * h.record(3000);
 * const d = distributionOf(h);
 * console.log(d.count, d.meanMs, d.stdMs, d.p50Ms, d.maxMs); // 2 2 1 1 3
 * console.log(distributionOf(new Histogram()).p99Ms); // null
 * ```
 *
 * @param h A histogram of microseconds.
 * @returns The summary in milliseconds.
 */
export function distributionOf(h: Histogram): Distribution {
  const ms = (us: number | undefined) => us === undefined ? null : us / 1000;
  const at = (p: number) => ms(h.percentile(p));
  return {
    count: h.count,
    meanMs: ms(h.mean),
    stdMs: ms(h.stddev),
    minMs: ms(h.min),
    maxMs: ms(h.max),
    p50Ms: at(50),
    p90Ms: at(90),
    p95Ms: at(95),
    p99Ms: at(99),
    p999Ms: at(99.9),
  };
}
