/**
 * The runner: builds the run's plan (when to send) and workload (what to send), lets the dispatcher
 * execute the plan, sends each request through the attempt/retry loop, turns it into a
 * {@linkcode RequestRecord}, and builds the {@linkcode BenchmarkReport} from those records only.
 *
 * @module
 */
import process from "node:process";
import type { AttemptContext } from "./attempt.ts";
import { type Clock, realClock } from "./clock.ts";
import type { BenchmarkConfig } from "./config.ts";
import { Aggregator, type Slo } from "./metrics/aggregate.ts";
import { LoopLagMonitor } from "./metrics/health.ts";
import { seededRandom } from "./random.ts";
import type { RequestRecord } from "./record.ts";
import { Redactor } from "./redact.ts";
import { type BenchmarkReport, buildReport } from "./report/report.ts";
import { sendRequest, toRecord, unsentRecord } from "./request_loop.ts";
import { dispatch, type Ticket } from "./schedule/dispatcher.ts";
import { describePlan, type LoadPlan, planLoad } from "./schedule/plan.ts";
import { FetchTransport } from "./transport/fetch.ts";
import type { Transport } from "./transport/types.ts";
import { configWorkload, type Workload } from "./workload/workload.ts";

/** A snapshot of a run in progress, passed to {@linkcode RunOptions.onProgress}. */
export interface Progress {
  /** Requests planned in total (warm-up included), when known in advance. */
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
  /** Planned measured run length in milliseconds, when a duration bounds the run. */
  durationMs?: number;
}

/** Options of {@linkcode runBenchmark}. */
export interface RunOptions {
  /** Stops the run: no new requests; in-flight ones get `graceMs` to finish, then are cancelled. */
  signal?: AbortSignal;
  /**
   * How long in-flight requests may finish after a stop or the end of a duration. Default 5 000 ms.
   */
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
  /**
   * Seed of the backoff jitter (default: random) and of the open-loop arrival times when the load
   * shape sets no seed of its own (default 0).
   */
  seed?: number;
  /** Measure the client's event-loop lag and CPU. Default true. */
  monitorHealth?: boolean;
  /**
   * Free-form description of the run placed in the report (already redacted by the caller). The
   * runner adds `load` (the plan) and `workload` (the workload's own description) unless present.
   */
  meta?: Record<string, unknown>;
}

/**
 * Runs a benchmark and resolves with its report. Never rejects because of what a server does: failures
 * are data in the report. The load shape comes from `config.mode` and `config.load`
 * (`BenchmarkConfig.withLoad`), what is sent from `config.workload` (`withWorkload`) or, without one,
 * from the config's bodies.
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
 * @throws {ConfigError} When the load shape cannot be combined with the run mode.
 */
export async function runBenchmark(
  config: BenchmarkConfig,
  options: RunOptions = {},
): Promise<BenchmarkReport> {
  const clock = options.clock ?? realClock;
  const load = config.load ?? {};
  const plan = planLoad(
    config.userCount,
    config.mode,
    load,
    load.seed ?? options.seed ?? 0,
  );
  const workload: Workload = config.workload ?? configWorkload(config, plan.kind === "open");
  const transport: Transport = options.transport ?? new FetchTransport();
  const graceMs = options.graceMs ?? 5_000;
  const aggregator = new Aggregator({ slo: options.slo });
  const cancel = new AbortController();
  const stop = new AbortController();
  const timers = new AbortController();
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  const monitor = options.monitorHealth === false ? undefined : new LoopLagMonitor({
    clock,
    cpuUsage: () => process.cpuUsage(),
  });

  const t0 = clock.now();
  const progress: Progress = {
    planned: plan.plannedRequests,
    durationMs: plan.durationMs,
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

  const ctx: AttemptContext = {
    transport,
    clock,
    url: config.endpoint.href,
    headers: { ...config.headers },
    timeoutMs: config.requestTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    limits: config.limits,
    redactor: new Redactor(config.secrets),
    cancel: cancel.signal,
    countTokens: options.countTokens,
    maxRetryDelayMs: config.maxRetryDelayMs,
    keepText: workload.keepText,
  };
  const policy = {
    maxRetries: config.maxRetries,
    retryDelayMs: config.retryDelayMs,
    maxRetryDelayMs: config.maxRetryDelayMs,
    random,
    stop: stop.signal,
  };
  const serialise = bodyCache();

  const emit = (record: RequestRecord) => {
    aggregator.add(record);
    progress.completed++;
    if (record.outcome === "success") progress.outputTokens += record.outputTokens;
    else if (record.outcome !== "cancelled") progress.failed++;
    options.onRecord?.(record);
    if (options.onProgress) {
      progress.elapsedMs = clock.now() - t0;
      options.onProgress(progress);
    }
  };

  const execute = async (ticket: Ticket): Promise<boolean> => {
    const work = { seq: ticket.seq, user: ticket.user, iteration: ticket.iteration };
    const item = workload.next(work);
    if (!item) return false;
    if (item.delayMs) {
      try {
        await clock.sleep(item.delayMs, stop.signal);
      } catch {
        return false; // stopped while thinking: the turn is not sent
      }
    }
    const body = serialise(item.body);
    const stoppedBefore = stop.signal.aborted;
    progress.inFlight++;
    const sent = await sendRequest(ctx, body, policy);
    progress.inFlight--;
    const record = toRecord(sent, {
      user: ticket.user,
      iteration: ticket.iteration,
      t0,
      intendedMs: ticket.intendedMs,
      requestedOutputTokens: item.requestedOutputTokens,
      warmup: ticket.warmup,
    });
    if (!stoppedBefore && stop.signal.aborted) record.inFlightAtStop = true;
    workload.done?.(work, { ok: record.outcome === "success", text: sent.last.summary?.text });
    emit(record);
    return true;
  };

  monitor?.start();
  try {
    await dispatch({
      plan,
      clock,
      t0,
      stop: stop.signal,
      timers: timers.signal,
      endOfDuration: beginStop,
      execute,
      unsent: (ticket, atMs) => {
        emit(unsentRecord({
          user: Math.max(0, ticket.user),
          iteration: ticket.iteration,
          t0,
          intendedMs: ticket.intendedMs,
          warmup: ticket.warmup,
        }, atMs));
      },
      seed: load.seed ?? options.seed ?? 0,
    });
  } finally {
    timers.abort();
    options.signal?.removeEventListener("abort", onUserSignal);
    await transport.close?.();
  }
  const clientHealth = monitor?.stop();
  return buildReport(aggregator, {
    interrupted: options.signal?.aborted ?? false,
    clientHealth,
    meta: withPlan(options.meta, plan, workload),
  });
}

function withPlan(
  meta: Record<string, unknown> | undefined,
  plan: LoadPlan,
  workload: Workload,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...meta };
  out.load ??= describePlan(plan);
  if (workload.describe) out.workload ??= workload.describe;
  return out;
}

/** Serialises bodies, reusing the text when the same body object comes again. */
function bodyCache(): (body: object) => string {
  const cache = new WeakMap<object, string>();
  return (body) => {
    let text = cache.get(body);
    if (text === undefined) {
      text = JSON.stringify(body);
      cache.set(body, text);
    }
    return text;
  };
}
