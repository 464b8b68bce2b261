/**
 * A per-second time series of a run (requests started and ended, output tokens, time in flight):
 * constant memory per second of run, lossless to merge and to encode, like the histograms.
 *
 * @module
 */

import type { RequestRecord } from "../record.ts";

/** The width of one bucket of a {@linkcode TimeSeries}, in ms. */
export const TIME_SERIES_INTERVAL_MS = 1000;

/** One second of a run. Second `s` covers `[s * 1000, (s + 1) * 1000)` ms on the run's clock. */
export interface TimeSeriesSecond {
  /** Index of the second since the run's start (0 = the first second). */
  second: number;
  /** Requests whose first attempt started in this second. */
  started: number;
  /** Successful requests that ended in this second. */
  completed: number;
  /** Failed requests (neither successful nor cancelled) that ended in this second. */
  failed: number;
  /** Cancelled requests that ended in this second. */
  cancelled: number;
  /**
   * Output tokens of successful requests generated in this second: each output-bearing event (its time
   * is the last attempt's start + TTFT + the inter-token gaps so far) carries an equal share of the
   * request's output tokens; a request without a TTFT (not streamed) counts them all at its end.
   */
  outputTokens: number;
  /** Milliseconds of this second that requests spent in flight, summed over requests. */
  busyMs: number;
}

/** The JSON-safe form of a {@linkcode TimeSeries}. */
export interface EncodedTimeSeries {
  /** Bucket width in ms; always 1000. */
  interval_ms: 1000;
  /**
   * Non-empty seconds in increasing order, each
   * `[second, started, completed, failed, cancelled, output_tokens, busy_ms]`.
   */
  rows: number[][];
}

const STARTED = 0;
const COMPLETED = 1;
const FAILED = 2;
const CANCELLED = 3;
const TOKENS = 4;
const BUSY = 5;
const FIELDS = 6;

/**
 * Accumulates records into one small entry per second of run. Records are bucketed by their times on
 * the run's clock: `started` by the first attempt's start, `completed`/`failed`/`cancelled` by the
 * request's end, output tokens by when they were generated, and time in flight (`busyMs`, from the
 * first attempt's start to the end) over every second it overlaps, so the mean concurrency of a second
 * is `busyMs / 1000`. Warm-up records are the caller's business (the Aggregator skips them).
 *
 * @example Usage
 * ```ts
 * import { TimeSeries } from "./timeseries.ts";
 * const ts = new TimeSeries();
 * ts.add({
 *   user: 0, iteration: 0, attempts: 1, outcome: "success", startMs: 500, endMs: 1500,
 *   lastAttemptStartMs: 500, retryDelayMs: 0, ttftMs: 100, itlMs: [600], e2eMs: 1000,
 *   outputTokens: 2, outputTokensSource: "usage",
 * });
 * console.log(ts.seconds().map((s) => [s.second, s.started, s.completed, s.outputTokens, s.busyMs]));
 * // [ [ 0, 1, 0, 1, 500 ], [ 1, 0, 1, 1, 500 ] ]
 * const copy = TimeSeries.decode(JSON.parse(JSON.stringify(ts.encode())));
 * copy.merge(ts, 10); // a shard that started 10 s later
 * console.log(copy.seconds().map((s) => s.second)); // [ 0, 1, 10, 11 ]
 * ```
 */
export class TimeSeries {
  #rows = new Map<number, Float64Array>();

  /**
   * Adds one request.
   *
   * @param r The record (times on the run's clock, in ms).
   */
  add(r: RequestRecord): void {
    if (!Number.isFinite(r.startMs) || !Number.isFinite(r.endMs)) return;
    this.#row(secondOf(r.startMs))[STARTED]++;
    const end = this.#row(secondOf(r.endMs));
    if (r.outcome === "success") {
      end[COMPLETED]++;
      this.#addTokens(r);
    } else if (r.outcome === "cancelled") end[CANCELLED]++;
    else end[FAILED]++;
    this.#addBusy(r.startMs, r.endMs);
  }

  #addTokens(r: RequestRecord): void {
    if (!(r.outputTokens > 0)) return;
    const events = 1 + r.itlMs.length;
    if (r.ttftMs === undefined || !Number.isFinite(r.ttftMs)) {
      this.#row(secondOf(r.endMs))[TOKENS] += r.outputTokens;
      return;
    }
    const share = r.outputTokens / events;
    let t = r.lastAttemptStartMs + r.ttftMs;
    let second = secondOf(t);
    let pending = share;
    for (const gap of r.itlMs) {
      if (Number.isFinite(gap)) t += gap;
      const s = secondOf(t);
      if (s !== second) {
        this.#row(second)[TOKENS] += pending;
        second = s;
        pending = 0;
      }
      pending += share;
    }
    this.#row(second)[TOKENS] += pending;
  }

  #addBusy(startMs: number, endMs: number): void {
    if (!(endMs > startMs)) return;
    for (let s = secondOf(startMs); s * TIME_SERIES_INTERVAL_MS < endMs; s++) {
      const from = Math.max(startMs, s * TIME_SERIES_INTERVAL_MS);
      const to = Math.min(endMs, (s + 1) * TIME_SERIES_INTERVAL_MS);
      if (to > from) this.#row(s)[BUSY] += to - from;
    }
  }

  #row(second: number): Float64Array {
    let row = this.#rows.get(second);
    if (!row) {
      row = new Float64Array(FIELDS);
      this.#rows.set(second, row);
    }
    return row;
  }

  /**
   * Adds everything another series holds, shifted by whole seconds (lossless).
   *
   * @param other The series to merge in; left unchanged.
   * @param offsetSeconds Seconds to add to `other`'s second indexes (e.g. a shard that started later).
   * @throws {RangeError} When `offsetSeconds` is not a safe integer.
   */
  merge(other: TimeSeries, offsetSeconds = 0): void {
    if (!Number.isSafeInteger(offsetSeconds)) {
      throw new RangeError(
        `Cannot merge time series as 'offsetSeconds' must be an integer: current value is ${offsetSeconds}`,
      );
    }
    for (const [second, values] of other.#rows) {
      const row = this.#row(second + offsetSeconds);
      for (let k = 0; k < FIELDS; k++) row[k] += values[k];
    }
  }

  /** Number of seconds holding data. */
  get size(): number {
    return this.#rows.size;
  }

  /**
   * The seconds holding data, in increasing order.
   *
   * @returns One entry per non-empty second.
   */
  seconds(): TimeSeriesSecond[] {
    return [...this.#rows.keys()].sort((a, b) => a - b).map((second) => {
      const r = this.#rows.get(second)!;
      return {
        second,
        started: r[STARTED],
        completed: r[COMPLETED],
        failed: r[FAILED],
        cancelled: r[CANCELLED],
        outputTokens: r[TOKENS],
        busyMs: r[BUSY],
      };
    });
  }

  /**
   * The compact lossless form.
   *
   * @returns A JSON-safe object.
   */
  encode(): EncodedTimeSeries {
    return {
      interval_ms: TIME_SERIES_INTERVAL_MS,
      rows: this.seconds().map((s) => [
        s.second,
        s.started,
        s.completed,
        s.failed,
        s.cancelled,
        s.outputTokens,
        s.busyMs,
      ]),
    };
  }

  /**
   * Rebuilds a series from {@linkcode TimeSeries.encode}'s output.
   *
   * @param encoded The encoded form (e.g. parsed back from JSON).
   * @returns A new series.
   * @throws {TypeError} Naming the first invalid field.
   */
  static decode(encoded: EncodedTimeSeries): TimeSeries {
    const e = encoded as unknown as Record<string, unknown>;
    if (typeof e !== "object" || e === null) fail("time_series", e);
    if (e.interval_ms !== TIME_SERIES_INTERVAL_MS) fail("time_series.interval_ms", e.interval_ms);
    if (!Array.isArray(e.rows)) fail("time_series.rows", e.rows);
    const ts = new TimeSeries();
    e.rows.forEach((row: unknown, i: number) => {
      const at = `time_series.rows[${i}]`;
      if (!Array.isArray(row) || row.length !== FIELDS + 1) fail(at, row);
      if (!Number.isSafeInteger(row[0])) fail(`${at}[0]`, row[0]);
      if (ts.#rows.has(row[0])) fail(`${at}[0]`, row[0]);
      const values = new Float64Array(FIELDS);
      for (let k = 0; k < FIELDS; k++) {
        const v = row[k + 1];
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(`${at}[${k + 1}]`, v);
        values[k] = v;
      }
      ts.#rows.set(row[0], values);
    });
    return ts;
  }
}

function secondOf(ms: number): number {
  return Math.floor(ms / TIME_SERIES_INTERVAL_MS);
}

function fail(field: string, value: unknown): never {
  const shown = Array.isArray(value) ? `an array of ${value.length}` : JSON.stringify(value);
  throw new TypeError(
    `Cannot decode time series as '${field}' is invalid: current value is ${shown}`,
  );
}
