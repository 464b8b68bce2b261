// `merge` of two half-runs equals the whole run, within histogram precision.
import assert from "node:assert/strict";
import { schemaErrors } from "../report/_schema.ts";
import { runCli } from "./_cli.ts";
import { demo, readJson, sameFigures, tempDir } from "./_results.ts";

Deno.test("merge of two half-runs (shards of one run) equals the whole run's figures", async () => {
  const dir = await tempDir();
  await demo(["--output-json", `${dir}/whole.json`, "--log-requests", `${dir}/whole.jsonl`]);
  // Shard the run by user: users 0-1 and 2-3, each log with the run's header and end line.
  const lines = (await Deno.readTextFile(`${dir}/whole.jsonl`)).trimEnd().split("\n");
  const [header, end] = [lines[0], lines.at(-1)!];
  const records = lines.slice(1, -1);
  const half = (keep: (user: number) => boolean) =>
    [header, ...records.filter((l) => keep(JSON.parse(l).user)), end].join("\n") + "\n";
  await Deno.writeTextFile(`${dir}/a.jsonl`, half((u) => u < 2));
  await Deno.writeTextFile(`${dir}/b.jsonl`, half((u) => u >= 2));
  for (const shard of ["a", "b"]) {
    const r = await runCli([
      "report",
      `${dir}/${shard}.jsonl`,
      "--output-json",
      `${dir}/${shard}.json`,
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  const a = await readJson(`${dir}/a.json`);
  assert.equal(a.completed, 10, "half of the requests");

  const merged = await runCli([
    "merge",
    `${dir}/a.json`,
    `${dir}/b.json`,
    "--output-json",
    `${dir}/merged.json`,
    "--output-html",
    `${dir}/merged.html`,
  ]);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stdout, /Successful requests: +20/);
  const whole = await readJson(`${dir}/whole.json`);
  const m = await readJson(`${dir}/merged.json`);
  assert.deepEqual(schemaErrors(m), []);
  // Counts and tokens exactly, the duration (same wall-clock start) and every latency statistic to
  // the microsecond: the histograms merge losslessly.
  assert.deepEqual(sameFigures(whole, m), []);
  const meta = m.meta as { merged: { mode: string; sources: unknown[] } };
  assert.equal(meta.merged.mode, "concurrent");
  assert.equal(meta.merged.sources.length, 2);

  // Sequential runs: laid end to end, the duration is the sum.
  const seq = await runCli([
    "merge",
    "--sequential",
    `${dir}/a.json`,
    `${dir}/b.json`,
    "--output-json",
    `${dir}/seq.json`,
  ]);
  assert.equal(seq.code, 0, seq.stderr);
  const s = await readJson(`${dir}/seq.json`);
  const b = await readJson(`${dir}/b.json`);
  assert.ok(
    Math.abs((s.duration_ms as number) - (a.duration_ms as number) - (b.duration_ms as number)) <
      0.01,
  );
  await Deno.remove(dir, { recursive: true });
});
