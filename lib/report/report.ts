/**
 * {@linkcode BenchmarkReport}: the one typed result of a run, built from an {@linkcode Aggregator}.
 * Every exporter (console, JSON, ...) is a pure function of it.
 *
 * @module
 */

import type { Aggregator, OutputLengthStats } from "../metrics/aggregate.ts";
import type { EncodedAggregate } from "../metrics/aggregate_codec.ts";
import type { FailureRecord } from "../metrics/failure_examples.ts";
import type { ClientHealth } from "../metrics/health.ts";
import type { Slo } from "../metrics/slo.ts";
import { OUTCOME_KINDS, type OutcomeKind, type TokenSource } from "../record.ts";
import { type Distribution, distributionOf } from "./distribution.ts";
import { type Timeline, timelineOf, timelinePeaks } from "./timeline.ts";

/** Outcome kinds that are failures (neither success nor cancelled). */
export type FailureKind = Exclude<OutcomeKind, "success" | "cancelled">;

/** Every {@linkcode FailureKind}, in report order. */
export const FAILURE_KINDS: readonly FailureKind[] = OUTCOME_KINDS.filter(
  (kind): kind is FailureKind => kind !== "success" && kind !== "cancelled",
);

/** Goodput: successful requests that met every SLO the user set (vLLM's `request_goodput`). */
export interface Goodput {
  /** The objectives, in ms. */
  slo: Slo;
  /** Successful requests that met every set objective. */
  goodRequests: number;
  /** `goodRequests / duration`, in requests per second; null when the duration is 0. */
  requestsPerSecond: number | null;
}

/** What the schedule delivered, warm-up excluded. */
export interface LoadSummary {
  /** Requests handed to the transport. */
  sentRequests: number;
  /** Send rate delivered, `(sent - 1) / (last send - first send)` per second; null if undefined. */
  sendRate: number | null;
  /** The schedule's rate over the intended send times (open loop); null if undefined. */
  plannedRate: number | null;
  /** Requests in flight when the run stopped (duration end, interruption): they got the grace. */
  inFlightAtStop: number;
  /** Planned requests never sent because the run stopped first (counted as cancelled). */
  unsentRequests: number;
}

/** Extra information the aggregate does not hold. */
export interface ReportInfo {
  /** The run's duration in ms; default `agg.lastEndMs - agg.firstStartMs` (0 without requests). */
  durationMs?: number;
  /** True when the run was interrupted (Ctrl-C, deadline) and the report is partial. */
  interrupted?: boolean;
  /** The client's own health during the run. */
  clientHealth?: ClientHealth;
  /** Configuration summary, already redacted by the caller (no secrets). */
  meta?: Record<string, unknown>;
}

/**
 * The result of a benchmark run. Definitions follow `vllm bench serve` where names match:
 *
 * - A request's **start** is when it was handed to the transport; **TTFT** runs from the last attempt's
 *   start to the first output-bearing event (content, text, reasoning or tool-call arguments; role-only
 *   chunks, empty strings and keep-alives do not count); **ITL** is every gap between consecutive
 *   output-bearing events; **TPOT** is `(E2E - TTFT) / (outputTokens - 1)` for requests with at least 2
 *   output tokens; **E2E latency** runs from the last attempt's start to its terminal event.
 * - Latency distributions cover successful requests only; failures are counted by kind beside them
 *   (`failuresByKind`, `failureRate`), and cancelled requests apart.
 * - Token counts and token throughputs cover successful requests only.
 * - **duration** is the first send to the last completion, warm-up excluded; every rate divides by it.
 */
export interface BenchmarkReport {
  /** Requests made, warm-up excluded: `successfulRequests + failedRequests + cancelledRequests`. */
  totalRequests: number;
  /** Requests that succeeded (vLLM's `completed`). */
  successfulRequests: number;
  /** Requests whose last attempt failed (any failure kind; cancelled excluded). */
  failedRequests: number;
  /** Requests cancelled by an interruption or the run's deadline (not failures). */
  cancelledRequests: number;
  /** Warm-up requests, excluded from every other number. */
  warmupRequests: number;
  /** Attempts made in total (what the server received): requests plus retries. */
  attempts: number;
  /** Requests that needed more than one attempt. */
  retriedRequests: number;
  /** `failedRequests / (successfulRequests + failedRequests)`; null when both are 0. */
  failureRate: number | null;
  /** Exact count of failed requests per failure kind (every kind present, 0 when none). */
  failuresByKind: Record<FailureKind, number>;
  /** Example failures: per kind, the earliest few (bounded), grouped by kind. */
  failures: FailureRecord[];

  /** Prompt tokens of successful requests, as reported by the server (vLLM's `total_input_tokens`). */
  totalPromptTokens: number;
  /** Successful requests whose prompt token count was reported (the rest count as 0). */
  promptTokensReported: number;
  /** Output tokens of successful requests (vLLM's `total_output_tokens`). */
  totalCompletionTokens: number;
  /** `totalPromptTokens + totalCompletionTokens`. */
  totalTokens: number;
  /** Successful requests per output token source (server usage, tokenizer, or chunk count). */
  outputTokenSources: Record<TokenSource, number>;
  /** Requested-vs-delivered output tokens, over successful requests that asked for a length. */
  outputLength: OutputLengthStats;

  /** First send to last completion, warm-up excluded, in ms. */
  durationMs: number;
  /** `durationMs / 1000` (vLLM's `duration`). */
  totalDurationSecs: number;
  /** Successful requests / duration, per second (vLLM's `request_throughput`); null for a 0 duration. */
  requestsPerSecond: number | null;
  /** Prompt tokens of successful requests / duration, per second; null for a 0 duration. */
  promptTokensPerSecond: number | null;
  /** Output tokens of successful requests / duration (vLLM's `output_throughput`); null for 0. */
  completionTokensPerSecond: number | null;
  /** (Prompt + output tokens) / duration (vLLM's `total_token_throughput`); null for a 0 duration. */
  totalTokenThroughput: number | null;
  /** Goodput against the SLOs; null when no SLO was set. */
  goodput: Goodput | null;
  /** The run second by second: requests started and ended, errors, output tokens, concurrency. */
  timeline: Timeline;
  /** Most output tokens generated in one second (vLLM's `max_output_tokens_per_s`); null if none. */
  maxOutputTokensPerSecond: number | null;
  /** Highest mean concurrency (requests in flight) of one second; null without requests. */
  peakConcurrency: number | null;
  /** Mean requests in flight over the run: time in flight / duration; null for a 0 duration. */
  meanConcurrency: number | null;

  /** End-to-end latency percentiles of successful requests (the seed's summary; same as `e2el`). */
  latency: { p50Ms: number | null; p90Ms: number | null; p99Ms: number | null };
  /** Time to first token of successful requests. */
  ttft: Distribution;
  /** Time to first answer token, for successful requests whose reasoning came first. */
  ttfat: Distribution;
  /** Inter-token latency: every gap of every successful request. */
  itl: Distribution;
  /** Time per output token (excluding the first) of successful requests with >= 2 output tokens. */
  tpot: Distribution;
  /** End-to-end latency of successful requests (last attempt's start to its terminal event). */
  e2el: Distribution;
  /** Intended (scheduled) send time to terminal event, successful requests of open-loop runs. */
  e2elIntended: Distribution;
  /**
   * Client-side queue delay `start - intended` (the dispatch lateness), non-cancelled requests of
   * open-loop runs: timer lateness plus any wait for a free slot under `maxConcurrency`.
   */
  queue: Distribution;
  /** What the schedule delivered (see {@linkcode LoadSummary}). */
  load: LoadSummary;

  /** True when the run was interrupted and the report is partial. */
  interrupted: boolean;
  /** The client's own health (event-loop lag, CPU); null when not measured. */
  clientHealth: ClientHealth | null;
  /** Configuration summary supplied by the caller (redacted). */
  meta: Record<string, unknown>;
  /** The encoded aggregate, so result files merge exactly (`Aggregator.decode`, then `merge`). */
  aggregate: EncodedAggregate;
}

/**
 * Builds the report of a run.
 *
 * @example Usage
 * ```ts
 * import { Aggregator } from "../metrics/aggregate.ts";
 * import { buildReport } from "./report.ts";
 * const agg = new Aggregator();
 * for (let i = 0; i < 4; i++) {
 *   agg.add({
 *     user: i, iteration: 0, attempts: 1, outcome: i < 3 ? "success" : "http_5xx",
 *     startMs: 0, endMs: 2000, lastAttemptStartMs: 0, retryDelayMs: 0, ttftMs: 100,
 *     itlMs: [], e2eMs: 2000, promptTokens: 10, outputTokens: 20, outputTokensSource: "usage",
 *   });
 * }
 * const report = buildReport(agg, {});
 * console.log(report.successfulRequests, report.failuresByKind.http_5xx); // 3 1
 * console.log(report.totalDurationSecs, report.requestsPerSecond, report.totalTokenThroughput); // 2 1.5 45
 * console.log(report.failureRate, report.latency.p99Ms); // 0.25 2000
 * ```
 *
 * @param agg The run's statistics.
 * @param info Duration override, interruption flag, client health, redacted config summary.
 * @returns The report.
 * @throws {RangeError} When `info.durationMs` is given and is not a non-negative finite number.
 */
export function buildReport(agg: Aggregator, info: ReportInfo = {}): BenchmarkReport {
  const durationMs = info.durationMs ?? spanMs(agg);
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(
      `Cannot build report as 'durationMs' must be a non-negative number: current value is ${durationMs}`,
    );
  }
  const perSecond = (n: number) => durationMs > 0 ? (n * 1000) / durationMs : null;
  const outcomes = agg.outcomes;
  const failuresByKind = {} as Record<FailureKind, number>;
  for (const kind of FAILURE_KINDS) failuresByKind[kind] = outcomes[kind];
  const finished = agg.successfulRequests + agg.failedRequests;
  const totalTokens = agg.promptTokens + agg.outputTokens;
  const e2el = distributionOf(agg.e2el);
  const spanStartMs = agg.firstStartMs ?? 0;
  const timeline = timelineOf(agg.timeSeries, spanStartMs, spanStartMs + durationMs);
  const peaks = timelinePeaks(agg.timeSeries, timeline, durationMs);
  return {
    totalRequests: agg.totalRequests,
    successfulRequests: agg.successfulRequests,
    failedRequests: agg.failedRequests,
    cancelledRequests: agg.cancelledRequests,
    warmupRequests: agg.warmupRequests,
    attempts: agg.attempts,
    retriedRequests: agg.retriedRequests,
    failureRate: finished > 0 ? agg.failedRequests / finished : null,
    failuresByKind,
    failures: agg.failureExamples,
    totalPromptTokens: agg.promptTokens,
    promptTokensReported: agg.promptTokensReported,
    totalCompletionTokens: agg.outputTokens,
    totalTokens,
    outputTokenSources: { ...agg.tokenSources },
    outputLength: { ...agg.outputLength },
    durationMs,
    totalDurationSecs: durationMs / 1000,
    requestsPerSecond: perSecond(agg.successfulRequests),
    promptTokensPerSecond: perSecond(agg.promptTokens),
    completionTokensPerSecond: perSecond(agg.outputTokens),
    totalTokenThroughput: perSecond(totalTokens),
    goodput: agg.slo
      ? {
        slo: { ...agg.slo },
        goodRequests: agg.goodRequests,
        requestsPerSecond: perSecond(agg.goodRequests),
      }
      : null,
    timeline,
    ...peaks,
    latency: { p50Ms: e2el.p50Ms, p90Ms: e2el.p90Ms, p99Ms: e2el.p99Ms },
    ttft: distributionOf(agg.ttft),
    ttfat: distributionOf(agg.ttfat),
    itl: distributionOf(agg.itl),
    tpot: distributionOf(agg.tpot),
    e2el,
    e2elIntended: distributionOf(agg.e2elIntended),
    queue: distributionOf(agg.queue),
    load: {
      sentRequests: agg.load.sent,
      sendRate: agg.load.sendRate,
      plannedRate: agg.load.plannedRate,
      inFlightAtStop: agg.load.inFlightAtStop,
      unsentRequests: agg.load.unsent,
    },
    interrupted: info.interrupted ?? false,
    clientHealth: info.clientHealth ?? null,
    meta: info.meta ?? {},
    aggregate: agg.encode(),
  };
}

function spanMs(agg: Aggregator): number {
  const first = agg.firstStartMs;
  const last = agg.lastEndMs;
  return first === undefined || last === undefined ? 0 : Math.max(0, last - first);
}
