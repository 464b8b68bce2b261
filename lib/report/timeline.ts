/**
 * The per-second view of a run for reports and charts: dense arrays over every second of the run, and
 * the peaks.
 *
 * @module
 */

import { TIME_SERIES_INTERVAL_MS, type TimeSeries } from "../metrics/timeseries.ts";

/**
 * A run second by second. Every array has one entry per second, from `seconds[0]` to the last second
 * holding data, without gaps (a quiet second is 0). Second `s` covers `[s, s + 1)` s on the run's clock.
 */
export interface Timeline {
  /** Bucket width in ms; always 1000. */
  intervalMs: number;
  /** The seconds since the run's start, one per entry. */
  seconds: number[];
  /** Requests started per second. */
  started: number[];
  /** Successful requests ended per second: the request throughput of that second. */
  completed: number[];
  /** Failed requests ended per second (the errors). */
  failed: number[];
  /** Cancelled requests ended per second. */
  cancelled: number[];
  /** Output tokens generated per second by requests that succeeded: the output throughput. */
  outputTokens: number[];
  /**
   * Mean requests in flight during the second: time in flight / the part of the second inside the run
   * (so the first and the last, partial seconds are not understated).
   */
  concurrency: number[];
}

/** The per-second peaks and the run's mean concurrency. */
export interface TimelinePeaks {
  /** Most output tokens generated in one second (vLLM's `max_output_tokens_per_s`); null if none. */
  maxOutputTokensPerSecond: number | null;
  /** Highest mean concurrency of one second; null without requests. */
  peakConcurrency: number | null;
  /** Time in flight summed over requests / the run's duration (Little's law); null for 0 duration. */
  meanConcurrency: number | null;
}

/**
 * Builds the dense per-second view of a time series.
 *
 * @example Usage
 * ```ts
 * import { TimeSeries } from "../metrics/timeseries.ts";
 * import { timelineOf } from "./timeline.ts";
 * const ts = new TimeSeries();
 * ts.add({
 *   user: 0, iteration: 0, attempts: 1, outcome: "http_5xx", startMs: 0, endMs: 2500,
 *   lastAttemptStartMs: 0, retryDelayMs: 0, itlMs: [], e2eMs: 2500, outputTokens: 0,
 *   outputTokensSource: "usage",
 * });
 * const t = timelineOf(ts, 0, 2500);
 * console.log(t.seconds, t.failed, t.concurrency); // [ 0, 1, 2 ] [ 0, 0, 1 ] [ 1, 1, 1 ]
 * ```
 *
 * @param ts The time series.
 * @param spanStartMs The run's first send (ms on the run's clock).
 * @param spanEndMs The run's last completion (ms on the run's clock).
 * @returns The timeline.
 */
export function timelineOf(ts: TimeSeries, spanStartMs: number, spanEndMs: number): Timeline {
  const rows = ts.seconds();
  const t: Timeline = {
    intervalMs: TIME_SERIES_INTERVAL_MS,
    seconds: [],
    started: [],
    completed: [],
    failed: [],
    cancelled: [],
    outputTokens: [],
    concurrency: [],
  };
  if (rows.length === 0) return t;
  const first = rows[0].second;
  const last = rows[rows.length - 1].second;
  let next = 0;
  for (let s = first; s <= last; s++) {
    const row = rows[next]?.second === s ? rows[next++] : undefined;
    t.seconds.push(s);
    t.started.push(row?.started ?? 0);
    t.completed.push(row?.completed ?? 0);
    t.failed.push(row?.failed ?? 0);
    t.cancelled.push(row?.cancelled ?? 0);
    t.outputTokens.push(row?.outputTokens ?? 0);
    const from = Math.max(s * TIME_SERIES_INTERVAL_MS, spanStartMs);
    const to = Math.min((s + 1) * TIME_SERIES_INTERVAL_MS, spanEndMs);
    const covered = to > from ? to - from : TIME_SERIES_INTERVAL_MS;
    t.concurrency.push((row?.busyMs ?? 0) / covered);
  }
  return t;
}

/**
 * The peaks of a time series and the run's mean concurrency.
 *
 * @example Usage
 * ```ts
 * import { TimeSeries } from "../metrics/timeseries.ts";
 * import { timelineOf, timelinePeaks } from "./timeline.ts";
 * const ts = new TimeSeries();
 * for (const [startMs, endMs] of [[0, 1000], [0, 2000]]) {
 *   ts.add({
 *     user: 0, iteration: 0, attempts: 1, outcome: "success", startMs, endMs,
 *     lastAttemptStartMs: startMs, retryDelayMs: 0, ttftMs: 10, itlMs: [], e2eMs: endMs - startMs,
 *     outputTokens: 1, outputTokensSource: "usage",
 *   });
 * }
 * console.log(timelinePeaks(ts, timelineOf(ts, 0, 2000), 2000));
 * // { maxOutputTokensPerSecond: 2, peakConcurrency: 2, meanConcurrency: 1.5 }
 * ```
 *
 * @param ts The time series.
 * @param timeline Its timeline ({@linkcode timelineOf}).
 * @param durationMs The run's duration.
 * @returns The peaks.
 */
export function timelinePeaks(
  ts: TimeSeries,
  timeline: Timeline,
  durationMs: number,
): TimelinePeaks {
  if (timeline.seconds.length === 0) {
    return { maxOutputTokensPerSecond: null, peakConcurrency: null, meanConcurrency: null };
  }
  let busyMs = 0;
  for (const row of ts.seconds()) busyMs += row.busyMs;
  return {
    maxOutputTokensPerSecond: maxOf(timeline.outputTokens),
    peakConcurrency: maxOf(timeline.concurrency),
    meanConcurrency: durationMs > 0 ? busyMs / durationMs : null,
  };
}

function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}
