// Load shapes and workloads as a user runs them: cli.ts as a process against the simulator on
// loopback, checking what the server received.
import { assert, assertEquals } from "../_assert.ts";
import { serveSimulator } from "../../lib/simulator/serve.ts";
import { loadTokenizer } from "../../lib/workload/tokenizer.ts";
import { prompts, runCli, writePrompts } from "./_cli.ts";

const SAMPLE = new URL("../../examples/sharegpt_sample.json", import.meta.url).pathname;
type Body = { messages: { role: string; content: string }[] } & Record<string, unknown>;

async function withSim<T>(
  fn: (sim: Awaited<ReturnType<typeof serveSimulator>>) => Promise<T>,
  options: Parameters<typeof serveSimulator>[0] = {},
): Promise<T> {
  const sim = await serveSimulator({ ttftMs: 2, itlMs: 1, outputTokens: 4, ...options });
  try {
    return await fn(sim);
  } finally {
    await sim.shutdown();
  }
}

Deno.test("open loop, real clock: a 3 s Poisson run at 20 req/s delivers its rate; warm-up and cap", async () => {
  const file = await writePrompts(prompts(4));
  await withSim(async (sim) => {
    const json = `${await Deno.makeTempDir()}/r.json`;
    const r = await runCli([
      "--jsonl",
      file,
      "--endpoint",
      `${sim.url}/v1/chat/completions`,
      "--request-rate",
      "20",
      "--arrival",
      "poisson",
      "--duration",
      "3",
      "--warmup",
      "5",
      "--max-concurrency",
      "16",
      "--output-json",
      json,
      "-q",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(sim.simulator.requestCount, 65, "5 warm-up + 20 req/s x 3 s");
    const got = sim.simulator.received.map((g) => (g.body as Body).messages[0].content);
    assertEquals(got.slice(0, 8), [0, 1, 2, 3, 0, 1, 2, 3].map((i) => `prompt number ${i}`));
    const report = JSON.parse(await Deno.readTextFile(json));
    assertEquals(report.warmup_requests, 5);
    assertEquals(report.total_requests, 60);
    assertEquals(report.unsent_requests, 0);
    assert(Math.abs(report.send_rate - 20) / 20 < 0.1, `delivered ${report.send_rate} req/s`);
    assert(report.p99_queue_ms < 100, `lateness p99 ${report.p99_queue_ms} ms`);
    assertEquals(report.queue_count, 60);
    assert(r.stdout.includes("Delivered send rate (req/s):"), r.stdout);
    assert(r.stdout.includes("Dispatch lateness p50/p99/max (ms):"), r.stdout);
  });
});

Deno.test("--synthetic: the server receives prompts of the exact token lengths, with --backend fields", async () => {
  await withSim(async (sim) => {
    const r = await runCli([
      "--synthetic",
      "--input-tokens",
      "uniform:20,60",
      "--prefix-ratio",
      "0.5",
      "--output-tokens",
      "5",
      "--backend",
      "sglang",
      "--num-prompts",
      "6",
      "--users",
      "3",
      "--requests-per-user",
      "2",
      "--seed",
      "3",
      "--endpoint",
      `${sim.url}/v1/chat/completions`,
      "-q",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stderr.includes("workload: 6 synthetic prompts"), r.stderr);
    assert(r.stderr.includes("input tokens: min"), r.stderr);
    const tokenizer = await loadTokenizer();
    const got = sim.simulator.received.map((g) => g.body as Body);
    assertEquals(got.length, 6);
    for (const b of got) {
      const n = tokenizer.count(b.messages[0].content);
      assert(n >= 20 && n <= 60, `${n} tokens`);
      assertEquals([b.max_tokens, b.min_tokens, b.ignore_eos], [5, 5, true]);
    }
    const lengths = new Set(got.map((b) => tokenizer.count(b.messages[0].content)));
    assert(lengths.size > 1, "lengths drawn, not fixed");
    assert(r.stdout.includes("Output length exact/fewer/more:          6 / 0 / 0"), r.stdout);
  });
});

Deno.test("--dataset sharegpt: first exchanges, dataset reply lengths, --random-requests and --ramp-up", async () => {
  await withSim(async (sim) => {
    const r = await runCli([
      "--dataset",
      "sharegpt",
      "--dataset-path",
      SAMPLE,
      "--users",
      "2",
      "--max-requests",
      "4",
      "--random-requests",
      "--ramp-up",
      "0.2",
      "--backend",
      "vllm",
      "--endpoint",
      `${sim.url}/v1/chat/completions`,
      "-q",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stderr.includes("5 ShareGPT conversations"), r.stderr);
    const tokenizer = await loadTokenizer();
    const sample = JSON.parse(await Deno.readTextFile(SAMPLE));
    const replies = new Map<string, string>();
    for (const c of sample) {
      const i = c.conversations.findIndex((t: { from: string }) => t.from === "human");
      if (i >= 0) replies.set(c.conversations[i].value, c.conversations[i + 1].value);
    }
    const got = sim.simulator.received.map((g) => g.body as Body);
    assertEquals(got.length, 4);
    for (const b of got) {
      const prompt = b.messages[b.messages.length - 1].content;
      assert(replies.has(prompt), prompt);
      assertEquals(b.max_tokens, tokenizer.count(replies.get(prompt)!));
      assertEquals(b.ignore_eos, true);
    }
    // Each request takes over 300 ms: user 0 sends at 0, user 1 at 100 ms (ramp-up 0.2 s / 2).
    const arrivals = sim.simulator.received.map((g) => g.arrivalMs);
    const gap = arrivals[1] - arrivals[0];
    assert(gap >= 90 && gap < 300, `the second user starts ~100 ms after the first: ${gap}`);
  }, { ttftMs: 300 });
});

Deno.test("--multi-turn: each user resends its conversation with the replies it got", async () => {
  await withSim(async (sim) => {
    const r = await runCli([
      "--dataset",
      "sharegpt",
      "--dataset-path",
      SAMPLE,
      "--multi-turn",
      "--users",
      "1",
      "--think-time-ms",
      "20",
      "--endpoint",
      `${sim.url}/v1/chat/completions`,
      "-q",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const got = sim.simulator.received.map((g) => (g.body as Body).messages);
    assertEquals(got.length, 2);
    assertEquals(got[1].map((m) => m.role), ["user", "assistant", "user"]);
    assertEquals(got[1][1].content, "tok0 tok1 tok2 tok3 ");
    const arrivals = sim.simulator.received.map((g) => g.arrivalMs);
    assert(arrivals[1] - arrivals[0] >= 20, "think time between turns");
  });
});

Deno.test("sweep: baseline, max throughput and rates between, in one table; JSON kept per step", async () => {
  const file = await writePrompts(prompts(3));
  await withSim(async (sim) => {
    const json = `${await Deno.makeTempDir()}/sweep.json`;
    const r = await runCli([
      "sweep",
      "--jsonl",
      file,
      "--endpoint",
      `${sim.url}/v1/chat/completions`,
      "--max-requests",
      "6",
      "--sweep-steps",
      "2",
      "--goodput",
      "ttft:2000",
      "--output-json",
      json,
      "-q",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(sim.simulator.requestCount, 24, "4 steps x 6 requests");
    const rows = r.stdout.split("\n").filter((l) => /^(baseline|throughput|rate)\s/.test(l));
    assertEquals(rows.map((l) => l.split(/\s+/)[0]), ["baseline", "throughput", "rate", "rate"]);
    assert(r.stdout.includes("TTFT p99"), r.stdout);
    assert(r.stdout.includes("Highest load meeting the SLOs"), r.stdout);
    const sweep = JSON.parse(await Deno.readTextFile(json));
    assertEquals(sweep.format, "batchbench-sweep");
    assertEquals(sweep.steps.length, 4);
    assertEquals(sweep.steps.map((s: { result: { completed: number } }) => s.result.completed), [
      6,
      6,
      6,
      6,
    ]);
    const rates = sweep.steps.slice(2).map((s: { target_rate: number }) => s.target_rate);
    assert(rates[0] < rates[1], `${rates}`);
    assert(sweep.best_step !== null);
  });
});
