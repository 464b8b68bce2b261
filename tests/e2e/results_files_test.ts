// A real run writes every result file; `report` rebuilds the same figures from the request log.
import assert from "node:assert/strict";
import { SUMMARY_CSV_COLUMNS } from "../../lib/report/csv.ts";
import { schemaErrors } from "../report/_schema.ts";
import { runCli } from "./_cli.ts";
import { demo, readJson, sameFigures, tempDir } from "./_results.ts";

Deno.test("a demo run writes JSON (schema-valid), request log, CSVs and HTML; report rebuilds them", async () => {
  const dir = await tempDir();
  const f = (name: string) => `${dir}/${name}`;
  const console = await demo([
    "--goodput",
    "ttft:1000",
    "--output-json",
    f("run.json"),
    "--log-requests",
    f("run.jsonl"),
    "--output-csv",
    f("runs.csv"),
    "--output-requests-csv",
    f("requests.csv"),
    "--output-html",
    f("run.html"),
  ]);
  const run = await readJson(f("run.json"));
  assert.deepEqual(schemaErrors(run), []);
  assert.equal(run.completed, 20);
  assert.equal(run.total_output_tokens, 160);
  const meta = run.meta as Record<string, Record<string, unknown>>;
  assert.equal(meta.tool.name, "batchbench");
  assert.equal(typeof meta.environment.deno, "string");
  assert.equal(meta.config.users, 4);
  assert.ok(!Number.isNaN(Date.parse(meta.started_at as unknown as string)));
  const series = run.time_series as Record<string, number[]>;
  assert.equal(series.completed.reduce((a, b) => a + b, 0), 20);

  // The request log: header, 20 records, end line.
  const log = (await Deno.readTextFile(f("run.jsonl"))).trimEnd().split("\n").map((l) =>
    JSON.parse(l)
  );
  assert.equal(log.length, 22);
  assert.equal(log[0].type, "header");
  assert.deepEqual(log[0].meta.config, meta.config);
  assert.equal(log.at(-1).type, "end");
  assert.deepEqual(log.at(-1).meta, run.meta);

  // CSVs: a summary row (header once), a row per request.
  const summary = (await Deno.readTextFile(f("runs.csv"))).trimEnd().split("\n");
  assert.deepEqual(summary[0].split(","), [...SUMMARY_CSV_COLUMNS]);
  assert.equal(summary.length, 2);
  const requests = (await Deno.readTextFile(f("requests.csv"))).trimEnd().split("\n");
  assert.equal(requests.length, 21);

  const html = await Deno.readTextFile(f("run.html"));
  assert.match(html, /data-chart="ttft"[\s\S]*class="bar s-dist"/);
  assert.match(html, /data-chart="throughput"[\s\S]*class="line s-ok"/);

  // `report` from the log: the same summary and the same figures, to the microsecond.
  const rebuilt = await runCli([
    "report",
    f("run.jsonl"),
    "--output-json",
    f("report.json"),
    "--output-csv",
    f("runs.csv"),
    "--output-html",
    f("report.html"),
  ]);
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  assert.equal(rebuilt.stderr, "");
  // Same lines, same labels; numbers equal up to the log's microsecond rounding (0.1 %).
  const numbersOf = (line: string) => (line.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  const labelsOf = (line: string) => line.replace(/\d+(\.\d+)?/g, "#");
  const [got, want] = [rebuilt.stdout.split("\n"), console.split("\n")];
  assert.equal(got.length, want.length, "the same summary");
  got.forEach((line, i) => {
    assert.equal(labelsOf(line), labelsOf(want[i]), "the same summary");
    numbersOf(line).forEach((n, k) => {
      const m = numbersOf(want[i])[k];
      assert.ok(Math.abs(n - m) <= 1e-3 * Math.abs(m) + 0.051, `${line} vs ${want[i]}`);
    });
  });
  const report = await readJson(f("report.json"));
  assert.deepEqual(schemaErrors(report), []);
  assert.deepEqual(sameFigures(run, report), []);
  assert.deepEqual(report.meta, run.meta);
  assert.equal(report.request_goodput !== null, true, "the run's SLOs came from the log's header");
  assert.equal(
    (await Deno.readTextFile(f("runs.csv"))).trimEnd().split("\n").length,
    3,
    "appended",
  );
  await Deno.remove(dir, { recursive: true });
});
