import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { parseCommand } from "../../lib/cli/options.ts";
import { cliLoadShape } from "../../lib/cli/workload_setup.ts";
import { ConfigError } from "../../lib/errors.ts";

const run = (argv: string[]) => {
  const cmd = parseCommand(argv, () => undefined);
  if (cmd.command !== "run") throw new Error(`expected run, got ${cmd.command}`);
  return cmd.options;
};

Deno.test("load flags become the load shape", () => {
  const o = run([
    "--jsonl",
    "p",
    "--request-rate",
    "12.5",
    "--arrival",
    "gamma",
    "--burstiness",
    "0.5",
    "--no-exact-rate",
    "--max-concurrency",
    "8",
    "--duration",
    "30",
    "--max-requests",
    "400",
    "--warmup",
    "10s",
  ]);
  assertEquals(cliLoadShape(o), {
    arrivals: { rate: 12.5, exactRate: false, kind: "gamma", burstiness: 0.5 },
    maxConcurrency: 8,
    durationMs: 30_000,
    maxRequests: 400,
    warmup: { durationMs: 10_000 },
  });
  assertEquals(cliLoadShape(run(["--jsonl", "p", "--ramp-up", "2", "--warmup", "20"])), {
    warmup: { requests: 20 },
    rampUpMs: 2_000,
  });
  assertEquals(run(["--jsonl", "p", "--request-rate", "inf"]).load.requestRate, Infinity);
});

Deno.test("workload flags: datasets, synthetic lengths, output distributions, backend", () => {
  const o = run([
    "--synthetic",
    "--input-tokens",
    "lognormal:512,0.5",
    "--output-tokens",
    "uniform:64,128",
    "--prefix-ratio",
    "0.25",
    "--backend",
    "trtllm",
  ]);
  assertEquals(o.load.dataset, "random");
  assertEquals(o.load.inputTokens, { kind: "lognormal", median: 512, sigma: 0.5 });
  assertEquals(o.load.outputLengths, { kind: "uniform", min: 64, max: 128 });
  assertEquals(o.outputTokens, undefined);
  assertEquals(o.load.backend, "trtllm");
  const s = run([
    "--dataset",
    "sharegpt",
    "--dataset-path",
    "s.json",
    "--multi-turn",
    "--think-time-ms",
    "500",
  ]);
  assertEquals([s.load.dataset, s.load.multiTurn, s.load.thinkTimeMs], ["sharegpt", true, 500]);
  assertEquals(run(["--dataset-path", "p.jsonl"]).jsonl, "p.jsonl", "--dataset jsonl is --jsonl");
});

Deno.test("bad load and workload flags are named, before any request", () => {
  const cases: [string[], string][] = [
    [["--request-rate", "0"], "--request-rate"],
    [["--request-rate", "x"], "--request-rate"],
    [["--arrival", "gamma"], "--arrival"],
    [["--request-rate", "5", "--arrival", "bursty"], "--arrival"],
    [["--request-rate", "5", "--arrival", "poisson", "--burstiness", "2"], "--burstiness"],
    [["--max-concurrency", "4"], "--max-concurrency"],
    [["--request-rate", "5", "--users", "4"], "--users"],
    [["--request-rate", "5", "--ramp-up", "3"], "--ramp-up"],
    [["--warmup", "ten"], "--warmup"],
    [["--duration", "0"], "--duration"],
    [["--max-requests", "1.5"], "--max-requests"],
    [["--dataset", "csv"], "--dataset"],
    [["--dataset", "sharegpt"], "--dataset-path"],
    [["--input-tokens", "64"], "--input-tokens"],
    [["--synthetic", "--input-tokens", "normal:5"], "--input-tokens"],
    [["--synthetic", "--prefix-ratio", "1.5"], "--prefix-ratio"],
    [["--think-time-ms", "10"], "--think-time-ms"],
    [["--synthetic", "--multi-turn"], "--multi-turn"],
    [["--backend", "ollama"], "--backend"],
    [["--output-tokens", "uniform:1,9", "--output-vary", "2"], "--output-vary"],
  ];
  for (const [argv, flag] of cases) {
    assertThrows(() => run(["--jsonl", "p", ...argv]), ConfigError, flag);
  }
});

Deno.test("sweep: its own flags, and the flags it decides itself are refused", () => {
  const cmd = parseCommand(
    ["sweep", "--jsonl", "p", "--sweep-steps", "3", "--slo-attainment", "99"],
    () => undefined,
  );
  assert(cmd.command === "sweep");
  assertEquals(cmd.sweep, { steps: 3, sloAttainment: 0.99 });
  for (const flag of ["--request-rate", "--users", "--duration"]) {
    assertThrows(
      () => parseCommand(["sweep", "--jsonl", "p", flag, "5"], () => undefined),
      ConfigError,
      flag,
    );
  }
  assertThrows(
    () => parseCommand(["sweep", "--jsonl", "p", "--sweep-steps", "0"], () => undefined),
    ConfigError,
    "--sweep-steps",
  );
});
