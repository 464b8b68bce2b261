/**
 * The machine-readable form of a {@linkcode BenchmarkReport}: snake_case keys, vLLM's names where the
 * metric is the same.
 *
 * @module
 */

import type { Distribution } from "./distribution.ts";
import type { BenchmarkReport } from "./report.ts";
import type { FailureRecord } from "../metrics/failure_examples.ts";
import type { ClientHealth } from "../metrics/health.ts";
import type { Slo } from "../metrics/slo.ts";
import type { Timeline } from "./timeline.ts";

/** Version of the JSON layout produced by {@linkcode reportToJson}. */
export const REPORT_SCHEMA_VERSION = 1;

/** The value of the `format` key that identifies a batchbench result file. */
export const RESULT_FORMAT = "batchbench-result";

/**
 * Converts a report to a JSON-safe object (`JSON.stringify` it). Keys follow `vllm bench serve`'s
 * result file where the metric is the same: `completed`, `failed`, `duration` (s), `total_input_tokens`,
 * `total_output_tokens`, `request_throughput`, `request_goodput`, `output_throughput`,
 * `total_token_throughput`, and `mean_`/`median_`/`std_`/`p99_` + `ttft|tpot|itl|e2el` + `_ms` (also
 * `min_`, `max_`, `p50_`, `p90_`, `p95_`, `p99.9_`, and `<metric>_count`). batchbench's additions use the
 * same style (`ttfat`, `e2el_intended`, `queue`, `failures_by_kind`, `client_health`, ...).
 * `format` is {@linkcode RESULT_FORMAT} and `schema_version` is {@linkcode REPORT_SCHEMA_VERSION}
 * (`schema/result.schema.json` describes every key). Empty populations are `null`, never NaN;
 * `time_series` holds the run second by second (aligned arrays); `aggregate` holds the encoded
 * aggregate so result files merge exactly.
 *
 * @example Usage
 * ```ts
 * import { Aggregator } from "../metrics/aggregate.ts";
 * import { buildReport } from "./report.ts";
 * import { reportToJson } from "./json.ts";
 * const json = reportToJson(buildReport(new Aggregator(), {}));
 * console.log(json.schema_version, json.completed, json.mean_ttft_ms); // 1 0 null
 * ```
 *
 * @param report The report.
 * @returns A JSON-safe object.
 */
export function reportToJson(report: BenchmarkReport): Record<string, unknown> {
  return {
    format: RESULT_FORMAT,
    schema_version: REPORT_SCHEMA_VERSION,
    interrupted: report.interrupted,
    meta: report.meta,
    duration: report.totalDurationSecs,
    duration_ms: report.durationMs,
    total_requests: report.totalRequests,
    completed: report.successfulRequests,
    failed: report.failedRequests,
    cancelled: report.cancelledRequests,
    warmup_requests: report.warmupRequests,
    attempts: report.attempts,
    retried_requests: report.retriedRequests,
    failure_rate: report.failureRate,
    failures_by_kind: { ...report.failuresByKind },
    total_input_tokens: report.totalPromptTokens,
    prompt_tokens_reported: report.promptTokensReported,
    total_output_tokens: report.totalCompletionTokens,
    total_tokens: report.totalTokens,
    output_token_sources: { ...report.outputTokenSources },
    output_length: {
      requests: report.outputLength.requests,
      requested_tokens: report.outputLength.requestedTokens,
      delivered_tokens: report.outputLength.deliveredTokens,
      exact: report.outputLength.exact,
      fewer: report.outputLength.fewer,
      more: report.outputLength.more,
    },
    request_throughput: report.requestsPerSecond,
    request_goodput: report.goodput?.requestsPerSecond ?? null,
    good_requests: report.goodput?.goodRequests ?? null,
    goodput_slo: report.goodput ? sloJson(report.goodput.slo) : null,
    input_throughput: report.promptTokensPerSecond,
    output_throughput: report.completionTokensPerSecond,
    total_token_throughput: report.totalTokenThroughput,
    max_output_tokens_per_s: report.maxOutputTokensPerSecond,
    peak_concurrency: report.peakConcurrency,
    mean_concurrency: report.meanConcurrency,
    ...distributionJson("ttft", report.ttft),
    ...distributionJson("ttfat", report.ttfat),
    ...distributionJson("tpot", report.tpot),
    ...distributionJson("itl", report.itl),
    ...distributionJson("e2el", report.e2el),
    ...distributionJson("e2el_intended", report.e2elIntended),
    ...distributionJson("queue", report.queue),
    sent_requests: report.load.sentRequests,
    send_rate: report.load.sendRate,
    planned_rate: report.load.plannedRate,
    in_flight_at_stop: report.load.inFlightAtStop,
    unsent_requests: report.load.unsentRequests,
    failures: report.failures.map(failureJson),
    client_health: report.clientHealth ? healthJson(report.clientHealth) : null,
    time_series: timelineJson(report.timeline),
    aggregate: report.aggregate,
  };
}

function distributionJson(name: string, d: Distribution): Record<string, number | null> {
  return {
    [`${name}_count`]: d.count,
    [`mean_${name}_ms`]: d.meanMs,
    [`median_${name}_ms`]: d.p50Ms,
    [`std_${name}_ms`]: d.stdMs,
    [`min_${name}_ms`]: d.minMs,
    [`max_${name}_ms`]: d.maxMs,
    [`p50_${name}_ms`]: d.p50Ms,
    [`p90_${name}_ms`]: d.p90Ms,
    [`p95_${name}_ms`]: d.p95Ms,
    [`p99_${name}_ms`]: d.p99Ms,
    [`p99.9_${name}_ms`]: d.p999Ms,
  };
}

function sloJson(slo: Slo): Record<string, number> {
  const out: Record<string, number> = {};
  if (slo.ttftMs !== undefined) out.ttft_ms = slo.ttftMs;
  if (slo.tpotMs !== undefined) out.tpot_ms = slo.tpotMs;
  if (slo.e2elMs !== undefined) out.e2el_ms = slo.e2elMs;
  if (slo.itlMs !== undefined) out.itl_ms = slo.itlMs;
  return out;
}

function failureJson(f: FailureRecord): Record<string, unknown> {
  return {
    user: f.user,
    iteration: f.iteration,
    kind: f.kind,
    message: f.message,
    status: f.status ?? null,
    attempts: f.attempts,
    start_ms: f.startMs,
  };
}

function healthJson(h: ClientHealth): Record<string, unknown> {
  return {
    loop_lag_ms: { ...h.loopLagMs },
    cpu_seconds: h.cpuSeconds ?? null,
    cpu_percent: h.cpuPercent ?? null,
    client_bound: h.clientBound,
    reason: h.reason ?? null,
  };
}

function timelineJson(t: Timeline): Record<string, unknown> {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    interval_s: t.intervalMs / 1000,
    t_s: t.seconds,
    started: t.started,
    completed: t.completed,
    failed: t.failed,
    cancelled: t.cancelled,
    output_tokens: t.outputTokens.map(round),
    concurrency: t.concurrency.map(round),
  };
}
