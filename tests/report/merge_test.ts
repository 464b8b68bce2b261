import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import type { RequestRecord } from "../../lib/record.ts";
import { reportToJson } from "../../lib/report/json.ts";
import { mergeResults } from "../../lib/report/merge.ts";
import { buildReport } from "../../lib/report/report.ts";
import { makeRecord, randomRecords } from "../metrics/_fixtures.ts";

function resultOf(
  records: RequestRecord[],
  meta: Record<string, unknown>,
  slo?: { ttftMs: number },
) {
  const agg = new Aggregator({ slo });
  for (const r of records) agg.add(r);
  return JSON.parse(JSON.stringify(reportToJson(buildReport(agg, { meta }))));
}

const T0 = "2025-03-01T10:00:00.000Z";

Deno.test("merge: shards of one run equal the whole run (counts exact, histograms lossless)", () => {
  const records = randomRecords(600, 5);
  const config = { model: "m", users: 7 };
  const whole = resultOf(records, { started_at: T0, config });
  const a = resultOf(records.filter((r) => r.user < 3), {
    started_at: T0,
    config: { ...config, users: 3 },
  });
  const b = resultOf(records.filter((r) => r.user >= 3), {
    started_at: T0,
    config: { ...config, users: 4 },
  });
  const merged = reportToJson(
    mergeResults([{ file: "a.json", result: a }, { file: "b.json", result: b }]),
  );
  for (const [key, value] of Object.entries(whole)) {
    if (key === "meta" || key === "aggregate" || key === "failures") continue;
    if (key === "time_series") {
      assert.deepEqual(merged.time_series, value);
      continue;
    }
    if (typeof value === "number") {
      assert.ok(
        Math.abs((merged[key] as number) - value) <= 1e-9 * Math.max(1, Math.abs(value)),
        key,
      );
    } else assert.deepEqual(merged[key], value, key);
  }
  const meta = merged.meta as Record<string, Record<string, unknown>>;
  assert.deepEqual(meta.config, { model: "m", users: 7 }, "agreeing keys kept, users summed");
  assert.equal(meta.started_at, T0);
  assert.equal(meta.merged.mode, "concurrent");
  assert.deepEqual((meta.merged.sources as { file: string }[]).map((s) => s.file), [
    "a.json",
    "b.json",
  ]);
});

Deno.test("merge: concurrent shards align on started_at; sequential runs lay end to end", () => {
  const run = (startMs: number, endMs: number) =>
    makeRecord({ startMs, endMs, lastAttemptStartMs: startMs, ttftMs: 10, e2eMs: endMs - startMs });
  // Shard a: 0..4 s on its clock; shard b started 2.5 s later (wall clock), 1..3 s on its clock.
  const a = resultOf([run(0, 4_000)], { started_at: T0 });
  const b = resultOf([run(1_000, 3_000)], { started_at: "2025-03-01T10:00:02.500Z" });
  const inputs = [{ file: "a", result: a }, { file: "b", result: b }];
  const concurrent = mergeResults(inputs);
  assert.equal(
    concurrent.durationMs,
    5_500,
    "a's first send (0) to b's last completion (2.5 + 3 s)",
  );
  // b's series moves by the nearest whole second (3 s): its start (1 s on its clock) lands in second 4.
  assert.deepEqual(concurrent.timeline.started, [1, 0, 0, 0, 1, 0, 0]);
  const sequential = mergeResults(inputs, { mode: "sequential" });
  assert.equal(sequential.durationMs, 6_000, "4 s + 2 s, the gap between runs left out");
  assert.equal(sequential.successfulRequests, 2);
  assert.equal((sequential.meta.merged as { mode: string }).mode, "sequential");
  // Without wall-clock starts, shards are assumed to have started together.
  const noClock = mergeResults([{ file: "a", result: resultOf([run(0, 4_000)], {}) }, {
    file: "b",
    result: resultOf([run(1_000, 3_000)], {}),
  }]);
  assert.equal(noClock.durationMs, 4_000);
  assert.equal(noClock.meta.started_at, null);
});

Deno.test("merge: different SLOs or broken aggregates name the file", () => {
  const a = resultOf([makeRecord()], { started_at: T0 }, { ttftMs: 100 });
  const b = resultOf([makeRecord()], { started_at: T0 }, { ttftMs: 200 });
  assert.throws(
    () => mergeResults([{ file: "a.json", result: a }, { file: "b.json", result: b }]),
    (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /^b\.json: cannot be merged: .*SLOs differ/);
      return true;
    },
  );
  const broken = { ...a, aggregate: { ...a.aggregate, outcomes: null } };
  assert.throws(
    () => mergeResults([{ file: "c.json", result: broken }]),
    /c\.json: has an invalid 'aggregate': .*'outcomes' is invalid/,
  );
});
