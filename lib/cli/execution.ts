/**
 * `--transport` and `--workers`: which transport moves the bytes, and whether the run is spread over
 * Web Workers. The `run` command calls {@linkcode runConfigured} instead of `runBenchmark`.
 *
 * @module
 */
import type { BenchmarkConfig } from "../config.ts";
import { ConfigError, InputError } from "../errors.ts";
import type { BenchmarkReport } from "../report/report.ts";
import { runBenchmark, type RunOptions } from "../runner.ts";
import type { Transport } from "../transport/types.ts";
import { plainCliOptions } from "../workers/cli_workload.ts";
import { autoWorkers, runSharded } from "../workers/sharded.ts";
import type { CliIo } from "./io.ts";
import type { CliOptions } from "./options.ts";
import { tlsTransport } from "./tls.ts";

/** The transport the flags ask for. */
export interface TransportChoice {
  /** The transport for an in-thread run (undefined: the runner's default, fetch). */
  transport?: Transport;
  /** Extra CA certificates (PEM) for workers' `http1` transports. */
  caCerts?: string[];
}

/**
 * Makes the transport `--transport` (and the TLS flags) ask for.
 *
 * @param o Validated options.
 * @param io The outside world.
 * @returns The transport choice.
 * @throws {ConfigError} For `--transport http1` with `--insecure`, or on a runtime without it.
 * @throws {InputError} When the `--ca-cert` file cannot be read.
 */
export async function chooseTransport(o: CliOptions, io: CliIo): Promise<TransportChoice> {
  if (o.transport !== "http1") return { transport: await tlsTransport(o, io) };
  if (o.insecure) {
    throw new ConfigError("--insecure", "cannot be combined with --transport http1; use --ca-cert");
  }
  if (!io.createHttp1Transport) {
    throw new ConfigError("--transport", "http1 is not supported on this runtime", o.transport);
  }
  const caCerts: string[] = [];
  if (o.caCert !== undefined) {
    try {
      caCerts.push(await io.readText(o.caCert));
    } catch (e) {
      throw new InputError(o.caCert, 0, `cannot be read (--ca-cert): ${(e as Error).message}`);
    }
  }
  return { transport: io.createHttp1Transport(caCerts), caCerts };
}

/**
 * Runs the configured benchmark: in this thread, or over `--workers` Web Workers (each rebuilds the
 * workload from the options and makes its own transport).
 *
 * @param config The run's configuration.
 * @param options The run options (the transport is taken from `choice`).
 * @param o Validated options.
 * @param choice The transport choice.
 * @param io The outside world.
 * @returns The report.
 */
export function runConfigured(
  config: BenchmarkConfig,
  options: RunOptions,
  o: CliOptions,
  choice: TransportChoice,
  io: CliIo,
): Promise<BenchmarkReport> {
  const workers = o.workers === "auto"
    ? autoWorkers(config.userCount, io.runtime.cpus ?? 1)
    : Math.min(o.workers, config.userCount);
  const meta = { ...options.meta, transport: o.transport, workers };
  if (workers <= 1) return runBenchmark(config, { ...options, meta, transport: choice.transport });
  if (!import.meta.url.endsWith("/lib/cli/execution.ts")) {
    // A single-file bundle has no worker module to start.
    throw new ConfigError(
      "--workers",
      "needs batchbench's modules (deno run -A cli.ts, or jsr:@batchbench/cli); the single-file bundle runs in one thread",
      o.workers,
    );
  }
  if (o.insecure || (o.caCert !== undefined && o.transport !== "http1")) {
    throw new ConfigError(
      "--workers",
      "needs --transport http1 with --ca-cert, and cannot be combined with --insecure",
    );
  }
  const { transport: _, clock: _clock, countTokens, ...rest } = options;
  return runSharded(config, {
    ...rest,
    tokenizer: countTokens !== undefined,
    meta,
    workers,
    transport: o.transport,
    caCerts: choice.caCerts,
    workloadSource: config.workload
      ? {
        module: new URL("../workers/cli_workload.ts", import.meta.url).href,
        exportName: "cliWorkload",
        args: plainCliOptions(o),
      }
      : undefined,
  });
}
