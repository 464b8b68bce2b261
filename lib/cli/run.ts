/**
 * The `run` and `demo` commands: flags -> config -> benchmark -> report on stdout (and files).
 *
 * @module
 */
import { BenchmarkConfig, type JsonBody, RunMode } from "../config.ts";
import { ConfigError, InputError } from "../errors.ts";
import { formatReport } from "../report/console.ts";
import { reportToJson } from "../report/json.ts";
import type { BenchmarkReport } from "../report/report.ts";
import { requestLogger } from "../report/request_log.ts";
import { runBenchmark } from "../runner.ts";
import { isCompletionsEndpoint, toCompletionsBody, withStreaming } from "../workload/body.ts";
import { loadPromptBodies } from "../workload/jsonl.ts";
import type { CliIo, StopSignal } from "./io.ts";
import type { CliOptions, SimulatorFlags } from "./options.ts";
import { formatProgress } from "./progress.ts";

/** Facts about the tool placed in result files. */
export interface ToolInfo {
  /** Tool version. */
  version: string;
}

/**
 * Runs a benchmark as the CLI does and returns the exit code (0 ok, 1 every request failed,
 * 130/143 interrupted). Input errors are thrown (the caller maps them to exit code 2).
 *
 * @param o Validated options.
 * @param io The outside world.
 * @param tool Tool facts.
 * @returns The exit code.
 */
export async function runCommand(o: CliOptions, io: CliIo, tool: ToolInfo): Promise<number> {
  const config = await buildConfig(o, io);
  const stop = new AbortController();
  let signals = 0;
  const unsubscribe = io.onSignal((name: StopSignal) => {
    signals++;
    if (signals > 1) io.exit(name === "SIGINT" ? 130 : 143);
    io.err(`\n${name}: stopping; in-flight requests get a short grace (again to quit now)\n`);
    stop.abort(name);
  });
  const log = o.logRequests ? await io.openLineSink(o.logRequests) : undefined;
  const live = !o.quiet && io.stderrIsTerminal;
  let lastDraw = 0;
  let report: BenchmarkReport;
  try {
    report = await runBenchmark(config, {
      signal: stop.signal,
      slo: o.slo,
      seed: o.seed,
      meta: describe(o, config, io, tool),
      onRecord: log ? requestLogger(log) : undefined,
      onProgress: live
        ? (p) => {
          const now = performance.now();
          if (now - lastDraw < 200) return;
          lastDraw = now;
          io.err(`\r\x1b[2K${formatProgress(p)}`);
        }
        : undefined,
    });
  } finally {
    unsubscribe();
    log?.close();
  }
  if (live) io.err("\r\x1b[2K");
  io.out(formatReport(report, { color: !io.env("NO_COLOR") && io.stdoutIsTerminal }));
  if (o.outputJson) {
    const text = JSON.stringify(reportToJson(report), null, 2) + "\n";
    if (o.outputJson === "-") io.out(text);
    else await io.writeText(o.outputJson, text);
  }
  if (stop.signal.aborted) return stop.signal.reason === "SIGTERM" ? 143 : 130;
  return report.successfulRequests > 0 ? 0 : 1;
}

/**
 * The `demo` command: serves the simulator on loopback in this process and benchmarks it.
 *
 * @param o Validated run options (the URL's path is kept, its origin replaced).
 * @param sim Simulator flags.
 * @param io The outside world.
 * @param tool Tool facts.
 * @param defaultJsonl The shipped example prompts, used when `--jsonl` is not given.
 * @returns The exit code.
 */
export async function demoCommand(
  o: CliOptions,
  sim: SimulatorFlags,
  io: CliIo,
  tool: ToolInfo,
  defaultJsonl: string,
): Promise<number> {
  const running = await io.serveSimulator({
    port: sim.port,
    ttftMs: sim.ttftMs,
    itlMs: sim.itlMs,
    outputTokens: sim.simOutputTokens,
  });
  try {
    const options = {
      ...o,
      url: new URL(o.url.pathname, running.url),
      jsonl: o.jsonl || defaultJsonl,
    };
    io.err(
      `batchbench demo: simulator on ${running.url} (ttft ${sim.ttftMs} ms, itl ${sim.itlMs} ms), ` +
        `in this process\n`,
    );
    return await runCommand(options, io, tool);
  } finally {
    await running.shutdown();
  }
}

async function buildConfig(o: CliOptions, io: CliIo): Promise<BenchmarkConfig> {
  const bodies = await readPrompts(o.jsonl, o.model, io);
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

async function readPrompts(path: string, model: string, io: CliIo): Promise<JsonBody[]> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = await io.openRead(path);
  } catch (e) {
    const why = (e as Error).name === "NotFound" ? "does not exist" : (e as Error).message;
    throw new InputError(path, 0, `cannot be read (--jsonl): ${why}`);
  }
  return await loadPromptBodies(stream, path, model);
}

function describe(
  o: CliOptions,
  config: BenchmarkConfig,
  io: CliIo,
  tool: ToolInfo,
): Record<string, unknown> {
  return {
    tool: "batchbench",
    version: tool.version,
    deno: io.runtime.deno ?? null,
    os: io.runtime.os ?? null,
    cpus: io.runtime.cpus ?? null,
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
