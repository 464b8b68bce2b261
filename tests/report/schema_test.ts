import assert from "node:assert/strict";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import { reportToJson } from "../../lib/report/json.ts";
import { mergeResults } from "../../lib/report/merge.ts";
import { buildReport } from "../../lib/report/report.ts";
import { randomRecords } from "../metrics/_fixtures.ts";
import { resultSchema, schemaErrors } from "./_schema.ts";

function sample() {
  const agg = new Aggregator({ slo: { ttftMs: 500, e2elMs: 3_000 } });
  for (const r of randomRecords(300, 9)) agg.add(r);
  return JSON.parse(JSON.stringify(reportToJson(buildReport(agg, {
    meta: {
      tool: { name: "batchbench", version: "0.1.0" },
      started_at: "2025-05-06T07:08:09.123Z",
      environment: { deno: "2.9.6", os: "linux", cpus: 2 },
      config: { model: "m" },
    },
    clientHealth: {
      loopLagMs: { p50: 0.1, p99: 1, max: 2, samples: 10 },
      clientBound: false,
      cpuSeconds: 0.2,
      cpuPercent: 10,
    },
  }))));
}

Deno.test("schema: result files, empty ones and merged ones validate", () => {
  const full = sample();
  assert.deepEqual(schemaErrors(full), []);
  const empty = JSON.parse(JSON.stringify(reportToJson(buildReport(new Aggregator()))));
  assert.deepEqual(schemaErrors(empty), []);
  const merged = JSON.parse(JSON.stringify(reportToJson(mergeResults([
    { file: "a", result: full },
    { file: "b", result: sample() },
  ]))));
  assert.deepEqual(schemaErrors(merged), []);
});

Deno.test("schema: describes every key the JSON has, and rejects what it should", () => {
  const json = sample();
  for (const key of Object.keys(json)) {
    assert.ok(
      key in resultSchema.properties,
      `key '${key}' of the result JSON is not described in schema/result.schema.json`,
    );
  }
  const broken = [
    { ...json, schema_version: 2 },
    { ...json, completed: -1 },
    { ...json, mean_ttft_ms: "12" },
    { ...json, surprise: 1 },
    { ...json, time_series: { ...json.time_series, interval_s: 5 } },
    {
      ...json,
      aggregate: { ...json.aggregate, histograms: { ...json.aggregate.histograms, ttft: {} } },
    },
  ];
  for (const b of broken) assert.notDeepEqual(schemaErrors(b), [], JSON.stringify(b).slice(0, 80));
  const { failures_by_kind: _, ...missing } = json;
  assert.notDeepEqual(schemaErrors(missing), []);
});
