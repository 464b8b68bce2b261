/**
 * batchbench itself as a benchmark client: `runBenchmark` (or `runSharded` with `--workers N`) over
 * the common flags, with `--transport fetch|http1`. Each user sends its own body (`user: "u<i>"`) so
 * the simulator can match requests; start times are mapped to the epoch clock through the run's
 * progress callback (`elapsedMs` since the run's start).
 *
 * Usage: see ./_protocol.ts; extra flags `--transport fetch|http1` (default http1), `--workers N`
 * (default 1: in this thread), `--keep 0` (keep no records: no timing rows, for memory figures).
 *
 * @module
 */

import { BenchmarkConfig, RunMode } from "../../lib/config.ts";
import type { RequestRecord } from "../../lib/record.ts";
import { runBenchmark, type RunOptions } from "../../lib/runner.ts";
import { createDenoHttp1Transport } from "../../lib/transport/deno_connect.ts";
import { runSharded } from "../../lib/workers/sharded.ts";
import { LagProbe } from "./_lag_probe.ts";
import { clientArgs, finish, handshake, requestBody } from "./_protocol.ts";

const args = clientArgs();
const transport = args.raw.get("transport") ?? "http1";
const workers = Number(args.raw.get("workers") ?? 1);
// `--keep 0`: keep no records (for memory figures: the library's, not this script's).
const keep = args.raw.get("keep") !== "0";
const bodies = Array.from({ length: args.users }, (_, u) => requestBody(`u${u}`, args.tokens));
const config = BenchmarkConfig.tryNew(
  args.url,
  undefined,
  args.users,
  RunMode.finite(args.requests),
  bodies[0],
).withPerUserBodies(bodies).withRetry(0, 0);

const records: RequestRecord[] = [];
let t0 = NaN; // the run's start on performance.now()
const options: RunOptions = {
  onRecord: keep ? (r) => records.push(r) : undefined,
  onProgress: (p) => {
    if (Number.isNaN(t0)) t0 = performance.now() - p.elapsedMs;
  },
};
const probe = new LagProbe(10);
// With --v8-flags=--expose-gc: the live memory (heap + buffers after a full GC), idle and peak.
// deno-lint-ignore no-explicit-any
const gc = (globalThis as any).gc as (() => void) | undefined;
const liveMb = () => {
  gc!();
  const m = Deno.memoryUsage();
  return (m.heapUsed + m.external) / 1048576;
};
const liveIdleMb = gc ? liveMb() : NaN;
let livePeakMb = liveIdleMb;
const liveTimer = gc
  ? setInterval(() => livePeakMb = Math.max(livePeakMb, liveMb()), 500)
  : undefined;
await handshake("READY");
probe.start();
const started = performance.now();
const report = workers > 1
  ? await runSharded(config, { ...options, workers, transport: transport as "fetch" | "http1" })
  : await runBenchmark(config, {
    ...options,
    transport: transport === "http1" ? createDenoHttp1Transport() : undefined,
  });
const wallMs = performance.now() - started;
probe.stop();
clearInterval(liveTimer);
const rows: (string | number)[][] = [];
let tokens = 0;
for (const r of records) {
  if (r.outcome !== "success" || r.ttftMs === undefined) continue;
  tokens += r.itlMs.length + 1;
  rows.push([
    `u${r.user}`,
    r.iteration,
    performance.timeOrigin + t0 + r.lastAttemptStartMs,
    r.ttftMs,
    r.e2eMs,
    ...r.itlMs,
  ]);
}
await finish(args.out, {
  requests: rows,
  failures: report.failedRequests,
  lag: probe.summary(),
  wallMs,
  tokens,
  extra: {
    clientHealth: report.clientHealth,
    failures: report.failures.slice(0, 3).map((f) => f.message),
    ttftP99: report.ttft.p99Ms,
    itlP99: report.itl.p99Ms,
    completed: report.successfulRequests,
    liveMb: livePeakMb,
    liveIdleMb,
  },
});
