/**
 * Re-bins a latency histogram into a few equal-width bins for plotting.
 *
 * @module
 */
import type { Histogram } from "../metrics/histogram.ts";
import type { Bin } from "./svg.ts";

/** Display bins of a latency histogram, in ms. */
export interface LatencyBins {
  /** Adjacent equal-width bins, in ms. */
  bins: Bin[];
  /** Values above the last bin (a long tail cut off so the body stays readable). */
  above: number;
}

/**
 * Spreads a histogram of µs over `count` equal bins in ms, from its minimum to its maximum, or to its
 * p99 when the tail beyond is more than three times as long as the body (then `above` counts the values
 * left out).
 *
 * @example Usage
 * ```ts
 * import { Histogram } from "../metrics/histogram.ts";
 * import { latencyBins } from "./bins.ts";
 * const h = new Histogram();
 * for (let ms = 1; ms <= 10; ms++) h.record(ms * 1000);
 * const { bins, above } = latencyBins(h, 3);
 * console.log(bins.map((b) => b.count), above); // [ 3, 3, 4 ] 0
 * ```
 *
 * @param h A histogram of µs.
 * @param count Number of bins.
 * @returns The bins in ms, empty when the histogram is.
 */
export function latencyBins(h: Histogram, count = 40): LatencyBins {
  const min = h.min;
  const max = h.max;
  if (min === undefined || max === undefined) return { bins: [], above: 0 };
  const p99 = h.percentile(99) ?? max;
  const cut = h.count >= 100 && max - min > 4 * (p99 - min) ? p99 : max;
  const lo = min / 1000;
  const hi = cut / 1000;
  const width = hi > lo ? (hi - lo) / count : 1;
  const bins: Bin[] = Array.from({ length: hi > lo ? count : 1 }, (_, i) => ({
    lo: lo + i * width,
    hi: lo + (i + 1) * width,
    count: 0,
  }));
  let above = 0;
  for (const b of h.buckets()) {
    const mid = Math.min(Math.max((b.lowUs + b.highUs) / 2, min), max) / 1000;
    if (mid > hi && b.lowUs / 1000 > hi) {
      above += b.count;
      continue;
    }
    const i = Math.min(bins.length - 1, Math.max(0, Math.floor((mid - lo) / width)));
    bins[i].count += b.count;
  }
  return { bins, above };
}
