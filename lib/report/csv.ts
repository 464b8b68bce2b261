/**
 * CSV exports (RFC 4180, `\n` line ends): one summary row per run, appended to one file across runs
 * (`--output-csv`), and one row per request (`--output-requests-csv`). Column orders are fixed; new
 * columns are only ever added at the end.
 *
 * @module
 */
import type { Distribution } from "./distribution.ts";
import { type BenchmarkReport, FAILURE_KINDS } from "./report.ts";
import { type RequestRecord, tpotMs } from "../record.ts";

/** The summary CSV's columns, in order. */
export const SUMMARY_CSV_COLUMNS: readonly string[] = [
  "started_at",
  "tool_version",
  "endpoint",
  "model",
  "users",
  "requests_per_user",
  "interrupted",
  "duration_s",
  "total_requests",
  "completed",
  "failed",
  "cancelled",
  "failure_rate",
  "attempts",
  "total_input_tokens",
  "total_output_tokens",
  "request_throughput",
  "request_goodput",
  "output_throughput",
  "total_token_throughput",
  "max_output_tokens_per_s",
  "mean_concurrency",
  "peak_concurrency",
  ...["ttft", "tpot", "itl", "e2el"].flatMap((m) =>
    ["mean", "p50", "p90", "p99"].map((s) => `${s}_${m}_ms`)
  ),
  "failures_by_kind",
];

/** The per-request CSV's columns, in order (times in ms on the run's clock, rounded to µs). */
export const REQUESTS_CSV_COLUMNS: readonly string[] = [
  "user",
  "iteration",
  "outcome",
  "status",
  "attempts",
  "start_ms",
  "end_ms",
  "intended_ms",
  "last_attempt_start_ms",
  "retry_delay_ms",
  "ttft_ms",
  "ttfat_ms",
  "e2e_ms",
  "tpot_ms",
  "itl_count",
  "mean_itl_ms",
  "max_itl_ms",
  "prompt_tokens",
  "output_tokens",
  "output_tokens_source",
  "requested_output_tokens",
  "finish_reason",
  "warmup",
  "error",
];

/**
 * The summary CSV's header line (no newline).
 *
 * @example Usage
 * ```ts
 * import { summaryCsvHeader } from "./csv.ts";
 * console.log(summaryCsvHeader().startsWith("started_at,tool_version,endpoint,model")); // true
 * ```
 *
 * @returns The header.
 */
export function summaryCsvHeader(): string {
  return SUMMARY_CSV_COLUMNS.join(",");
}

/**
 * One summary row for a report (no newline), in {@linkcode SUMMARY_CSV_COLUMNS}' order. Missing values
 * (n/a, or no such configuration) are empty cells. `failures_by_kind` lists the non-zero kinds as
 * `kind=count` separated by `;`.
 *
 * @example Usage
 * ```ts
 * import { Aggregator } from "../metrics/aggregate.ts";
 * import { buildReport } from "./report.ts";
 * import { reportToCsvRow, SUMMARY_CSV_COLUMNS } from "./csv.ts";
 * const row = reportToCsvRow(buildReport(new Aggregator(), { meta: { config: { model: "m,1" } } }));
 * console.log(row.split(",").length > SUMMARY_CSV_COLUMNS.length - 3, row.includes('"m,1"')); // true true
 * ```
 *
 * @param report The report.
 * @returns The row.
 */
export function reportToCsvRow(report: BenchmarkReport): string {
  const meta = report.meta as Record<string, Record<string, unknown> | undefined>;
  const config = meta.config ?? {};
  const tool = meta.tool ?? {};
  const dist: Record<string, Distribution> = {
    ttft: report.ttft,
    tpot: report.tpot,
    itl: report.itl,
    e2el: report.e2el,
  };
  const stat = (d: Distribution, s: string) =>
    s === "mean" ? d.meanMs : s === "p50" ? d.p50Ms : s === "p90" ? d.p90Ms : d.p99Ms;
  const values: unknown[] = [
    report.meta.started_at,
    tool.version,
    config.endpoint,
    config.model,
    config.users,
    config.requests_per_user,
    report.interrupted,
    report.totalDurationSecs,
    report.totalRequests,
    report.successfulRequests,
    report.failedRequests,
    report.cancelledRequests,
    report.failureRate,
    report.attempts,
    report.totalPromptTokens,
    report.totalCompletionTokens,
    report.requestsPerSecond,
    report.goodput?.requestsPerSecond,
    report.completionTokensPerSecond,
    report.totalTokenThroughput,
    report.maxOutputTokensPerSecond,
    report.meanConcurrency,
    report.peakConcurrency,
    ...["ttft", "tpot", "itl", "e2el"].flatMap((m) =>
      ["mean", "p50", "p90", "p99"].map((s) => stat(dist[m], s))
    ),
    FAILURE_KINDS.filter((k) => report.failuresByKind[k] > 0)
      .map((k) => `${k}=${report.failuresByKind[k]}`).join(";"),
  ];
  return values.map(csvCell).join(",");
}

/**
 * The per-request CSV's header line (no newline).
 *
 * @example Usage
 * ```ts
 * import { requestsCsvHeader } from "./csv.ts";
 * console.log(requestsCsvHeader().split(",").slice(0, 3)); // [ "user", "iteration", "outcome" ]
 * ```
 *
 * @returns The header.
 */
export function requestsCsvHeader(): string {
  return REQUESTS_CSV_COLUMNS.join(",");
}

/**
 * One per-request row (no newline), in {@linkcode REQUESTS_CSV_COLUMNS}' order.
 *
 * @example Usage
 * ```ts
 * import { recordToCsvRow } from "./csv.ts";
 * console.log(recordToCsvRow({
 *   user: 1, iteration: 2, attempts: 1, outcome: "http_5xx", status: 503, startMs: 10.0004,
 *   endMs: 20, lastAttemptStartMs: 10.0004, retryDelayMs: 0, itlMs: [], e2eMs: 9.9996,
 *   outputTokens: 0, outputTokensSource: "chunks",
 *   error: { kind: "http_5xx", message: 'overloaded, "retry"', status: 503 },
 * }));
 * // 1,2,http_5xx,503,1,10,20,,10,0,,,10,,0,,,,0,chunks,,,false,"overloaded, ""retry"""
 * ```
 *
 * @param r The record.
 * @returns The row.
 */
export function recordToCsvRow(r: RequestRecord): string {
  const itlSum = r.itlMs.reduce((a, b) => a + b, 0);
  const tpot = tpotMs(r);
  const values: unknown[] = [
    r.user,
    r.iteration,
    r.outcome,
    r.status,
    r.attempts,
    us(r.startMs),
    us(r.endMs),
    us(r.intendedMs),
    us(r.lastAttemptStartMs),
    us(r.retryDelayMs),
    us(r.ttftMs),
    us(r.ttfatMs),
    us(r.e2eMs),
    us(tpot),
    r.itlMs.length,
    r.itlMs.length > 0 ? us(itlSum / r.itlMs.length) : undefined,
    r.itlMs.length > 0 ? us(r.itlMs.reduce((a, b) => Math.max(a, b), -Infinity)) : undefined,
    r.promptTokens,
    r.outputTokens,
    r.outputTokensSource,
    r.requestedOutputTokens,
    r.finishReason,
    r.warmup ?? false,
    r.error?.message,
  ];
  return values.map(csvCell).join(",");
}

/**
 * Formats one CSV cell: empty for null/undefined/NaN, quoted when it holds a comma, a quote or a line
 * break (quotes doubled).
 *
 * @example Usage
 * ```ts
 * import { csvCell } from "./csv.ts";
 * console.log(csvCell(null), csvCell(1.5), csvCell('a "b", c')); //  1.5 "a ""b"", c"
 * ```
 *
 * @param value The value.
 * @returns The cell's text.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" && !Number.isFinite(value)) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function us(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms * 1000) / 1000;
}
