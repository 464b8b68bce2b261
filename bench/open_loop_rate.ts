// The open-loop accuracy check of issue 4: a 30-second Poisson run at a fixed rate against the
// simulator (loopback, in this process) must deliver that rate within 2%, drop nothing, and report
// its dispatch lateness. Exits 1 when it does not.
//
//   deno run -A bench/open_loop_rate.ts [--rate 50] [--duration 30] [--arrival poisson]
import { parseArgs } from "node:util";
import { BenchmarkConfig, RunMode } from "../lib/config.ts";
import { runBenchmark } from "../lib/runner.ts";
import { serveSimulator } from "../lib/simulator/serve.ts";
import type { ArrivalKind } from "../lib/schedule/arrivals.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rate: { type: "string", default: "50" },
    duration: { type: "string", default: "30" },
    arrival: { type: "string", default: "poisson" },
  },
});
const rate = Number(values.rate);
const durationMs = Number(values.duration) * 1000;
const sim = await serveSimulator({ ttftMs: 20, itlMs: 5, outputTokens: 16 });
try {
  const config = BenchmarkConfig.tryNew(
    `${sim.url}/v1/chat/completions`,
    null,
    1,
    RunMode.finite(1),
    {
      model: "m",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
      stream_options: { include_usage: true },
    },
  ).withLoad({ arrivals: { rate, kind: values.arrival as ArrivalKind }, durationMs });
  const report = await runBenchmark(config, { seed: 1 });
  const sent = report.load.sentRequests;
  const expected = Math.ceil((rate * durationMs) / 1000);
  const error = Math.abs(report.load.sendRate! - rate) / rate;
  const q = report.queue;
  console.log(
    `target ${rate} req/s for ${durationMs / 1000} s (${values.arrival}): planned ${
      report.load.plannedRate?.toFixed(3)
    }, delivered ${report.load.sendRate?.toFixed(3)} req/s (${(error * 100).toFixed(2)}% off)`,
  );
  console.log(
    `sent ${sent} of ${expected} planned, server received ${sim.simulator.requestCount}, ` +
      `unsent ${report.load.unsentRequests}, failed ${report.failedRequests}`,
  );
  console.log(
    `dispatch lateness p50/p99/max: ${q.p50Ms?.toFixed(2)} / ${q.p99Ms?.toFixed(2)} / ${
      q.maxMs?.toFixed(2)
    } ms; event-loop lag p99 ${report.clientHealth?.loopLagMs.p99.toFixed(2)} ms`,
  );
  const ok = error < 0.02 && sent === expected && sim.simulator.requestCount === expected &&
    report.load.unsentRequests === 0;
  console.log(ok ? "PASS" : "FAIL");
  if (!ok) Deno.exitCode = 1;
} finally {
  await sim.shutdown();
}
