/**
 * batchbench: benchmark OpenAI-compatible text-generation endpoints with many concurrent users, and get
 * throughput, latency (TTFT, ITL, TPOT, end-to-end) and failures you can trust.
 *
 * ```ts ignore
 * import { BenchmarkConfig, RunMode, runBenchmark } from "@batchbench/cli";
 *
 * const config = BenchmarkConfig.tryNew(
 *   "https://api.openai.com/v1/chat/completions",
 *   Deno.env.get("OPENAI_API_KEY"),
 *   8,
 *   RunMode.finite(25),
 *   { model: "gpt-4o-mini", messages: [{ role: "user", content: "Ping" }] },
 * ).withRequestTimeout(30_000).withRetry(3, 400);
 *
 * const report = await runBenchmark(config);
 * console.log(report);
 * ```
 *
 * Run directly (`deno run -A jsr:@batchbench/cli`), this module starts the CLI.
 *
 * @module
 */
export {
  BenchmarkConfig,
  type JsonBody,
  type Limits,
  type OutputLength,
  RunMode,
} from "./lib/config.ts";
export { BatchbenchError, ConfigError, type ErrorCode, InputError } from "./lib/errors.ts";
export { type Clock, ManualClock, realClock } from "./lib/clock.ts";
export {
  type AttemptError,
  OUTCOME_KINDS,
  type OutcomeKind,
  type RequestRecord,
  type TokenSource,
  tpotMs,
} from "./lib/record.ts";
export { type Progress, runBenchmark, type RunOptions } from "./lib/runner.ts";
export type { Transport, TransportRequest, TransportResponse } from "./lib/transport/types.ts";
export {
  type BenchmarkReport,
  buildReport,
  FAILURE_KINDS,
  type FailureKind,
  type Goodput,
  type ReportInfo,
} from "./lib/report/report.ts";
export { type Distribution, distributionOf } from "./lib/report/distribution.ts";
export { formatReport, type FormatReportOptions } from "./lib/report/console.ts";
export { REPORT_SCHEMA_VERSION, reportToJson } from "./lib/report/json.ts";
export {
  Aggregator,
  type AggregatorOptions,
  type EncodedAggregate,
  type HistogramName,
  type OutputLengthStats,
} from "./lib/metrics/aggregate.ts";
export type {
  EncodedFailureRecord,
  EncodedHistograms,
  EncodedSlo,
} from "./lib/metrics/aggregate_codec.ts";
export type { FailureRecord } from "./lib/metrics/failure_examples.ts";
export type { Slo } from "./lib/metrics/slo.ts";
export { type EncodedHistogram, Histogram, type HistogramBucket } from "./lib/metrics/histogram.ts";
export {
  type ClientBoundThresholds,
  type ClientHealth,
  type CpuSpan,
  LoopLagMonitor,
  type LoopLagMonitorOptions,
} from "./lib/metrics/health.ts";
export {
  type Fault,
  type FaultChooser,
  type FaultInfo,
  type HandlerInit,
  type ReceivedRequest,
  Simulator,
  type SimulatorOptions,
} from "./lib/simulator/handler.ts";
export { type RunningSimulator, type ServeOptions, serveSimulator } from "./lib/simulator/serve.ts";
export { FetchTransport } from "./lib/transport/fetch.ts";

if (import.meta.main) {
  const { main } = await import("./cli.ts");
  Deno.exit(await main(Deno.args));
}
