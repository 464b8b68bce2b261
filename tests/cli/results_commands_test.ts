// The results commands (report, compare, merge) through cliMain with a fake outside world.
import assert from "node:assert/strict";
import { cliMain } from "../../lib/cli/main.ts";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import { SUMMARY_CSV_COLUMNS } from "../../lib/report/csv.ts";
import { reportToJson } from "../../lib/report/json.ts";
import { buildReport } from "../../lib/report/report.ts";
import { RequestLogWriter } from "../../lib/report/request_log.ts";
import { randomRecords } from "../metrics/_fixtures.ts";
import { fakeIo } from "./_fake_io.ts";

const TOOL = { version: "0.0.0-test" };
const run = (argv: string[], io: ReturnType<typeof fakeIo>) => cliMain(argv, io, TOOL, "unused");

function logText(meta: Record<string, unknown>, withEnd = true): string {
  const lines: string[] = [];
  const log = new RequestLogWriter({ writeLine: (l) => void lines.push(l), close() {} }, {
    meta,
    slo: { ttftMs: 800 },
  });
  for (const r of randomRecords(200, 21)) log.onRecord(r);
  if (withEnd) log.end({ interrupted: false, clientHealth: null });
  return lines.join("\n") + "\n";
}

Deno.test("report LOG: summary on stdout, JSON with the run's SLOs and meta, CSV header once", async () => {
  const meta = { tool: { name: "batchbench", version: "1.2.3" }, config: { model: "m" } };
  const io = fakeIo({ files: { "run.jsonl": logText(meta) } });
  const args = ["report", "run.jsonl", "--output-json", "r.json", "--output-csv", "s.csv"];
  assert.equal(await run(args, io), 0, io.stderr.join(""));
  assert.equal(await run(args, io), 0, io.stderr.join(""));
  assert.match(io.stdout[0], /Serving Benchmark Result/);
  const json = JSON.parse(io.files.get("r.json")!);
  assert.deepEqual(json.meta, meta);
  assert.deepEqual(json.goodput_slo, { ttft_ms: 800 }, "goodput as the run measured it");
  assert.equal(json.interrupted, false);
  const csv = io.files.get("s.csv")!.trimEnd().split("\n");
  assert.equal(csv.length, 3, "one header, then a row per report");
  assert.equal(csv[0], SUMMARY_CSV_COLUMNS.join(","));
  assert.equal(csv[1], csv[2]);
  assert.equal(io.stderr.length, 0);
});

Deno.test("report LOG: --goodput overrides; a log without end line is reported as interrupted", async () => {
  const io = fakeIo({ files: { "run.jsonl": logText({}, false) } });
  const code = await run(
    ["report", "run.jsonl", "--goodput", "e2el:5000", "--output-json", "-"],
    io,
  );
  assert.equal(code, 0);
  const json = JSON.parse(io.stdout[1]);
  assert.deepEqual(json.goodput_slo, { e2el_ms: 5000 });
  assert.equal(json.interrupted, true);
  assert.match(
    io.stderr.join(""),
    /no end line \(the run did not finish\); reported as interrupted/,
  );
});

Deno.test("report: input and flag errors exit 2 naming the file or the flag", async () => {
  const cases: [string[], RegExp][] = [
    [["report"], /'report' needs exactly one request log/],
    [["report", "missing.jsonl"], /missing\.jsonl: cannot be read \(report LOG\): does not exist/],
    [["report", "bad.jsonl"], /bad\.jsonl:1: line is not a JSON object/],
    [["report", "run.jsonl", "--bogus"], /'--bogus' is not valid/],
    [["compare", "a.json"], /'compare' needs two result files/],
    [["compare", "a.json", "b.json", "--fail-on", "p99_ttft_ms:10%"], /'--fail-on' must be METRIC/],
    [
      ["compare", "a.json", "b.json", "--fail-on", "nope:+1%"],
      /'--fail-on' names no numeric metric/,
    ],
    [["compare", "a.json", "garbage.json"], /garbage\.json: is not valid JSON/],
    [["compare", "a.json", "log.json"], /log\.json: is not a batchbench result file/],
    [["merge"], /'merge' needs result files/],
  ];
  const result = JSON.stringify(reportToJson(buildReport(new Aggregator())));
  for (const [argv, message] of cases) {
    const io = fakeIo({
      files: {
        "bad.jsonl": "[]\n",
        "garbage.json": "{not json",
        "a.json": result,
        "b.json": result,
        "log.json": "{}",
      },
    });
    assert.equal(await run(argv, io), 2, argv.join(" "));
    assert.match(io.stderr.join(""), message, argv.join(" "));
  }
});

Deno.test("compare: exit 1 on a regression, 0 otherwise; merge writes one result", async () => {
  const resultWith = (ttftMs: number) => {
    const agg = new Aggregator();
    for (const r of randomRecords(100, 4)) {
      agg.add({ ...r, ttftMs: r.ttftMs === undefined ? undefined : ttftMs });
    }
    return JSON.stringify(
      reportToJson(buildReport(agg, { meta: { started_at: "2025-01-01T00:00:00Z" } })),
    );
  };
  const io = fakeIo({ files: { "base.json": resultWith(100), "slow.json": resultWith(150) } });
  const gate = ["--fail-on", "p99_ttft_ms:+10%", "--fail-on", "failed:+0"];
  assert.equal(await run(["compare", "base.json", "base.json", ...gate], io), 0);
  assert.equal(await run(["compare", "base.json", "slow.json", ...gate], io), 1);
  assert.match(
    io.stdout.join(""),
    /FAIL {2}p99_ttft_ms:\+10%: 100 -> 150 \(\+50\.00%; beyond \+10%\)/,
  );
  assert.equal(
    await run([
      "merge",
      "base.json",
      "slow.json",
      "--output-json",
      "m.json",
      "--output-html",
      "m.html",
    ], io),
    0,
  );
  const merged = JSON.parse(io.files.get("m.json")!);
  const base = JSON.parse(io.files.get("base.json")!);
  assert.equal(merged.total_requests, 2 * base.total_requests);
  assert.equal(merged.meta.tool.version, "0.0.0-test");
  assert.match(io.files.get("m.html")!, /^<!doctype html>/);
});

Deno.test("--output-csv: header only for a new or empty file, a foreign header warns, a missing newline is added", async () => {
  const { writeReportFiles } = await import("../../lib/cli/outputs.ts");
  const report = buildReport(new Aggregator());
  const io = fakeIo({
    files: { "empty.csv": "", "foreign.csv": "a,b\n1,2", "unwritable.html": "" },
  });
  assert.equal(await writeReportFiles(report, { outputCsv: "empty.csv" }, io), true);
  assert.equal(io.files.get("empty.csv")!.split("\n")[0], SUMMARY_CSV_COLUMNS.join(","));
  assert.equal(await writeReportFiles(report, { outputCsv: "foreign.csv" }, io), true);
  const lines = io.files.get("foreign.csv")!.split("\n");
  assert.deepEqual(lines.slice(0, 2), ["a,b", "1,2"]);
  assert.equal(lines.length, 4, "the row on its own line, ending with a newline");
  assert.match(io.stderr.join(""), /foreign\.csv has other columns than this batchbench writes/);
  // A file that cannot be written is reported, naming the flag, and the others are still written.
  io.writeText = (path, text, o) => {
    if (path.endsWith(".html")) return Promise.reject(new Error("permission denied"));
    io.files.set(path, (o?.append ? io.files.get(path) ?? "" : "") + text);
    return Promise.resolve();
  };
  const ok = await writeReportFiles(report, { outputHtml: "x.html", outputJson: "x.json" }, io);
  assert.equal(ok, false);
  assert.match(io.stderr.join(""), /error: cannot write --output-html x\.html: permission denied/);
  assert.ok(io.files.has("x.json"));
});
