/**
 * Timing error: what a client reported against the lean simulator's ground truth.
 *
 * Requests are matched by the `user` field they sent and their iteration. Both processes stamp times
 * on the same clock, `performance.timeOrigin + performance.now()` (Unix epoch ms, sub-ms; Python:
 * `time.time()` at start plus `perf_counter()` deltas). For each request:
 * - true TTFT = first token written - the client's start; TTFT error = reported - true, i.e. how late
 *   the client saw (and stamped) the first token: delivery over loopback plus the client's own delay;
 * - ITL error, per gap i = reported gap - (token i+1 written - token i written);
 * - E2E error = reported E2E - (last token written - the client's start).
 *
 * The server's own delays (accepting, reading the request, late timers) are part of the true
 * latency, not of the error. Each user's first request is left out when users sent more than one:
 * it includes opening the connection, when hundreds of clients connect at once (a start-up storm,
 * not the steady state the figures are about).
 *
 * @module
 */

/** Percentiles of |error| in ms. */
export interface ErrorStats {
  /** Median |error|, ms. */
  p50: number;
  /** 99th percentile |error|, ms. */
  p99: number;
  /** Largest |error|, ms. */
  max: number;
  /** Values compared. */
  n: number;
}

/** Largest |reported - true| over p50, p90 and p99 of each metric, in ms. */
export interface PercentileError {
  /** TTFT. */
  ttft: number;
  /** ITL (every gap). */
  itl: number;
  /** TPOT ((E2E - TTFT) / (tokens - 1)). */
  tpot: number;
  /** E2E latency. */
  e2e: number;
}

/** Timing error of one run. */
export interface TimingError {
  /** How far the reported percentiles are from the true ones. */
  percentiles: PercentileError;
  /** TTFT error. */
  ttft: ErrorStats;
  /** ITL error. */
  itl: ErrorStats;
  /** E2E error. */
  e2e: ErrorStats;
  /** Requests the client reported that the truth did not hold (or with another token count). */
  unmatched: number;
}

function stats(values: number[]): ErrorStats {
  const s = values.map(Math.abs).sort((a, b) => a - b);
  const at = (q: number) =>
    s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), max: s.length ? s[s.length - 1] : NaN, n: s.length };
}

/**
 * Compares reported timings with the truth.
 *
 * @param reported Client rows `[user, k, startEpochMs, ttftMs, e2eMs, ...itlMs]`.
 * @param truth Simulator rows `[user, k, arrivalMs, w0, w1, ...]`.
 * @returns The error statistics.
 */
export function timingError(
  reported: (string | number)[][],
  truth: (string | number)[][],
): TimingError {
  const byKey = new Map<string, number[]>();
  for (const row of truth) byKey.set(`${row[0]}/${row[1]}`, row.slice(2) as number[]);
  const ttft: number[] = [];
  const itl: number[] = [];
  const e2e: number[] = [];
  const rep = {
    ttft: [] as number[],
    itl: [] as number[],
    tpot: [] as number[],
    e2e: [] as number[],
  };
  const tru = {
    ttft: [] as number[],
    itl: [] as number[],
    tpot: [] as number[],
    e2e: [] as number[],
  };
  let unmatched = 0;
  const skipFirst = reported.some((row) => (row[1] as number) > 0);
  for (const row of reported) {
    if (skipFirst && row[1] === 0) continue;
    const t = byKey.get(`${row[0]}/${row[1]}`);
    const gaps = row.length - 5;
    if (!t || t.length - 1 !== gaps + 1) {
      unmatched++;
      continue;
    }
    const start = row[2] as number;
    const [rTtft, rE2e] = [row[3] as number, row[4] as number];
    const [tTtft, tE2e] = [t[1] - start, t[t.length - 1] - start];
    ttft.push(rTtft - tTtft);
    e2e.push(rE2e - tE2e);
    rep.ttft.push(rTtft);
    tru.ttft.push(tTtft);
    rep.e2e.push(rE2e);
    tru.e2e.push(tE2e);
    if (gaps > 0) {
      rep.tpot.push((rE2e - rTtft) / gaps);
      tru.tpot.push((tE2e - tTtft) / gaps);
    }
    for (let i = 0; i < gaps; i++) {
      const gap = t[2 + i] - t[1 + i];
      itl.push((row[5 + i] as number) - gap);
      rep.itl.push(row[5 + i] as number);
      tru.itl.push(gap);
    }
  }
  const pctErr = (a: number[], b: number[]) => {
    const sa = [...a].sort((x, y) => x - y);
    const sb = [...b].sort((x, y) => x - y);
    const at = (s: number[], q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
    if (sa.length === 0) return NaN;
    return Math.max(...[0.5, 0.9, 0.99].map((q) => Math.abs(at(sa, q) - at(sb, q))));
  };
  const percentiles = {
    ttft: pctErr(rep.ttft, tru.ttft),
    itl: pctErr(rep.itl, tru.itl),
    tpot: pctErr(rep.tpot, tru.tpot),
    e2e: pctErr(rep.e2e, tru.e2e),
  };
  return { ttft: stats(ttft), itl: stats(itl), e2e: stats(e2e), percentiles, unmatched };
}
