// The single-file artifact we build and ship here: `deno bundle` of cli.ts, run on its own.
import { assert, assertEquals } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("the bundled CLI runs a demo benchmark from another directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "batchbench_bundle_" });
  const out = `${dir}/batchbench.js`;
  const bundle = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "deno", "-o", out, `${ROOT}cli.ts`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(bundle.code, 0, new TextDecoder().decode(bundle.stderr));
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      out,
      "demo",
      "--jsonl",
      `${ROOT}examples/prompts.jsonl`,
      "--requests-per-user",
      "2",
      "--ttft-ms",
      "1",
      "--itl-ms",
      "1",
      "--output-json",
      `${dir}/r.json`,
    ],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(run.stdout);
  assertEquals(run.code, 0, new TextDecoder().decode(run.stderr));
  assert(/Successful requests:\s+20/.test(stdout), stdout);
  const json = JSON.parse(await Deno.readTextFile(`${dir}/r.json`));
  assertEquals(json.completed, 20);
  const workers = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", out, "demo", "--jsonl", `${ROOT}examples/prompts.jsonl`, "--workers", "2"],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(workers.stderr);
  assertEquals(workers.code, 2, stderr);
  assert(stderr.includes("'--workers' needs batchbench's modules"), stderr);
});
