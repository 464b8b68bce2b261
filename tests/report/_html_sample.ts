// A report with successes, failures of several kinds and several seconds, for the HTML tests.
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import { buildReport } from "../../lib/report/report.ts";
import type { BenchmarkReport } from "../../lib/report/report.ts";
import { makeFailure, makeRecord, seededRandom } from "../metrics/_fixtures.ts";

export function sampleHtmlReport(): BenchmarkReport {
  const rnd = seededRandom(42);
  const agg = new Aggregator({ slo: { ttftMs: 300 } });
  for (let i = 0; i < 400; i++) {
    const startMs = i * 20;
    if (i % 25 === 7) {
      agg.add(makeFailure(i % 50 === 7 ? "http_5xx" : "timeout", {
        user: i % 8,
        iteration: Math.floor(i / 8),
        startMs,
        endMs: startMs + 50,
        status: i % 50 === 7 ? 503 : undefined,
        error: {
          kind: i % 50 === 7 ? "http_5xx" : "timeout",
          message: `<script>alert(${i})</script> overloaded`,
        },
      }));
      continue;
    }
    const ttftMs = 80 + 200 * rnd() ** 3;
    const itlMs = Array.from({ length: 15 }, () => 8 + 6 * rnd());
    const e2eMs = ttftMs + itlMs.reduce((a, b) => a + b, 0);
    agg.add(makeRecord({
      user: i % 8,
      iteration: Math.floor(i / 8),
      startMs,
      lastAttemptStartMs: startMs,
      endMs: startMs + e2eMs,
      ttftMs,
      itlMs,
      e2eMs,
      outputTokens: 16,
      promptTokens: 20,
    }));
  }
  return buildReport(agg, {
    meta: {
      tool: { name: "batchbench", version: "0.1.0" },
      started_at: "2025-05-06T07:08:09.123Z",
      environment: { deno: "2.9.6", os: "linux", cpus: 2 },
      config: {
        endpoint: "http://127.0.0.1:8000/v1/chat/completions",
        model: "<b>model</b>",
        users: 8,
      },
    },
  });
}
