import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors.ts";
import { compareResults, formatComparison, parseThreshold } from "../../lib/report/compare.ts";

Deno.test("parseThreshold: relative and absolute, both signs; bad syntax names --fail-on", () => {
  assert.deepEqual(parseThreshold("p99.9_ttft_ms:-2.5%"), {
    text: "p99.9_ttft_ms:-2.5%",
    metric: "p99.9_ttft_ms",
    sign: "-",
    limit: 2.5,
    percent: true,
  });
  assert.equal(parseThreshold("failed:+0").percent, false);
  for (
    const bad of ["p99_ttft_ms:10%", "p99_ttft_ms", "p99_ttft_ms:+x%", ":+1", "a:+1%%", "a:+-1"]
  ) {
    assert.throws(() => parseThreshold(bad), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.ok(
        e.message.includes("'--fail-on'") && e.message.includes(JSON.stringify(bad)),
        e.message,
      );
      return true;
    });
  }
});

Deno.test("compareResults: rises, falls, absolute limits, zero bases", () => {
  const base = { p99_ttft_ms: 100, request_throughput: 50, failed: 0, completed: 10, x: 0 };
  const next = { p99_ttft_ms: 110, request_throughput: 44, failed: 1, completed: 10, x: 0 };
  const verdicts = (specs: string[]) =>
    compareResults(base, next, specs.map(parseThreshold)).thresholds.map((t) => t.failed);
  assert.deepEqual(verdicts(["p99_ttft_ms:+10%", "p99_ttft_ms:+9.9%", "p99_ttft_ms:-1%"]), [
    false, // exactly +10% is within +10%
    true,
    false, // a rise never fails a '-' threshold
  ]);
  assert.deepEqual(verdicts(["request_throughput:-12%", "request_throughput:-11%"]), [false, true]);
  assert.deepEqual(verdicts(["failed:+0", "failed:+1", "completed:-0", "x:+0%"]), [
    true,
    false,
    false,
    false,
  ]);
  // From a zero base any rise is infinite.
  assert.deepEqual(verdicts(["failed:+1000%"]), [true]);
});

Deno.test("compareResults: n/a on one side fails, on both passes; unknown metrics are a flag error", () => {
  const c = compareResults(
    { mean_tpot_ms: 5, request_goodput: null },
    { mean_tpot_ms: null, request_goodput: null },
    [parseThreshold("mean_tpot_ms:+50%"), parseThreshold("request_goodput:-5%")],
  );
  assert.deepEqual(c.thresholds.map((t) => t.failed), [true, false]);
  assert.match(c.thresholds[0].reason, /n\/a in the new run only/);
  assert.equal(c.regressed, true);
  assert.throws(
    () => compareResults({ a: 1 }, { a: 2 }, [parseThreshold("p99_nope_ms:+1%")]),
    /'--fail-on' names no numeric metric of the result files.*"p99_nope_ms:\+1%"/,
  );
  // Nested and non-key metrics are found by path and added to the table.
  const nested = compareResults(
    { failures_by_kind: { timeout: 1 } },
    { failures_by_kind: { timeout: 3 } },
    [parseThreshold("failures_by_kind.timeout:+1")],
  );
  assert.equal(nested.regressed, true);
  assert.equal(nested.rows.at(-1)?.metric, "failures_by_kind.timeout");
});

Deno.test("formatComparison: aligned table, direction by metric, verdict lines", () => {
  const c = compareResults(
    { completed: 10, p99_ttft_ms: 100, output_throughput: 500 },
    { completed: 10, p99_ttft_ms: 150, output_throughput: 600 },
    [parseThreshold("p99_ttft_ms:+10%")],
  );
  const text = formatComparison(c, "base.json", "new.json");
  const lines = text.split("\n");
  assert.equal(lines[0], "base: base.json    new: new.json");
  const row = (m: string) => lines.find((l) => l.startsWith(m + " "))!.trim().split(/\s+/);
  assert.deepEqual(row("p99_ttft_ms"), ["p99_ttft_ms", "100", "150", "+50", "+50.00%", "worse"]);
  assert.deepEqual(row("output_throughput"), [
    "output_throughput",
    "500",
    "600",
    "+100",
    "+20.00%",
    "better",
  ]);
  assert.deepEqual(row("completed"), ["completed", "10", "10", "+0", "+0.00%"]);
  assert.ok(text.includes("FAIL  p99_ttft_ms:+10%: 100 -> 150 (+50.00%; beyond +10%)"), text);
  assert.ok(text.endsWith("regression: 1 of 1 thresholds failed\n"));
});
