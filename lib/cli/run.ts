/**
 * The `run` and `demo` commands: flags -> config -> benchmark -> report on stdout (and files).
 *
 * @module
 */
import type { BenchmarkConfig } from "../config.ts";
import { formatReport } from "../report/console.ts";
import type { BenchmarkReport } from "../report/report.ts";
import { chooseTransport, runConfigured } from "./execution.ts";
import { loadTokenizer } from "../workload/tokenizer.ts";
import type { CliIo, StopSignal } from "./io.ts";
import type { CliOptions, SimulatorFlags } from "./options.ts";
import { openRecordSinks, writeReportFiles } from "./outputs.ts";
import { startProgress } from "./progress.ts";
import { describeRequest } from "./verbose.ts";
import { buildRunSetup } from "./workload_setup.ts";

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
  const { config, summary } = await buildRunSetup(o, io);
  config.withIdleTimeout(o.idleTimeoutMs);
  const choice = await chooseTransport(o, io);
  if (o.verbose) io.err(describeRequest(config));
  for (const line of summary) io.err(`${line}\n`);
  const meta = describe(o, config, io, tool);
  const sinks = await openRecordSinks(o, { meta, slo: o.slo }, io);
  const stop = new AbortController();
  let signals = 0;
  const unsubscribe = io.onSignal((name: StopSignal) => {
    signals++;
    if (signals > 1) io.exit(name === "SIGINT" ? 130 : 143);
    io.err(`\n${name}: stopping; in-flight requests get a short grace (again to quit now)\n`);
    stop.abort(name);
  });
  const tokenizer = o.countTokens === "tokenizer" ? await loadTokenizer() : undefined;
  const progress = startProgress(io, { quiet: o.quiet });
  let report: BenchmarkReport | undefined;
  try {
    report = await runConfigured(
      config,
      {
        signal: stop.signal,
        slo: o.slo,
        seed: o.seed,
        graceMs: o.graceMs,
        meta,
        onRecord: sinks.onRecord,
        onProgress: progress?.onProgress,
        countTokens: tokenizer?.count,
      },
      o,
      choice,
      io,
    );
  } catch (e) {
    unsubscribe();
    throw e;
  } finally {
    progress?.stop();
    sinks.close(report);
  }
  io.out(formatReport(report, { color: !io.env("NO_COLOR") && io.stdoutIsTerminal }));
  const written = await writeReportFiles(report, o, io);
  // Signals stay handled until the report is written: a first one now cannot cut it short.
  unsubscribe();
  if (report.interrupted) return stop.signal.reason === "SIGTERM" ? 143 : 130;
  if (!written) return 2;
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

function describe(
  o: CliOptions,
  config: BenchmarkConfig,
  io: CliIo,
  tool: ToolInfo,
): Record<string, unknown> {
  const environment = {
    deno: io.runtime.deno ?? null,
    os: io.runtime.os ?? null,
    cpus: io.runtime.cpus ?? null,
  };
  return {
    tool: { name: "batchbench", version: tool.version },
    started_at: new Date().toISOString(),
    environment,
    config: describeConfig(o, config),
  };
}

/** The run's configuration for result files: every flag that shapes the load, secrets redacted. */
function describeConfig(o: CliOptions, config: BenchmarkConfig): Record<string, unknown> {
  return {
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
    idle_timeout_secs: o.idleTimeoutMs / 1000,
    grace_secs: o.graceMs / 1000,
    tls_verify: !o.insecure,
    ca_cert: o.caCert ?? null,
    goodput: o.slo
      ? Object.fromEntries(Object.entries(o.slo).map(([k, v]) => [k.replace(/Ms$/, "_ms"), v]))
      : null,
    seed: o.seed,
    count_tokens: o.countTokens === "tokenizer" ? "gpt-tokenizer/o200k_base" : "events",
  };
}
