/**
 * batchbench itself as a benchmark client: `runBenchmark` (or `runSharded` with `--workers N`) over
 * the common flags, with `--transport fetch|http1`. Each user sends its own body (`user: "u<i>"`) so
 * the simulator can match requests; start times are mapped to the epoch clock through the run's
 * progress callback (`elapsedMs` since the run's start).
 *
 * Usage: see ./_protocol.ts; extra flags `--transport fetch|http1` (default http1), `--workers N`
 * (default 1: in this thread).
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
  onRecord: (r) => records.push(r),
  onProgress: (p) => {
    if (Number.isNaN(t0)) t0 = performance.now() - p.elapsedMs;
  },
};
const probe = new LagProbe(10);
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
  },
});
