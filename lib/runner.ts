/**
 * The runner: drives one loop per user, retries failed attempts, turns every request into a
 * {@linkcode RequestRecord}, and builds the {@linkcode BenchmarkReport} from those records only.
 *
 * @module
 */
import process from "node:process";
import { type AttemptContext, type AttemptResult, runAttempt } from "./attempt.ts";
import { type Clock, realClock } from "./clock.ts";
import type { BenchmarkConfig } from "./config.ts";
import { Aggregator, type Slo } from "./metrics/aggregate.ts";
import { LoopLagMonitor } from "./metrics/health.ts";
import { seededRandom } from "./random.ts";
import type { RequestRecord } from "./record.ts";
import { Redactor } from "./redact.ts";
import { type BenchmarkReport, buildReport } from "./report/report.ts";
import { backoffMs, isRetryable } from "./retry.ts";
import { FetchTransport } from "./transport/fetch.ts";
import type { Transport } from "./transport/types.ts";
import { applyOutputTokens, drawOutputTokens } from "./workload/body.ts";

/** A snapshot of a run in progress, passed to {@linkcode RunOptions.onProgress}. */
export interface Progress {
  /** Requests planned in total, when known (finite mode). */
  planned?: number;
  /** Requests finished (any outcome). */
  completed: number;
  /** Requests that failed. */
  failed: number;
  /** Requests in flight now. */
  inFlight: number;
  /** Output tokens of successful requests so far. */
  outputTokens: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
  /** Planned run length in milliseconds (long-running mode). */
  durationMs?: number;
}

/** Options of {@linkcode runBenchmark}. */
export interface RunOptions {
  /** Stops the run: no new requests; in-flight ones get `graceMs` to finish, then are cancelled. */
  signal?: AbortSignal;
  /** How long in-flight requests may finish after a stop or the end of a long run. Default 5 000 ms. */
  graceMs?: number;
  /** Called after every request with a snapshot (keep it cheap; the object is reused). */
  onProgress?: (progress: Readonly<Progress>) => void;
  /** Called with every record as soon as its request ends (e.g. to stream a per-request log). */
  onRecord?: (record: RequestRecord) => void;
  /** Goodput SLOs. */
  slo?: Slo;
  /** Client-side token counter for servers that report no usage. Default: count output events. */
  countTokens?: (text: string) => number;
  /** Time source. Default: the real clock. */
  clock?: Clock;
  /** Transport. Default: {@linkcode FetchTransport}. */
  transport?: Transport;
  /** Seed of the backoff jitter. Default: random. */
  seed?: number;
  /** Measure the client's event-loop lag and CPU. Default true. */
  monitorHealth?: boolean;
  /** Free-form description of the run placed in the report (already redacted by the caller). */
  meta?: Record<string, unknown>;
}

/**
 * Runs a benchmark and resolves with its report. Never rejects because of what a server does: failures
 * are data in the report.
 *
 * @example Usage
 * ```ts ignore
 * import { BenchmarkConfig, RunMode, runBenchmark } from "../mod.ts";
 * const config = BenchmarkConfig.tryNew("http://127.0.0.1:8000/v1/chat/completions", undefined, 4,
 *   RunMode.finite(2), { model: "m", messages: [{ role: "user", content: "Ping" }] });
 * const report = await runBenchmark(config);
 * console.log(report.successfulRequests);
 * ```
 *
 * @param config The validated configuration.
 * @param options Cancellation, callbacks, injected clock and transport.
 * @returns The report.
 */
export async function runBenchmark(
  config: BenchmarkConfig,
  options: RunOptions = {},
): Promise<BenchmarkReport> {
  const clock = options.clock ?? realClock;
  const transport: Transport = options.transport ?? new FetchTransport();
  const graceMs = options.graceMs ?? 5_000;
  const aggregator = new Aggregator({ slo: options.slo });
  const cancel = new AbortController();
  const stop = new AbortController();
  const timers = new AbortController();
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  const lengthRandom = seededRandom(config.outputLength?.seed ?? 0);
  const monitor = options.monitorHealth === false ? undefined : new LoopLagMonitor({
    clock,
    cpuUsage: () => process.cpuUsage(),
  });

  const t0 = clock.now();
  const mode = config.mode;
  const progress: Progress = {
    planned: mode.kind === "finite" ? mode.requestsPerUser * config.userCount : undefined,
    durationMs: mode.kind === "longRunning" ? mode.durationMs : undefined,
    completed: 0,
    failed: 0,
    inFlight: 0,
    outputTokens: 0,
    elapsedMs: 0,
  };
  const beginStop = () => {
    if (stop.signal.aborted) return;
    stop.abort();
    clock.sleep(graceMs, timers.signal).then(() => cancel.abort(), () => {});
  };
  const onUserSignal = () => beginStop();
  options.signal?.addEventListener("abort", onUserSignal, { once: true });
  if (options.signal?.aborted) beginStop();
  if (mode.kind === "longRunning") {
    clock.sleep(mode.durationMs, timers.signal).then(beginStop, () => {});
  }

  const ctx: AttemptContext = {
    transport,
    clock,
    url: config.endpoint.href,
    headers: { ...config.headers },
    timeoutMs: config.requestTimeoutMs,
    limits: config.limits,
    redactor: new Redactor(config.secrets),
    cancel: cancel.signal,
    countTokens: options.countTokens,
    maxRetryDelayMs: config.maxRetryDelayMs,
  };
  const fixedBodies = config.outputLength
    ? undefined
    : Array.from({ length: config.userCount }, (_, u) => JSON.stringify(config.bodyFor(u)));

  const requestOnce = async (user: number, iteration: number): Promise<RequestRecord> => {
    let body: string;
    let requested: number | undefined;
    if (fixedBodies) body = fixedBodies[user];
    else {
      requested = drawOutputTokens(config.outputLength!, lengthRandom);
      body = JSON.stringify(applyOutputTokens(config.bodyFor(user), requested));
    }
    let first: AttemptResult | undefined;
    let last: AttemptResult;
    let attempts = 0;
    let retryDelayMs = 0;
    while (true) {
      last = await runAttempt(ctx, body);
      first ??= last;
      attempts++;
      if (!last.error || attempts > config.maxRetries) break;
      if (!isRetryable({ error: last.error, gotOutput: last.gotOutput })) break;
      const wait = last.retryAfterMs ?? backoffMs(
        attempts,
        config.retryDelayMs,
        config.maxRetryDelayMs,
        random,
      );
      const slept = clock.now();
      try {
        await clock.sleep(wait, AbortSignal.any([stop.signal, cancel.signal]));
      } catch {
        break; // stopped while waiting: the last attempt's outcome stands
      } finally {
        retryDelayMs += clock.now() - slept;
      }
    }
    return toRecord(user, iteration, attempts, retryDelayMs, first, last, t0, requested);
  };

  const userLoop = async (user: number) => {
    for (let iteration = 0;; iteration++) {
      if (stop.signal.aborted) return;
      if (mode.kind === "finite" && iteration >= mode.requestsPerUser) return;
      progress.inFlight++;
      const record = await requestOnce(user, iteration);
      progress.inFlight--;
      aggregator.add(record);
      progress.completed++;
      if (record.outcome === "success") progress.outputTokens += record.outputTokens;
      else if (record.outcome !== "cancelled") progress.failed++;
      options.onRecord?.(record);
      if (options.onProgress) {
        progress.elapsedMs = clock.now() - t0;
        options.onProgress(progress);
      }
    }
  };

  monitor?.start();
  try {
    await Promise.all(Array.from({ length: config.userCount }, (_, u) => userLoop(u)));
  } finally {
    timers.abort();
    options.signal?.removeEventListener("abort", onUserSignal);
    await transport.close?.();
  }
  const clientHealth = monitor?.stop();
  return buildReport(aggregator, {
    interrupted: options.signal?.aborted ?? false,
    clientHealth,
    meta: options.meta,
  });
}

function toRecord(
  user: number,
  iteration: number,
  attempts: number,
  retryDelayMs: number,
  first: AttemptResult,
  last: AttemptResult,
  t0: number,
  requestedOutputTokens: number | undefined,
): RequestRecord {
  const s = last.summary;
  const since = (t: number | undefined) => t === undefined ? undefined : t - last.startMs;
  const record: RequestRecord = {
    user,
    iteration,
    attempts,
    outcome: last.error ? last.error.kind : "success",
    startMs: first.startMs - t0,
    endMs: last.endMs - t0,
    lastAttemptStartMs: last.startMs - t0,
    retryDelayMs,
    itlMs: s?.itlMs ?? [],
    e2eMs: (s?.terminalMs ?? last.endMs) - last.startMs,
    outputTokens: s?.outputTokens ?? 0,
    outputTokensSource: s?.outputTokensSource ?? "chunks",
  };
  if (last.error) record.error = last.error;
  if (last.status !== undefined) record.status = last.status;
  if (s) {
    record.ttftMs = since(s.firstOutputMs);
    record.ttfatMs = since(s.firstAnswerMs);
    if (s.promptTokens !== undefined) record.promptTokens = s.promptTokens;
    if (s.finishReason !== undefined) record.finishReason = s.finishReason;
  }
  if (requestedOutputTokens !== undefined) record.requestedOutputTokens = requestedOutputTokens;
  return record;
}
