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
export { REPORT_SCHEMA_VERSION, reportToJson, RESULT_FORMAT } from "./lib/report/json.ts";
export { type HtmlReportOptions, reportToHtml } from "./lib/report/html.ts";
export {
  recordToCsvRow,
  reportToCsvRow,
  REQUESTS_CSV_COLUMNS,
  requestsCsvHeader,
  SUMMARY_CSV_COLUMNS,
  summaryCsvHeader,
} from "./lib/report/csv.ts";
export {
  type LineSink,
  recordToLogLine,
  REQUEST_LOG_FORMAT,
  REQUEST_LOG_VERSION,
  type RequestLogEnd,
  type RequestLogHeader,
  RequestLogWriter,
} from "./lib/report/request_log.ts";
export { readRequestLog, type RequestLogSummary } from "./lib/report/request_log_read.ts";
export { parseResultFile, type ResultJson, resultMetric } from "./lib/report/result_file.ts";
export {
  type MergeInput,
  type MergeMode,
  type MergeOptions,
  mergeResults,
} from "./lib/report/merge.ts";
export {
  type Better,
  COMPARE_METRICS,
  type CompareMetric,
  compareResults,
  type Comparison,
  type ComparisonRow,
  formatComparison,
  parseThreshold,
  type Threshold,
  type ThresholdResult,
} from "./lib/report/compare.ts";
export { type Timeline, type TimelinePeaks } from "./lib/report/timeline.ts";
export {
  type EncodedTimeSeries,
  TIME_SERIES_INTERVAL_MS,
  TimeSeries,
  type TimeSeriesSecond,
} from "./lib/metrics/timeseries.ts";
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
export {
  Http1Transport,
  type Http1TransportOptions,
  HttpProtocolError,
} from "./lib/transport/http1.ts";
export type { Connector, ConnectTarget, Socket } from "./lib/transport/socket.ts";
export {
  createDenoHttp1Transport,
  denoConnector,
  type DenoTlsOptions,
} from "./lib/transport/deno_connect.ts";
export {
  autoWorkers,
  runSharded,
  type ShardedOptions,
  type TransportName,
  type WorkloadSource,
} from "./lib/workers/sharded.ts";
export {
  describePlan,
  type LoadPlan,
  type LoadShape,
  planLoad,
  validateLoadShape,
  type Warmup,
} from "./lib/schedule/plan.ts";
export {
  type ArrivalKind,
  type ArrivalProcess,
  planArrivals,
  resolveArrivals,
} from "./lib/schedule/arrivals.ts";
export { type EncodedLoadStats, LoadStats } from "./lib/metrics/load_stats.ts";
export type { LoadSummary } from "./lib/report/report.ts";
export {
  configWorkload,
  recordWorkload,
  type RecordWorkloadOptions,
  type WorkItem,
  type Workload,
  type WorkRecord,
  type WorkResult,
  type WorkTicket,
} from "./lib/workload/workload.ts";
export { type SessionOptions, sessionWorkload } from "./lib/workload/sessions.ts";
export { chatBody, type ChatMessage } from "./lib/workload/body.ts";
export { firstExchange, parseShareGpt } from "./lib/workload/sharegpt.ts";
export {
  type SyntheticOptions,
  type SyntheticPrompt,
  syntheticPrompts,
} from "./lib/workload/synthetic.ts";
export { loadTokenizer, type Tokenizer } from "./lib/workload/tokenizer.ts";
export { drawLength, type LengthDist, parseLengthDist } from "./lib/workload/lengths.ts";
export {
  applyBackendOutputTokens,
  type Backend,
  BACKEND_FIELDS,
  BACKENDS,
} from "./lib/workload/backend.ts";
export { NodeHttpTransport, type NodeHttpTransportOptions } from "./lib/transport/node_http.ts";

if (import.meta.main) {
  const { main } = await import("./cli.ts");
  Deno.exit(await main(Deno.args));
}
