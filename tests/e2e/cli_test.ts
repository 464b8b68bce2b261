// The CLI as a user runs it: a real process against the simulator on loopback, checking what the
// server actually received.
import { assert, assertEquals } from "../_assert.ts";
import { serveSimulator } from "../../lib/simulator/serve.ts";
import { prompts, runCli, writePrompts } from "./_cli.ts";

const KEY = "sk-canary-7f3a9b2c";

async function withSim<T>(
  fn: (sim: Awaited<ReturnType<typeof serveSimulator>>) => Promise<T>,
  options: Parameters<typeof serveSimulator>[0] = {},
): Promise<T> {
  const sim = await serveSimulator({ ttftMs: 1, itlMs: 1, outputTokens: 4, ...options });
  try {
    return await fn(sim);
  } finally {
    await sim.shutdown();
  }
}

Deno.test("seed flags reach the server: path, auth header, model, per-user bodies, counts", async () => {
  const file = await writePrompts(prompts(3));
  await withSim(async (sim) => {
    const json = `${await Deno.makeTempDir()}/r.json`;
    const r = await runCli([
      "--jsonl",
      file,
      "--host",
      `${sim.url}/base/`,
      "--endpoint",
      "v1/chat/completions",
      "--model",
      "my-model",
      "--requests-per-user",
      "2",
      "--output-json",
      json,
    ], { env: { OPENAI_API_KEY: KEY } });
    assertEquals(r.code, 0, r.stderr);
    const got = sim.simulator.received;
    assertEquals(got.length, 6, "3 users (one per record) x 2 requests");
    for (const req of got) {
      assertEquals(req.path, "/base/v1/chat/completions");
      assertEquals(req.headers["authorization"], `Bearer ${KEY}`);
      const body = req.body as Record<string, unknown>;
      assertEquals(body.model, "my-model");
      assertEquals(body.stream, true);
      assertEquals(body.stream_options, { include_usage: true });
    }
    const contents = got.map((
      g,
    ) => ((g.body as { messages: { content: string }[] }).messages[0].content)).sort();
    assertEquals(contents, [0, 0, 1, 1, 2, 2].map((i) => `prompt number ${i}`));
    const report = JSON.parse(await Deno.readTextFile(json));
    assertEquals(report.completed, 6);
    assertEquals(report.total_output_tokens, 24);
    assert(!r.stdout.includes(KEY) && !r.stderr.includes(KEY), "the key is never printed");
    assert(!JSON.stringify(report).includes(KEY), "nor written to the report");
  });
});

Deno.test("--users picks the first N records; --output-tokens/--output-vary set the fields", async () => {
  const file = await writePrompts(prompts(5));
  await withSim(async (sim) => {
    const r = await runCli([
      "--jsonl",
      file,
      "--endpoint",
      `${sim.url}/v1/chat/completions`,
      "--users",
      "2",
      "--requests-per-user",
      "10",
      "--output-tokens",
      "6",
      "--output-vary",
      "2",
      "-q",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const got = sim.simulator.received;
    assertEquals(got.length, 20);
    const lengths = new Set<number>();
    for (const req of got) {
      const body = req.body as Record<string, unknown>;
      const n = body.max_completion_tokens as number;
      assert(n >= 4 && n <= 8, `max_completion_tokens ${n} in [4, 8]`);
      lengths.add(n);
      assertEquals(body.nvext, { ignore_eos: true });
      assert(
        ["prompt number 0", "prompt number 1"].includes(
          (body.messages as { content: string }[])[0].content,
        ),
      );
    }
    assert(lengths.size > 1, "lengths vary per request");
  });
});

Deno.test("--api-key beats --api-key-env; the key never shows even when the server echoes it", async () => {
  const file = await writePrompts(prompts(1));
  await withSim(async (sim) => {
    const r = await runCli([
      "--jsonl",
      file,
      "--host",
      sim.url,
      "--api-key",
      KEY,
      "--api-key-env",
      "OTHER",
      "-q",
    ], { env: { OTHER: "sk-other" } });
    assertEquals(sim.simulator.received[0].headers["authorization"], `Bearer ${KEY}`);
    assertEquals(r.code, 1, "every request failed (401)");
    assert(r.stdout.includes("http_4xx"), r.stdout);
    assert(!r.stdout.includes(KEY) && !r.stderr.includes(KEY), r.stdout + r.stderr);
    assertEquals(sim.simulator.requestCount, 1, "a 401 is not retried");
  }, { fault: () => ({ kind: "echo_auth" }) });
});

Deno.test("retries: 5xx is retried up to --max-retries; the server counts the attempts", async () => {
  const file = await writePrompts(prompts(1));
  await withSim(async (sim) => {
    const json = `${await Deno.makeTempDir()}/r.json`;
    const r = await runCli([
      "--jsonl",
      file,
      "--host",
      sim.url,
      "--max-retries",
      "3",
      "--retry-delay-ms",
      "1",
      "-q",
      "--output-json",
      json,
    ]);
    assertEquals(r.code, 1);
    assertEquals(sim.simulator.requestCount, 4, "1 attempt + 3 retries");
    const report = JSON.parse(await Deno.readTextFile(json));
    assertEquals(report.failed, 1);
    assertEquals(report.total_attempts ?? report.attempts, 4);
  }, {
    fault: () => ({ kind: "status", status: 503, body: '{"error":{"message":"overloaded"}}' }),
  });
});

Deno.test("--no-stream sends plain requests and still measures", async () => {
  const file = await writePrompts(prompts(2));
  await withSim(async (sim) => {
    const r = await runCli(["--jsonl", file, "--host", sim.url, "--no-stream", "-q"]);
    assertEquals(r.code, 0, r.stderr);
    for (const req of sim.simulator.received) {
      const body = req.body as Record<string, unknown>;
      assertEquals(body.stream, false);
      assertEquals("stream_options" in body, false);
    }
    assert(/Successful requests:\s+2/.test(r.stdout), r.stdout);
  });
});

Deno.test("a completions endpoint gets prompt bodies", async () => {
  const file = await writePrompts(prompts(1));
  await withSim(async (sim) => {
    const r = await runCli([
      "--jsonl",
      file,
      "--host",
      sim.url,
      "--endpoint",
      "/v1/completions",
      "-q",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const body = sim.simulator.received[0].body as Record<string, unknown>;
    assertEquals(body.prompt, "prompt number 0");
    assertEquals(sim.simulator.received[0].path, "/v1/completions");
  });
});

Deno.test("bad input exits 2 before any request, naming the flag or file:line", async () => {
  const good = await writePrompts(prompts(2));
  const bad = await writePrompts(['{"text":"ok"}', '{"text": oops}']);
  await withSim(async (sim) => {
    const cases: [string[], RegExp][] = [
      [["--jsonl", `${good}.missing`], /prompts\.jsonl\.missing: cannot be read \(--jsonl\)/],
      [["--jsonl", bad], /prompts\.jsonl:2: line is not valid JSON/],
      [["--jsonl", good, "--users", "3"], /'--users' needs one (JSONL )?record per user/],
      [["--jsonl", good, "--users", "0"], /'--users' must be a positive integer/],
      [["--jsonl", good, "--host", "localhost:1"], /'--host' must/],
      [["--jsonl", good, "--frobnicate"], /'--frobnicate'/],
      [[], /'--jsonl' is required/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runCli(args.includes("--host") ? args : [...args, "--host", sim.url]);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert(pattern.test(r.stderr), `${args.join(" ")}: ${r.stderr}`);
    }
    assertEquals(sim.simulator.requestCount, 0, "nothing was sent");
  });
});

Deno.test("--help and --version", async () => {
  const help = await runCli(["--help"]);
  assertEquals(help.code, 0);
  for (const flag of ["--jsonl", "--users", "--api-key-env", "--output-vary", "--no-stream"]) {
    assert(help.stdout.includes(flag), flag);
  }
  const version = await runCli(["--version"]);
  assert(/^batchbench \d+\.\d+\.\d+/.test(version.stdout), version.stdout);
});

Deno.test("--retry-delay-ms spaces the attempts the server sees; --request-timeout-secs ends a stall", async () => {
  const file = await writePrompts(prompts(1));
  await withSim(async (sim) => {
    const r = await runCli([
      "--jsonl",
      file,
      "--host",
      sim.url,
      "--max-retries",
      "2",
      "--retry-delay-ms",
      "200",
      "-q",
    ]);
    assertEquals(r.code, 1);
    const at = sim.simulator.received.map((q) => q.arrivalMs);
    assertEquals(at.length, 3);
    // Equal jitter: retry 1 waits 100..200 ms, retry 2 waits 200..400 ms.
    assert(at[1] - at[0] >= 100, `first gap ${at[1] - at[0]}`);
    assert(at[2] - at[1] >= 200, `second gap ${at[2] - at[1]}`);
  }, { fault: () => ({ kind: "status", status: 502, body: "<html>bad gateway</html>" }) });
  await withSim(async (sim) => {
    const json = `${await Deno.makeTempDir()}/r.json`;
    const started = performance.now();
    const r = await runCli([
      "--jsonl",
      file,
      "--host",
      sim.url,
      "--request-timeout-secs",
      "0.3",
      "-q",
      "--output-json",
      json,
    ]);
    const elapsed = performance.now() - started;
    assertEquals(r.code, 1);
    const report = JSON.parse(await Deno.readTextFile(json));
    assertEquals(report.failures_by_kind.timeout, 1);
    assertEquals(sim.simulator.requestCount, 1, "output had arrived, so no retry");
    assert(elapsed < 10_000, `the run ended within its timeout (${elapsed} ms)`);
  }, { fault: () => ({ kind: "stall", afterTokens: 1 }) });
});

Deno.test("mod.ts run directly starts the CLI", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../mod.ts", import.meta.url).pathname, "--version"],
    stdout: "piped",
  }).output();
  assertEquals(out.code, 0);
  assert(/^batchbench \d+\.\d+\.\d+/.test(new TextDecoder().decode(out.stdout)));
});

Deno.test("--count-tokens: without server usage, the tokenizer counts the output text", async () => {
  const file = await writePrompts(prompts(1));
  const chunk = (content: string) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
  const raw = {
    kind: "raw" as const,
    chunks: [
      chunk("The quick brown fox"),
      chunk(" jumps over the lazy dog"),
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
      "data: [DONE]\n\n",
    ],
  };
  for (const [mode, tokens, source] of [["tokenizer", 9, "tokenizer"], ["events", 2, "chunks"]]) {
    await withSim(async (sim) => {
      const json = `${await Deno.makeTempDir()}/r.json`;
      const r = await runCli([
        "--jsonl",
        file,
        "--host",
        sim.url,
        "-q",
        "--count-tokens",
        String(mode),
        "--output-json",
        json,
      ]);
      assertEquals(r.code, 0, r.stderr);
      const report = JSON.parse(await Deno.readTextFile(json));
      assertEquals(report.total_output_tokens, tokens, `${mode}`);
      assertEquals(
        report.output_token_sources[source as string],
        1,
        JSON.stringify(report.output_token_sources),
      );
    }, { fault: () => raw });
  }
});
