import assert from "node:assert/strict";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import { TimeSeries } from "../../lib/metrics/timeseries.ts";
import { timelineOf, timelinePeaks } from "../../lib/report/timeline.ts";
import { buildReport } from "../../lib/report/report.ts";
import { makeFailure, makeRecord, randomRecords } from "./_fixtures.ts";

Deno.test("TimeSeries: starts, ends, errors and busy time land in their seconds", () => {
  const ts = new TimeSeries();
  ts.add(makeRecord({ startMs: 900, endMs: 2_100, lastAttemptStartMs: 900, ttftMs: 50 }));
  ts.add(makeFailure("timeout", { startMs: 1_500, endMs: 1_700 }));
  ts.add(makeFailure("cancelled", { startMs: 2_000, endMs: 2_500 }));
  const rows = ts.seconds();
  assert.deepEqual(rows.map((r) => r.second), [0, 1, 2]);
  assert.deepEqual(rows.map((r) => r.started), [1, 1, 1]);
  assert.deepEqual(rows.map((r) => r.completed), [0, 0, 1]);
  assert.deepEqual(rows.map((r) => r.failed), [0, 1, 0]);
  assert.deepEqual(rows.map((r) => r.cancelled), [0, 0, 1]);
  // 100 ms of the success in second 0; 1000 + 200 in second 1; 100 + 500 in second 2.
  assert.deepEqual(rows.map((r) => r.busyMs), [100, 1_200, 600]);
});

Deno.test("TimeSeries: output tokens are spread over their events' seconds, usage counts kept", () => {
  const ts = new TimeSeries();
  // Events at 950, 980, 1010, 1040 (ttft 50 after a retry that started at 900); 8 tokens by usage.
  ts.add(makeRecord({
    startMs: 0,
    lastAttemptStartMs: 900,
    endMs: 1_100,
    ttftMs: 50,
    itlMs: [30, 30, 30],
    outputTokens: 8,
  }));
  // Not streamed: every token at the end.
  ts.add(makeRecord({ startMs: 0, endMs: 2_500, ttftMs: undefined, itlMs: [], outputTokens: 5 }));
  // Failures carry no output tokens.
  ts.add(makeFailure("http_5xx", { startMs: 0, endMs: 10, outputTokens: 3 }));
  const tokens = ts.seconds().map((r) => [r.second, r.outputTokens]);
  assert.deepEqual(tokens, [[0, 4], [1, 4], [2, 5]]);
});

Deno.test("TimeSeries: merge adds with a whole-second offset; encode/decode is lossless", () => {
  const records = randomRecords(300, 7).filter((r) => !r.warmup);
  const whole = new TimeSeries();
  const a = new TimeSeries();
  const b = new TimeSeries();
  records.forEach((r, i) => {
    whole.add(r);
    (i % 2 ? a : b).add(r);
  });
  const merged = TimeSeries.decode(JSON.parse(JSON.stringify(a.encode())));
  merged.merge(TimeSeries.decode(JSON.parse(JSON.stringify(b.encode()))));
  assert.deepEqual(round(merged.seconds()), round(whole.seconds()));

  const shifted = new TimeSeries();
  shifted.merge(a, 5);
  assert.deepEqual(
    shifted.seconds().map((r) => r.second),
    a.seconds().map((r) => r.second + 5),
  );
  assert.throws(
    () => shifted.merge(a, 0.5),
    /offsetSeconds' must be an integer: current value is 0.5/,
  );
});

Deno.test("TimeSeries.decode names the invalid field", () => {
  assert.throws(
    () => TimeSeries.decode({ interval_ms: 500 } as never),
    /'time_series.interval_ms' is invalid: current value is 500/,
  );
  assert.throws(
    () => TimeSeries.decode({ interval_ms: 1000, rows: [[0, 1, 1, 0, 0, -2, 5]] }),
    /'time_series.rows\[0\]\[5\]' is invalid: current value is -2/,
  );
  assert.throws(
    () =>
      TimeSeries.decode({
        interval_ms: 1000,
        rows: [[0, 1, 1, 0, 0, 2, 5], [0, 1, 1, 0, 0, 2, 5]],
      }),
    /'time_series.rows\[1\]\[0\]' is invalid/,
  );
});

Deno.test("Aggregator: time series skips warm-up, travels in encode, old aggregates decode", () => {
  const agg = new Aggregator();
  agg.add(makeRecord({ startMs: 0, endMs: 500, warmup: true }));
  agg.add(makeRecord({ startMs: 1_000, lastAttemptStartMs: 1_000, endMs: 1_500 }));
  assert.deepEqual(agg.timeSeries.seconds().map((r) => r.second), [1]);
  const encoded = JSON.parse(JSON.stringify(agg.encode()));
  assert.deepEqual(encoded.time_series.rows.length, 1);
  assert.deepEqual(Aggregator.decode(encoded).timeSeries.seconds(), agg.timeSeries.seconds());
  delete encoded.time_series;
  assert.equal(Aggregator.decode(encoded).timeSeries.size, 0);
});

Deno.test("timeline: dense seconds, edge seconds normalised by their covered part, peaks", () => {
  const ts = new TimeSeries();
  // Two requests in flight from 500 ms to 2 500 ms; second 1 has nothing ending.
  for (let user = 0; user < 2; user++) {
    ts.add(makeRecord({ user, startMs: 500, endMs: 2_500, lastAttemptStartMs: 500, ttftMs: 100 }));
  }
  const t = timelineOf(ts, 500, 2_500);
  assert.deepEqual(t.seconds, [0, 1, 2]);
  assert.deepEqual(t.completed, [0, 0, 2]);
  assert.deepEqual(t.concurrency, [2, 2, 2], "both requests in flight during every covered ms");
  const peaks = timelinePeaks(ts, t, 2_000);
  assert.equal(peaks.peakConcurrency, 2);
  assert.equal(peaks.meanConcurrency, 2);
  assert.deepEqual(
    timelinePeaks(new TimeSeries(), timelineOf(new TimeSeries(), 0, 0), 0),
    { maxOutputTokensPerSecond: null, peakConcurrency: null, meanConcurrency: null },
  );
});

Deno.test("report: time series totals equal the run's totals", () => {
  const agg = new Aggregator();
  for (const r of randomRecords(500, 3)) agg.add(r);
  const report = buildReport(agg);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const t = report.timeline;
  assert.equal(sum(t.completed), report.successfulRequests);
  assert.equal(sum(t.failed), report.failedRequests);
  assert.equal(sum(t.cancelled), report.cancelledRequests);
  assert.equal(sum(t.started), report.totalRequests);
  assert.ok(Math.abs(sum(t.outputTokens) - report.totalCompletionTokens) < 1e-6);
  assert.equal(t.seconds.length, t.seconds[t.seconds.length - 1] - t.seconds[0] + 1);
});

function round(rows: ReturnType<TimeSeries["seconds"]>) {
  return rows.map((r) => ({
    ...r,
    outputTokens: +r.outputTokens.toFixed(9),
    busyMs: +r.busyMs.toFixed(6),
  }));
}
