import assert from "node:assert/strict";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import type { ClientHealth } from "../../lib/metrics/health.ts";
import { formatReport } from "../../lib/report/console.ts";
import { buildReport } from "../../lib/report/report.ts";
import { makeFailure, makeRecord } from "../metrics/_fixtures.ts";

/** The value printed after a label (vLLM layout: label padded to 40 columns). */
function valueOf(text: string, label: string): string {
  const line = text.split("\n").find((l) => l.startsWith(label));
  assert.ok(line, `no line "${label}" in:\n${text}`);
  assert.equal(line[40], " ", `value of "${label}" starts at column 41`);
  return line.slice(41);
}

function sampleAggregator(): Aggregator {
  const agg = new Aggregator();
  agg.add(makeRecord({ startMs: 0, endMs: 2_000, ttftMs: 100, e2eMs: 2_000, promptTokens: 11 }));
  agg.add(makeRecord({ startMs: 0, endMs: 1_000, ttftMs: 300, e2eMs: 1_000, promptTokens: 9 }));
  for (let i = 0; i < 5; i++) {
    agg.add(makeFailure("http_5xx", {
      user: i,
      startMs: 10 + i,
      endMs: 20,
      error: { kind: "http_5xx", message: `bad\ngateway ${i}`, status: 502 },
    }));
  }
  agg.add(makeFailure("cancelled", { startMs: 5, endMs: 1_500 }));
  return agg;
}

Deno.test("formatReport: vLLM's layout, labels and values", () => {
  const text = formatReport(buildReport(sampleAggregator()));
  const lines = text.split("\n");
  assert.equal(lines[0], "============ Serving Benchmark Result ============");
  assert.ok(text.endsWith("=".repeat(50) + "\n"));
  assert.equal(valueOf(text, "Successful requests:"), "2");
  assert.equal(valueOf(text, "Failed requests:"), "5");
  assert.equal(valueOf(text, "Cancelled requests:"), "1");
  assert.equal(valueOf(text, "Failure rate (%):"), "71.43");
  assert.equal(valueOf(text, "Benchmark duration (s):"), "2.00");
  assert.equal(valueOf(text, "Total input tokens:"), "20");
  assert.equal(valueOf(text, "Total generated tokens:"), "8");
  assert.equal(valueOf(text, "Request throughput (req/s):"), "1.00");
  assert.equal(valueOf(text, "Output token throughput (tok/s):"), "4.00");
  assert.equal(valueOf(text, "Total Token throughput (tok/s):"), "14.00");
  assert.equal(valueOf(text, "Mean TTFT (ms):"), "200.00");
  assert.equal(valueOf(text, "Median TTFT (ms):"), "100.00");
  assert.equal(valueOf(text, "P99 TTFT (ms):"), "300.00");
  assert.equal(valueOf(text, "Mean E2EL (ms):"), "1500.00");
  for (const title of ["Time to First Token", "Inter-token Latency", "End-to-end Latency"]) {
    assert.ok(lines.some((l) => l.length === 50 && l.includes(`-${title}-`)), title);
  }
  assert.ok(lines.includes("---------------Time to First Token----------------"));
  const beside = lines.filter((l) => l.startsWith("Failed requests (not included):"));
  assert.equal(beside.length, 4, "beside TTFT, TPOT, ITL and E2EL");
  assert.ok(beside.every((l) => l.endsWith("5 (71.43%), 1 cancelled")));
  assert.equal(text.includes("\x1b["), false);
  assert.equal(text.includes("Goodput"), false);
  assert.equal(
    text.includes("Time to First Answer Token"),
    false,
    "empty optional sections hidden",
  );
});

Deno.test("formatReport: failures grouped by kind, at most 3 examples, one line each", () => {
  const text = formatReport(buildReport(sampleAggregator()));
  assert.equal(valueOf(text, "http_5xx:"), "5");
  const examples = text.split("\n").filter((l) => l.startsWith("  user "));
  assert.deepEqual(
    examples,
    [0, 1, 2].map((i) => `  user ${i}, iteration 0, status 502, 1 attempt: bad gateway ${i}`),
  );
  assert.equal(text.includes("cancelled:"), false, "cancelled requests are not failures");
});

Deno.test("formatReport: empty populations print n/a", () => {
  const text = formatReport(buildReport(new Aggregator()));
  for (const label of ["Mean TTFT (ms):", "P99 ITL (ms):", "Median E2EL (ms):"]) {
    assert.equal(valueOf(text, label), "n/a");
  }
  assert.equal(valueOf(text, "Failure rate (%):"), "n/a");
  assert.equal(valueOf(text, "Request throughput (req/s):"), "n/a");
  assert.equal(text.includes("NaN"), false);
});

Deno.test("formatReport: goodput, interruption and a loud client-bound warning", () => {
  const agg = new Aggregator({ slo: { ttftMs: 200, e2elMs: 5_000 } });
  agg.add(makeRecord({ ttftMs: 100, startMs: 0, endMs: 500 }));
  agg.add(makeRecord({ ttftMs: 300, startMs: 0, endMs: 500 }));
  const clientHealth: ClientHealth = {
    loopLagMs: { p50: 0.4, p99: 25, max: 60, samples: 40 },
    cpuPercent: 97.5,
    clientBound: true,
    reason: "event-loop lag p99 25.0 ms > 10 ms",
  };
  const report = buildReport(agg, { interrupted: true, clientHealth });
  const text = formatReport(report);
  assert.equal(valueOf(text, "Request goodput (req/s):"), "2.00");
  assert.equal(valueOf(text, "Goodput SLOs (ms):"), "ttft<=200 e2el<=5000");
  assert.equal(valueOf(text, "Event-loop lag p50/p99/max (ms):"), "0.40 / 25.00 / 60.00");
  assert.equal(valueOf(text, "Client CPU (%):"), "97.50");
  const warnings = text.split("\n").filter((l) => l.startsWith("!!! "));
  assert.equal(warnings.length, 3, "interrupted + client-bound at the top and in its section");
  assert.match(warnings[0], /interrupted/);
  assert.match(warnings[1], /CLIENT-BOUND.*p99 25\.0 ms.*include client delay/);
  const healthy = formatReport(buildReport(agg, {
    clientHealth: { ...clientHealth, clientBound: false, reason: undefined },
  }));
  assert.equal(healthy.includes("!!!"), false);
});

Deno.test("formatReport: colour is opt-in", () => {
  const report = buildReport(sampleAggregator());
  const colored = formatReport(report, { color: true });
  assert.ok(colored.includes("\x1b[1m"));
  const stripped = colored.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "");
  assert.equal(stripped, formatReport(report));
});

Deno.test("formatReport: examplesPerKind limits the shown examples", () => {
  const text = formatReport(buildReport(sampleAggregator()), { examplesPerKind: 1 });
  assert.equal(text.split("\n").filter((l) => l.startsWith("  user ")).length, 1);
});
