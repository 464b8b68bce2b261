import assert from "node:assert/strict";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import {
  recordToCsvRow,
  reportToCsvRow,
  REQUESTS_CSV_COLUMNS,
  requestsCsvHeader,
  SUMMARY_CSV_COLUMNS,
  summaryCsvHeader,
} from "../../lib/report/csv.ts";
import { buildReport } from "../../lib/report/report.ts";
import { makeFailure, makeRecord } from "../metrics/_fixtures.ts";

/** A small RFC 4180 parser for the checks. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') cell += line[++i];
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

Deno.test("summary CSV: stable header, one cell per column, values where the columns say", () => {
  assert.equal(summaryCsvHeader().split(",").length, SUMMARY_CSV_COLUMNS.length);
  assert.deepEqual(SUMMARY_CSV_COLUMNS.slice(0, 4), [
    "started_at",
    "tool_version",
    "endpoint",
    "model",
  ]);
  const agg = new Aggregator();
  agg.add(makeRecord({ startMs: 0, endMs: 2_000, e2eMs: 2_000, ttftMs: 100 }));
  agg.add(makeFailure("timeout", { startMs: 0, endMs: 50 }));
  agg.add(makeFailure("http_5xx", { startMs: 0, endMs: 50 }));
  const report = buildReport(agg, {
    meta: {
      tool: { name: "batchbench", version: "9.9.9" },
      started_at: "2025-01-02T03:04:05.000Z",
      config: { endpoint: "http://h/v1", model: 'm "quoted", yes', users: 4, requests_per_user: 2 },
    },
  });
  const cells = parseCsvLine(reportToCsvRow(report));
  assert.equal(cells.length, SUMMARY_CSV_COLUMNS.length);
  const get = (name: string) => cells[SUMMARY_CSV_COLUMNS.indexOf(name)];
  assert.equal(get("started_at"), "2025-01-02T03:04:05.000Z");
  assert.equal(get("tool_version"), "9.9.9");
  assert.equal(get("model"), 'm "quoted", yes');
  assert.equal(get("users"), "4");
  assert.equal(get("completed"), "1");
  assert.equal(get("failed"), "2");
  assert.equal(get("duration_s"), "2");
  assert.equal(get("mean_ttft_ms"), "100");
  assert.equal(get("mean_tpot_ms"), String(report.tpot.meanMs));
  assert.equal(get("request_goodput"), "", "n/a is an empty cell");
  assert.equal(get("failures_by_kind"), "timeout=1;http_5xx=1");
});

Deno.test("per-request CSV: one cell per column, µs rounding, quoted error messages", () => {
  assert.equal(requestsCsvHeader().split(",").length, REQUESTS_CSV_COLUMNS.length);
  const ok = parseCsvLine(recordToCsvRow(makeRecord({
    startMs: 1.0000004,
    itlMs: [10, 30],
    ttftMs: 5,
    e2eMs: 45,
    outputTokens: 3,
  })));
  const get = (cells: string[], name: string) => cells[REQUESTS_CSV_COLUMNS.indexOf(name)];
  assert.equal(ok.length, REQUESTS_CSV_COLUMNS.length);
  assert.equal(get(ok, "start_ms"), "1");
  assert.equal(get(ok, "tpot_ms"), "20");
  assert.equal(get(ok, "mean_itl_ms"), "20");
  assert.equal(get(ok, "max_itl_ms"), "30");
  assert.equal(get(ok, "itl_count"), "2");
  const bad = parseCsvLine(recordToCsvRow(makeFailure("http_5xx", {
    status: 502,
    error: { kind: "http_5xx", message: 'bad, "gateway"\nline 2', status: 502 },
  })));
  assert.equal(get(bad, "error"), 'bad, "gateway"\nline 2');
  assert.equal(get(bad, "status"), "502");
  assert.equal(get(bad, "ttft_ms"), "");
});
