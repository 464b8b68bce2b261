/**
 * The `batchbench` command line. The only place that reads argv and the environment, writes to the
 * terminal, handles signals and exits.
 *
 * ```sh
 * deno run -A jsr:@batchbench/cli demo
 * deno run -A jsr:@batchbench/cli --jsonl prompts.jsonl --users 32 --host http://localhost:8000
 * ```
 *
 * @module
 */
import denoJson from "./deno.json" with { type: "json" };
import { type CliOptions, type Command, parseCommand } from "./lib/cli/options.ts";
import { helpText } from "./lib/cli/help.ts";
import { formatProgress } from "./lib/cli/progress.ts";
import { BenchmarkConfig, type JsonBody, RunMode } from "./lib/config.ts";
import { BatchbenchError, ConfigError, InputError } from "./lib/errors.ts";
import { formatReport } from "./lib/report/console.ts";
import { reportToJson } from "./lib/report/json.ts";
import type { BenchmarkReport } from "./lib/report/report.ts";
import { runBenchmark } from "./lib/runner.ts";
import { serveSimulator } from "./lib/simulator/serve.ts";
import { isCompletionsEndpoint, toCompletionsBody, withStreaming } from "./lib/workload/body.ts";
import { loadPromptBodies } from "./lib/workload/jsonl.ts";

/** The tool's version (from deno.json). */
export const VERSION: string = denoJson.version;

const encoder = new TextEncoder();
const out = (s: string) => Deno.stdout.writeSync(encoder.encode(s));
const err = (s: string) => Deno.stderr.writeSync(encoder.encode(s));

/**
 * Runs the CLI and returns its exit code.
 *
 * @param argv Arguments after the program name.
 * @returns The exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, (name) => Deno.env.get(name));
  } catch (e) {
    return usageError(e);
  }
  switch (command.command) {
    case "help":
      out(helpText(VERSION));
      return 0;
    case "version":
      out(`batchbench ${VERSION}\n`);
      return 0;
    case "simulate":
      return await simulate(command.sim);
    case "demo": {
      const sim = await serveSimulator({
        port: command.sim.port,
        ttftMs: command.sim.ttftMs,
        itlMs: command.sim.itlMs,
        outputTokens: command.sim.simOutputTokens,
      });
      try {
        const o = command.options;
        o.url = new URL(o.url.pathname, sim.url);
        o.jsonl ||= new URL("./examples/prompts.jsonl", import.meta.url).href;
        err(
          `batchbench demo: simulator on ${sim.url} (ttft ${command.sim.ttftMs} ms, itl ${command.sim.itlMs} ms), in this process\n`,
        );
        return await run(o);
      } finally {
        await sim.shutdown();
      }
    }
    case "run":
      return await run(command.options);
  }
}

async function run(o: CliOptions): Promise<number> {
  let config: BenchmarkConfig;
  try {
    config = await buildConfig(o);
  } catch (e) {
    return usageError(e);
  }
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (name: "SIGINT" | "SIGTERM") => () => {
    signals++;
    if (signals > 1) Deno.exit(name === "SIGINT" ? 130 : 143);
    err(`\n${name}: stopping; in-flight requests get a short grace (again to quit now)\n`);
    stop.abort(name);
  };
  const handlers = [["SIGINT", onSignal("SIGINT")], ["SIGTERM", onSignal("SIGTERM")]] as const;
  for (const [sig, h] of handlers) Deno.addSignalListener(sig, h);
  const live = !o.quiet && Deno.stderr.isTerminal();
  let lastDraw = 0;
  let report: BenchmarkReport;
  try {
    report = await runBenchmark(config, {
      signal: stop.signal,
      slo: o.slo,
      seed: o.seed,
      meta: describe(o, config),
      onProgress: live
        ? (p) => {
          const now = performance.now();
          if (now - lastDraw < 200) return;
          lastDraw = now;
          err(`\r\x1b[2K${formatProgress(p)}`);
        }
        : undefined,
    });
  } finally {
    for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
  }
  if (live) err("\r\x1b[2K");
  out(formatReport(report, { color: !Deno.env.get("NO_COLOR") && Deno.stdout.isTerminal() }));
  if (o.outputJson) {
    const text = JSON.stringify(reportToJson(report), null, 2) + "\n";
    if (o.outputJson === "-") out(text);
    else await Deno.writeTextFile(o.outputJson, text);
  }
  if (stop.signal.aborted) return stop.signal.reason === "SIGTERM" ? 143 : 130;
  return report.successfulRequests > 0 ? 0 : 1;
}

async function buildConfig(o: CliOptions): Promise<BenchmarkConfig> {
  const bodies = await readPrompts(o.jsonl, o.model);
  const users = o.users ?? bodies.length;
  if (users > bodies.length) {
    throw new ConfigError(
      "--users",
      `needs one JSONL record per user, but ${o.jsonl} holds ${bodies.length}; add records or lower --users`,
      users,
    );
  }
  const completions = isCompletionsEndpoint(o.url);
  const perUser = bodies.slice(0, users).map((b: JsonBody) =>
    withStreaming(completions ? toCompletionsBody(b) : b, o.stream)
  );
  const config = BenchmarkConfig.tryNew(
    o.url,
    o.apiKey,
    users,
    RunMode.finite(o.requestsPerUser),
    perUser[0],
  )
    .withPerUserBodies(perUser)
    .withRequestTimeout(o.requestTimeoutMs)
    .withRetry(o.maxRetries, o.retryDelayMs);
  if (o.outputTokens !== undefined) config.withOutputTokens(o.outputTokens, o.outputVary, o.seed);
  return config;
}

async function readPrompts(path: string, model: string): Promise<JsonBody[]> {
  const isUrl = /^(file|https?):/.test(path);
  let stream: ReadableStream<Uint8Array>;
  try {
    if (isUrl) {
      const res = await fetch(path);
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      stream = res.body;
    } else {
      stream = (await Deno.open(path)).readable;
    }
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "does not exist" : (e as Error).message;
    throw new InputError(path, 0, `cannot be read (--jsonl): ${why}`);
  }
  return await loadPromptBodies(stream, path, model);
}

function describe(o: CliOptions, config: BenchmarkConfig): Record<string, unknown> {
  return {
    tool: "batchbench",
    version: VERSION,
    deno: Deno.version.deno,
    endpoint: `${config.endpoint.origin}${config.endpoint.pathname}`,
    model: o.model,
    users: config.userCount,
    requests_per_user: o.requestsPerUser,
    stream: o.stream,
    output_tokens: o.outputTokens ?? null,
    output_vary: o.outputVary,
    api_key: o.apiKey ? "***" : null,
    request_timeout_secs: o.requestTimeoutMs / 1000,
    max_retries: o.maxRetries,
    retry_delay_ms: o.retryDelayMs,
    seed: o.seed,
  };
}

async function simulate(sim: {
  port: number;
  ttftMs: number;
  itlMs: number;
  simOutputTokens: number;
}): Promise<number> {
  const stop = new AbortController();
  const onSig = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSig);
  Deno.addSignalListener("SIGTERM", onSig);
  const running = await serveSimulator({
    port: sim.port,
    ttftMs: sim.ttftMs,
    itlMs: sim.itlMs,
    outputTokens: sim.simOutputTokens,
  });
  out(`simulator listening on ${running.url} (ttft ${sim.ttftMs} ms, itl ${sim.itlMs} ms)\n`);
  await new Promise((resolve) => stop.signal.addEventListener("abort", resolve, { once: true }));
  await running.shutdown();
  Deno.removeSignalListener("SIGINT", onSig);
  Deno.removeSignalListener("SIGTERM", onSig);
  return 0;
}

function usageError(e: unknown): number {
  if (e instanceof BatchbenchError) {
    err(`error: ${e.message}\n`);
    if (e instanceof ConfigError) err("Run 'batchbench --help' for the flags.\n");
    return 2;
  }
  throw e;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
