/**
 * The Web Worker side of {@linkcode runSharded}: builds its shard's configuration, runs
 * `runBenchmark` on it with its own transport, forwards records and progress in batches, and sends
 * back its encoded aggregate and its event-loop lag. It makes the `http1` transport through the Deno
 * adapter (../transport/deno_connect.ts), so it is itself a Deno adapter.
 *
 * @module
 */

import type { BenchmarkConfig } from "../config.ts";
import { LoopLagMonitor } from "../metrics/health.ts";
import type { RequestRecord } from "../record.ts";
import { type Progress, runBenchmark } from "../runner.ts";
import { createDenoHttp1Transport } from "../transport/deno_connect.ts";
import type { Transport } from "../transport/types.ts";
import type { Workload } from "../workload/workload.ts";
import { decodeConfig } from "./config_codec.ts";
import type { StartMessage, WorkerMessage } from "./protocol.ts";
import { shardConfig, shardWorkload } from "./shard.ts";
import { loadTokenizer } from "../workload/tokenizer.ts";

// deno-lint-ignore no-explicit-any
const scope = self as any;
const post = (message: WorkerMessage) => scope.postMessage(message);
const stop = new AbortController();

async function buildConfig(start: StartMessage): Promise<BenchmarkConfig> {
  const { index, count, range } = start;
  const shard = decodeConfig(shardConfig(start.config, range, index, count));
  const source = start.workloadSource;
  if (source) {
    const mod = await import(source.module);
    const built: BenchmarkConfig | Workload = await mod[source.exportName](source.args);
    const workload = "next" in built ? built : built.workload;
    if (!workload) throw new Error(`${source.module} built no workload`);
    shard.workload = shardWorkload(workload, range, index, count);
  }
  return shard;
}

function transportFor(start: StartMessage): Transport | undefined {
  return start.transport === "http1"
    ? createDenoHttp1Transport({ caCerts: start.caCerts })
    : undefined;
}

async function run(start: StartMessage): Promise<void> {
  const config = await buildConfig(start);
  let batch: RequestRecord[] = [];
  let t0 = NaN; // the run's start on this worker's performance.now(), from the first progress
  const flush = () => {
    if (batch.length === 0) return;
    post({ type: "records", records: batch, t0EpochMs: performance.timeOrigin + t0 });
    batch = [];
  };
  let latest: Progress | undefined;
  const timer = setInterval(() => {
    flush();
    if (latest) post({ type: "progress", progress: latest });
    latest = undefined;
  }, start.batchMs);
  const monitor = new LoopLagMonitor();
  const t0EpochMs = performance.timeOrigin + performance.now();
  post({ type: "started", t0EpochMs });
  monitor.start();
  try {
    const tokenizer = start.tokenizer ? await loadTokenizer() : undefined;
    const report = await runBenchmark(config, {
      ...start.options,
      countTokens: tokenizer?.count,
      signal: stop.signal,
      transport: transportFor(start),
      monitorHealth: false,
      onRecord: start.wantRecords ? (r) => batch.push(r) : undefined,
      onProgress: (p) => {
        if (Number.isNaN(t0)) t0 = performance.now() - p.elapsedMs;
        latest = { ...p };
      },
    });
    const lag = monitor.lagUs;
    monitor.stop();
    clearInterval(timer);
    flush();
    post({
      type: "done",
      aggregate: report.aggregate,
      lagUs: lag.encode(),
      t0EpochMs: Number.isNaN(t0) ? t0EpochMs : performance.timeOrigin + t0,
      meta: report.meta,
      interrupted: report.interrupted,
    });
  } finally {
    clearInterval(timer);
    monitor.stop();
  }
}

scope.onmessage = (event: MessageEvent<StartMessage | { type: "stop" }>) => {
  const message = event.data;
  if (message.type === "stop") return stop.abort();
  run(message).catch((e) => post({ type: "error", message: String(e?.stack ?? e) }));
};
