/**
 * Runs a benchmark across Web Workers: each worker runs `runBenchmark` over its shard of the users
 * (./shard.ts) on its own event loop and core, and the results merge losslessly (encoded aggregates,
 * `Aggregator.decode` + `merge`). Records and progress are forwarded in batches and moved onto one
 * clock (each worker's start is measured on the epoch clock), so `onRecord` and the report read like
 * those of a single run. The client's health merges every worker's event-loop lag histogram; CPU is
 * the whole process's.
 *
 * @module
 */

import process from "node:process";
import type { BenchmarkConfig } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { Aggregator } from "../metrics/aggregate.ts";
import type { EncodedAggregate } from "../metrics/aggregate_codec.ts";
import { assessClientHealth } from "../metrics/health.ts";
import { Histogram } from "../metrics/histogram.ts";
import { type BenchmarkReport, buildReport } from "../report/report.ts";
import type { RequestRecord } from "../record.ts";
import type { Progress, RunOptions } from "../runner.ts";
import { encodeConfig } from "./config_codec.ts";
import type { StartMessage, TransportName, WorkerMessage, WorkloadSource } from "./protocol.ts";
import { globalRecord, shardRanges } from "./shard.ts";

export type { TransportName, WorkloadSource } from "./protocol.ts";

/** Options of {@linkcode runSharded}: the run options that can cross a thread, and the split. */
export interface ShardedOptions extends Omit<RunOptions, "transport" | "clock" | "countTokens"> {
  /** Workers to start (at most one per user); 1 still runs in a worker. */
  workers: number;
  /**
   * The transport each worker makes.
   *
   * @default {"fetch"}
   */
  transport?: TransportName;
  /** Extra trusted CA certificates (PEM) for the `http1` transport. */
  caCerts?: string[];
  /**
   * Where workers rebuild the configuration's `workload` object (it cannot be sent to a worker);
   * needed when the configuration has one.
   */
  workloadSource?: WorkloadSource;
  /**
   * Count output tokens with the bundled tokenizer when a server reports no usage (each worker loads
   * it; a `countTokens` function cannot cross to a worker).
   *
   * @default {false}
   */
  tokenizer?: boolean;
  /**
   * Records and progress are forwarded at most this often, in ms.
   *
   * @default {50}
   */
  batchMs?: number;
}

/**
 * How many workers to use when asked for "auto": one per spare core (keeping one for the rest of the
 * machine, e.g. a local server), only when there are enough users to need more than one event loop.
 *
 * @example Usage
 * ```ts
 * import { autoWorkers } from "./sharded.ts";
 * console.log(autoWorkers(64, 8), autoWorkers(4096, 8), autoWorkers(4096, 2)); // 1 7 1
 * ```
 *
 * @param users Concurrent users.
 * @param cores Logical cores (`navigator.hardwareConcurrency`).
 * @param usersPerWorker Users one event loop handles without lag (measured in bench/).
 * @returns The worker count (1: run in this thread).
 */
export function autoWorkers(users: number, cores: number, usersPerWorker = 1024): number {
  const wanted = Math.ceil(users / usersPerWorker);
  return Math.max(1, Math.min(wanted, cores - 1));
}

/**
 * Runs a benchmark across Web Workers and resolves with the merged report. Never rejects because of
 * what a server does; rejects when a worker cannot start or crashes.
 *
 * @example Usage
 * ```ts ignore
 * import { BenchmarkConfig, RunMode } from "../config.ts";
 * import { runSharded } from "./sharded.ts";
 * const config = BenchmarkConfig.tryNew("http://127.0.0.1:8000/v1/completions", undefined, 2048,
 *   RunMode.finite(4), { model: "m", prompt: "Ping", stream: true });
 * const report = await runSharded(config, { workers: 2, transport: "http1" });
 * console.log(report.successfulRequests);
 * ```
 *
 * @param config The validated configuration.
 * @param options Workers, transport, callbacks and plain run options.
 * @returns The merged report.
 * @throws {ConfigError} When the configuration holds a workload object and no `workloadSource`.
 */
export async function runSharded(
  config: BenchmarkConfig,
  options: ShardedOptions,
): Promise<BenchmarkReport> {
  if (config.workload && !options.workloadSource) {
    throw new ConfigError(
      "workers",
      "need a workloadSource when the configuration holds a workload object (it cannot be sent to a worker)",
    );
  }
  const ranges = shardRanges(config.userCount, options.workers);
  const encoded = encodeConfig(config);
  const plain = plainOptions(options);
  // Records and spans are moved onto one clock whose 0 is the earliest worker's run start (known once
  // every worker started; records arriving before that wait).
  let startEpochMs = Infinity;
  const starts: number[] = [];
  const early: [RequestRecord[], number, number][] = [];
  const forward = (records: RequestRecord[], t0EpochMs: number, userOffset: number) => {
    const offsetMs = t0EpochMs - startEpochMs;
    for (const r of records) options.onRecord?.(globalRecord(r, userOffset, offsetMs));
  };
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const progress: Progress[] = ranges.map(() => emptyProgress());
  const total = emptyProgress();
  const workers: Worker[] = [];
  const stopAll = () => workers.forEach((w) => w.postMessage({ type: "stop" }));
  options.signal?.addEventListener("abort", stopAll, { once: true });
  const results = ranges.map((range, index) => {
    const worker = new Worker(new URL("./worker_main.ts", import.meta.url).href, {
      type: "module",
    });
    workers.push(worker);
    return new Promise<Extract<WorkerMessage, { type: "done" }>>((resolve, reject) => {
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`worker ${index} failed: ${e.message}`));
      };
      worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
        const m = event.data;
        if (m.type === "started") {
          starts.push(m.t0EpochMs);
          if (starts.length === ranges.length) {
            startEpochMs = Math.min(...starts);
            for (const [records, t0, offset] of early.splice(0)) forward(records, t0, offset);
          }
        } else if (m.type === "records") {
          if (Number.isFinite(startEpochMs)) forward(m.records, m.t0EpochMs, range.from);
          else early.push([m.records, m.t0EpochMs, range.from]);
        } else if (m.type === "progress") {
          progress[index] = m.progress;
          if (options.onProgress) {
            sumProgress(progress, total);
            total.elapsedMs = Number.isFinite(startEpochMs)
              ? Math.max(0, performance.timeOrigin + performance.now() - startEpochMs)
              : 0;
            options.onProgress(total);
          }
        } else if (m.type === "done") resolve(m);
        else if (m.type === "error") reject(new Error(`worker ${index} failed: ${m.message}`));
      };
      const start: StartMessage = {
        type: "start",
        index,
        count: ranges.length,
        range,
        config: encoded,
        workloadSource: options.workloadSource,
        options: plain,
        transport: options.transport ?? "fetch",
        caCerts: options.caCerts,
        batchMs: options.batchMs ?? 50,
        wantRecords: options.onRecord !== undefined,
        tokenizer: options.tokenizer ?? false,
      };
      worker.postMessage(start);
    });
  });
  let done: Extract<WorkerMessage, { type: "done" }>[];
  try {
    done = await Promise.all(results);
  } finally {
    options.signal?.removeEventListener("abort", stopAll);
    workers.forEach((w) => w.terminate());
  }
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  return mergeShards(done, startEpochMs, {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallMs,
  }, options);
}

function mergeShards(
  done: Extract<WorkerMessage, { type: "done" }>[],
  startEpochMs: number,
  cpu: { cpuSeconds: number; wallMs: number },
  options: ShardedOptions,
): BenchmarkReport {
  let agg: Aggregator | undefined;
  const lagUs = new Histogram();
  let first = Infinity;
  let last = -Infinity;
  for (const shard of done) {
    const offsetMs = shard.t0EpochMs - startEpochMs;
    const shifted: EncodedAggregate = {
      ...shard.aggregate,
      first_start_ms: shift(shard.aggregate.first_start_ms, offsetMs),
      last_end_ms: shift(shard.aggregate.last_end_ms, offsetMs),
      failure_examples: shard.aggregate.failure_examples.map((f) => ({
        ...f,
        start_ms: f.start_ms + offsetMs,
      })),
    };
    if (shifted.first_start_ms !== null) first = Math.min(first, shifted.first_start_ms);
    if (shifted.last_end_ms !== null) last = Math.max(last, shifted.last_end_ms);
    const part = Aggregator.decode(shifted);
    if (agg) agg.merge(part);
    else agg = part;
    lagUs.merge(Histogram.decode(shard.lagUs));
  }
  const meta = { ...done[0]?.meta, ...options.meta, workers: done.length };
  return buildReport(agg ?? new Aggregator({ slo: options.slo }), {
    durationMs: Number.isFinite(first) ? Math.max(0, last - first) : 0,
    interrupted: done.some((d) => d.interrupted),
    clientHealth: options.monitorHealth === false ? undefined : assessClientHealth(lagUs, {}, cpu),
    meta,
  });
}

function shift(ms: number | null, offsetMs: number): number | null {
  return ms === null ? null : ms + offsetMs;
}

/** The options that cross to a worker: plain values only (no callbacks, signal, transport). */
function plainOptions(options: ShardedOptions): Record<string, unknown> {
  const skip = new Set([
    "signal",
    "onProgress",
    "onRecord",
    "workers",
    "transport",
    "caCerts",
    "workloadSource",
    "batchMs",
    "monitorHealth",
    "tokenizer",
  ]);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (!skip.has(name) && typeof value !== "function") out[name] = value;
  }
  return out;
}

function emptyProgress(): Progress {
  return { completed: 0, failed: 0, inFlight: 0, outputTokens: 0, elapsedMs: 0 };
}

function sumProgress(parts: Progress[], total: Progress): void {
  const sum = (f: (p: Progress) => number | undefined) =>
    parts.reduce((a, p) => a + (f(p) ?? 0), 0);
  total.completed = sum((p) => p.completed);
  total.failed = sum((p) => p.failed);
  total.inFlight = sum((p) => p.inFlight);
  total.outputTokens = sum((p) => p.outputTokens);
  if (parts.every((p) => p.planned !== undefined)) total.planned = sum((p) => p.planned);
  total.durationMs = parts[0]?.durationMs;
}
