import assert from "node:assert/strict";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import type { EncodedAggregate } from "../../lib/metrics/aggregate_codec.ts";
import { REPORT_SCHEMA_VERSION, reportToJson } from "../../lib/report/json.ts";
import { buildReport } from "../../lib/report/report.ts";
import { makeFailure, makeRecord } from "../metrics/_fixtures.ts";

function sampleReport() {
  const agg = new Aggregator({ slo: { ttftMs: 50 } });
  agg.add(makeRecord({ startMs: 0, endMs: 2_000, ttftMs: 40, e2eMs: 2_000, promptTokens: 6 }));
  agg.add(makeRecord({ startMs: 0, endMs: 1_000, ttftMs: 60, e2eMs: 1_000, promptTokens: 4 }));
  agg.add(makeFailure("http_429", { status: 429, error: { kind: "http_429", message: "slow" } }));
  return buildReport(agg, { meta: { model: "m" } });
}

Deno.test("reportToJson: vLLM's keys and values where the metric is the same", () => {
  const json = reportToJson(sampleReport());
  assert.equal(json.schema_version, REPORT_SCHEMA_VERSION);
  assert.equal(json.completed, 2);
  assert.equal(json.failed, 1);
  assert.equal(json.cancelled, 0);
  assert.equal(json.duration, 2); // seconds
  assert.equal(json.total_input_tokens, 10);
  assert.equal(json.total_output_tokens, 8);
  assert.equal(json.request_throughput, 1);
  assert.equal(json.output_throughput, 4);
  assert.equal(json.total_token_throughput, 9);
  assert.equal(json.request_goodput, 0.5);
  assert.deepEqual(json.goodput_slo, { ttft_ms: 50 });
  assert.equal(json.mean_ttft_ms, 50);
  assert.equal(json.median_ttft_ms, json.p50_ttft_ms);
  assert.equal(json.std_ttft_ms, 10);
  assert.equal(json.p99_ttft_ms, 60);
  assert.equal(json.max_e2el_ms, 2_000);
  for (const metric of ["ttft", "tpot", "itl", "e2el", "ttfat", "e2el_intended", "queue"]) {
    for (
      const stat of ["mean", "median", "std", "min", "max", "p50", "p90", "p95", "p99", "p99.9"]
    ) {
      assert.ok(`${stat}_${metric}_ms` in json, `${stat}_${metric}_ms`);
    }
    assert.equal(typeof json[`${metric}_count`], "number");
  }
  assert.deepEqual((json.failures_by_kind as Record<string, number>).http_429, 1);
  assert.deepEqual(json.failures, [{
    user: 0,
    iteration: 0,
    kind: "http_429",
    message: "slow",
    status: 429,
    attempts: 1,
    start_ms: 0,
  }]);
  assert.deepEqual(json.meta, { model: "m" });
  assert.equal(json.client_health, null);
});

Deno.test("reportToJson: every key is snake_case (outside meta)", () => {
  const json = reportToJson(sampleReport());
  const walk = (value: unknown, path: string): void => {
    if (!value || typeof value !== "object" || Array.isArray(value) && value.length === 0) return;
    for (const [key, inner] of Object.entries(value)) {
      if (!Array.isArray(value)) assert.match(key, /^[a-z0-9_.]+$/, `${path}.${key}`);
      if (key !== "meta") walk(inner, `${path}.${key}`);
    }
  };
  walk(json, "json");
});

Deno.test("reportToJson: empty populations are null; the text has no NaN", () => {
  const json = reportToJson(buildReport(new Aggregator()));
  assert.equal(json.mean_ttft_ms, null);
  assert.equal(json["p99.9_itl_ms"], null);
  assert.equal(json.request_throughput, null);
  assert.equal(json.request_goodput, null);
  assert.equal(json.failure_rate, null);
  const text = JSON.stringify(json);
  assert.equal(/NaN|Infinity/.test(text), false);
  assert.deepEqual(JSON.parse(text), json);
});

Deno.test("reportToJson: client health in snake_case; the aggregate decodes", () => {
  const report = buildReport(new Aggregator(), {
    clientHealth: {
      loopLagMs: { p50: 1, p99: 2, max: 3, samples: 4 },
      cpuSeconds: 1.5,
      cpuPercent: 50,
      clientBound: false,
    },
  });
  const json = JSON.parse(JSON.stringify(reportToJson(report)));
  assert.deepEqual(json.client_health, {
    loop_lag_ms: { p50: 1, p99: 2, max: 3, samples: 4 },
    cpu_seconds: 1.5,
    cpu_percent: 50,
    client_bound: false,
    reason: null,
  });
  const full = reportToJson(sampleReport());
  const agg = Aggregator.decode(JSON.parse(JSON.stringify(full.aggregate)) as EncodedAggregate);
  assert.equal(agg.successfulRequests, 2);
  assert.equal(agg.outcomes.http_429, 1);
});
