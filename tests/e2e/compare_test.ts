// `compare` gates CI: a deliberately slowed simulator fails the thresholds, the same figures pass.
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { demo, tempDir } from "./_results.ts";

Deno.test("compare flags a slowed simulator run (exit 1) and passes identical figures (exit 0)", async () => {
  const dir = await tempDir();
  await Promise.all([
    demo([
      "--ttft-ms",
      "5",
      "--output-json",
      `${dir}/base.json`,
      "--log-requests",
      `${dir}/base.jsonl`,
    ]),
    demo(["--ttft-ms", "300", "--output-json", `${dir}/slow.json`]),
  ]);
  const gate = [
    "--fail-on",
    "p50_ttft_ms:+10%",
    "--fail-on",
    "p99_ttft_ms:+10%",
    "--fail-on",
    "failed:+0",
  ];

  const slow = await runCli(["compare", `${dir}/base.json`, `${dir}/slow.json`, ...gate]);
  assert.equal(slow.code, 1, slow.stdout + slow.stderr);
  assert.match(slow.stdout, /^FAIL {2}p50_ttft_ms:\+10%: .*beyond \+10%\)$/m);
  assert.match(slow.stdout, /^ok {4}failed:\+0: 0 -> 0 /m);
  assert.match(slow.stdout, /^p50_ttft_ms +[\d.]+ +[\d.]+ +\+[\d.]+ +\+[\d.]+% +worse$/m);
  assert.match(slow.stdout, /regression: 2 of 3 thresholds failed/);

  // The base run against its own figures rebuilt from the request log: nothing changed.
  const rebuilt = await runCli([
    "report",
    `${dir}/base.jsonl`,
    "--output-json",
    `${dir}/again.json`,
  ]);
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  const same = await runCli(["compare", `${dir}/base.json`, `${dir}/again.json`, ...gate]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /no regression \(3 thresholds\)/);

  const bad = await runCli([
    "compare",
    `${dir}/base.json`,
    `${dir}/slow.json`,
    "--fail-on",
    "p99_ttft_ms>10",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /'--fail-on' must be METRIC:\+N%.*"p99_ttft_ms>10"/);
  await Deno.remove(dir, { recursive: true });
});
