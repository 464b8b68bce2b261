import assert from "node:assert/strict";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import { buildReport, FAILURE_KINDS } from "../../lib/report/report.ts";
import { makeFailure, makeRecord, randomRecords } from "../metrics/_fixtures.ts";

/** Fails on any NaN or infinity anywhere in a value. */
function assertAllFinite(value: unknown, path = "report"): void {
  if (typeof value === "number") assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertAllFinite(v, `${path}.${k}`);
  }
}

Deno.test("buildReport: counts, tokens and rates over the measured span", () => {
  const agg = new Aggregator();
  agg.add(makeRecord({ startMs: 1_000, endMs: 2_000, promptTokens: 10, outputTokens: 30 }));
  agg.add(makeRecord({ startMs: 1_500, endMs: 3_000, promptTokens: 20, outputTokens: 50 }));
  agg.add(makeFailure("http_5xx", { startMs: 1_200, endMs: 5_000, attempts: 3 }));
  agg.add(makeFailure("cancelled", { startMs: 2_000, endMs: 2_500 }));
  agg.add(makeRecord({ warmup: true, startMs: 0, endMs: 9_000, outputTokens: 999 }));
  const report = buildReport(agg);
  assert.equal(report.totalRequests, 4);
  assert.equal(report.successfulRequests, 2);
  assert.equal(report.failedRequests, 1);
  assert.equal(report.cancelledRequests, 1);
  assert.equal(report.warmupRequests, 1);
  assert.equal(report.attempts, 6);
  assert.equal(report.failureRate, 1 / 3); // of finished (non-cancelled) requests
  assert.equal(report.failuresByKind.http_5xx, 1);
  assert.deepEqual(Object.keys(report.failuresByKind), [...FAILURE_KINDS]);
  assert.equal(report.failures.length, 1);
  assert.equal(report.totalPromptTokens, 30);
  assert.equal(report.totalCompletionTokens, 80);
  assert.equal(report.totalTokens, 110);
  assert.equal(report.durationMs, 4_000); // 1000 -> 5000, warm-up excluded
  assert.equal(report.totalDurationSecs, 4);
  assert.equal(report.requestsPerSecond, 0.5); // successful / duration
  assert.equal(report.promptTokensPerSecond, 7.5);
  assert.equal(report.completionTokensPerSecond, 20);
  assert.equal(report.totalTokenThroughput, 27.5);
  assert.equal(report.goodput, null);
  assert.equal(report.interrupted, false);
  assert.equal(report.clientHealth, null);
  assert.deepEqual(report.meta, {});
});

Deno.test("buildReport: distributions in ms and the seed's latency percentiles", () => {
  const agg = new Aggregator();
  for (let i = 1; i <= 100; i++) {
    agg.add(makeRecord({ e2eMs: i * 10, ttftMs: i, itlMs: [], outputTokens: 1 }));
  }
  const report = buildReport(agg);
  assert.equal(report.e2el.count, 100);
  assert.equal(report.e2el.minMs, 10);
  assert.equal(report.e2el.maxMs, 1_000);
  assert.equal(report.e2el.meanMs, 505);
  const close = (got: number | null, want: number) =>
    assert.ok(got !== null && Math.abs(got - want) <= want * 0.0005, `${got} vs ${want}`);
  close(report.latency.p50Ms, 500);
  close(report.latency.p90Ms, 900);
  close(report.latency.p99Ms, 990);
  assert.equal(report.latency.p99Ms, report.e2el.p99Ms);
  close(report.ttft.p999Ms, 100);
  assert.equal(report.tpot.count, 0);
  assert.equal(report.tpot.meanMs, null);
});

Deno.test("buildReport: an empty run reports nulls and zeros, never NaN", () => {
  const report = buildReport(new Aggregator({ slo: { ttftMs: 100 } }));
  assert.equal(report.durationMs, 0);
  assert.equal(report.requestsPerSecond, null);
  assert.equal(report.failureRate, null);
  assert.equal(report.latency.p99Ms, null);
  assert.equal(report.ttft.meanMs, null);
  assert.deepEqual(report.goodput, {
    slo: { ttftMs: 100 },
    goodRequests: 0,
    requestsPerSecond: null,
  });
  assertAllFinite(report);
});

Deno.test("buildReport: zero successes still reports, with the failure rate at 100%", () => {
  const agg = new Aggregator();
  agg.add(makeFailure("connect_error", { startMs: 0, endMs: 2_000 }));
  const report = buildReport(agg);
  assert.equal(report.failureRate, 1);
  assert.equal(report.requestsPerSecond, 0);
  assert.equal(report.e2el.p50Ms, null);
  assertAllFinite(report);
});

Deno.test("buildReport: info overrides and pass-through", () => {
  const agg = new Aggregator({ slo: { e2elMs: 150 } });
  agg.add(makeRecord({ e2eMs: 100 }));
  agg.add(makeRecord({ e2eMs: 200 }));
  const clientHealth = {
    loopLagMs: { p50: 1, p99: 2, max: 3, samples: 10 },
    clientBound: false,
  };
  const report = buildReport(agg, {
    durationMs: 500,
    interrupted: true,
    clientHealth,
    meta: { users: 2 },
  });
  assert.equal(report.durationMs, 500);
  assert.equal(report.requestsPerSecond, 4);
  assert.deepEqual(report.goodput, { slo: { e2elMs: 150 }, goodRequests: 1, requestsPerSecond: 2 });
  assert.equal(report.interrupted, true);
  assert.deepEqual(report.clientHealth, clientHealth);
  assert.deepEqual(report.meta, { users: 2 });
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => buildReport(agg, { durationMs: bad }), {
      name: "RangeError",
      message: new RegExp(`'durationMs'.*${bad}`),
    });
  }
});

Deno.test("buildReport: reports of shards merge exactly through their encoded aggregates", () => {
  const records = randomRecords(1_000, 77);
  const whole = new Aggregator();
  const left = new Aggregator();
  const right = new Aggregator();
  records.forEach((r, i) => {
    whole.add(r);
    (i % 2 ? left : right).add(r);
  });
  const fromFiles = [buildReport(left), buildReport(right)]
    .map((r) => Aggregator.decode(JSON.parse(JSON.stringify(r.aggregate))));
  fromFiles[0].merge(fromFiles[1]);
  const merged = buildReport(fromFiles[0]);
  const expected = buildReport(whole);
  for (const key of ["ttft", "itl", "tpot", "e2el", "queue"] as const) {
    for (const stat of ["count", "minMs", "maxMs", "p50Ms", "p99Ms", "p999Ms"] as const) {
      assert.equal(merged[key][stat], expected[key][stat], `${key}.${stat}`);
    }
  }
  assert.equal(merged.durationMs, expected.durationMs);
  assert.equal(merged.totalCompletionTokens, expected.totalCompletionTokens);
  assert.deepEqual(merged.failuresByKind, expected.failuresByKind);
  assert.deepEqual(merged.failures, expected.failures);
});
