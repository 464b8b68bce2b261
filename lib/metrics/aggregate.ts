/**
 * Records -> run statistics, in constant memory and mergeable across users, Web Workers and machines.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import {
  OUTCOME_KINDS,
  type OutcomeKind,
  type RequestRecord,
  type TokenSource,
} from "../record.ts";
import { tpotMs } from "../record.ts";
import { FailureExamples, failureOf, type FailureRecord } from "./failure_examples.ts";
import { type EncodedHistogram, Histogram } from "./histogram.ts";
import { hasSlo, meetsSlo, type Slo, SLO_FIELDS, validateSlo } from "./slo.ts";
import { TimeSeries } from "./timeseries.ts";
import { LoadStats } from "./load_stats.ts";
import {
  type EncodedAggregate,
  type EncodedHistograms,
  type EncodedSlo,
  parseEncodedAggregate,
} from "./aggregate_codec.ts";

export type { EncodedAggregate } from "./aggregate_codec.ts";
export type { FailureRecord } from "./failure_examples.ts";
export type { Slo } from "./slo.ts";

/** Names of the latency histograms an {@linkcode Aggregator} keeps. */
export type HistogramName = "ttft" | "ttfat" | "itl" | "tpot" | "e2el" | "e2elIntended" | "queue";

/** Every {@linkcode HistogramName}, in report order. */
export const HISTOGRAM_NAMES: readonly HistogramName[] = [
  "ttft",
  "ttfat",
  "itl",
  "tpot",
  "e2el",
  "e2elIntended",
  "queue",
];

/** The token sources, in report order. */
export const TOKEN_SOURCES: readonly TokenSource[] = ["usage", "tokenizer", "chunks"];

/** Requested-vs-delivered output length, over successful requests that asked for a length. */
export interface OutputLengthStats {
  /** Successful requests that set `requestedOutputTokens`. */
  requests: number;
  /** Sum of the requested output tokens of those requests. */
  requestedTokens: number;
  /** Sum of the delivered output tokens of those requests. */
  deliveredTokens: number;
  /** Requests that got exactly what they asked for. */
  exact: number;
  /** Requests that got fewer tokens than asked. */
  fewer: number;
  /** Requests that got more tokens than asked. */
  more: number;
}

/** Options of {@linkcode Aggregator}. */
export interface AggregatorOptions {
  /** Latency objectives for goodput; none by default. */
  slo?: Slo;
  /**
   * Example failures kept per failure kind.
   *
   * @default {20}
   */
  maxFailureExamples?: number;
}

/**
 * Accumulates {@linkcode RequestRecord}s into run statistics.
 *
 * - Warm-up records are skipped entirely (only counted, as `warmupRequests`).
 * - Latency histograms (µs) hold successful requests only: `ttft`, `ttfat`, `itl` (every gap of every
 *   successful request), `tpot` (requests with >= 2 output tokens), `e2el` (the last attempt's start
 *   to its terminal event) and `e2elIntended` (intended send time to terminal event, open-loop only).
 *   `queue` (`startMs - intendedMs`, client-side delay) holds every non-cancelled request with an
 *   intended time, whatever its outcome, since it measures the client, not the server.
 * - Token totals count successful requests only; failures are counted by kind, with a bounded set of
 *   examples; cancelled requests are counted apart (not failures).
 * - The run's span (`firstStartMs`..`lastEndMs`) covers every non-warm-up request.
 *
 * Values that are not finite numbers are skipped rather than recorded.
 *
 * @example Usage
 * ```ts
 * import { Aggregator } from "./aggregate.ts";
 * const agg = new Aggregator({ slo: { ttftMs: 100 } });
 * agg.add({
 *   user: 0, iteration: 0, attempts: 1, outcome: "success", startMs: 0, endMs: 250,
 *   lastAttemptStartMs: 0, retryDelayMs: 0, ttftMs: 50, itlMs: [100, 100], e2eMs: 250,
 *   promptTokens: 12, outputTokens: 3, outputTokensSource: "usage",
 * });
 * console.log(agg.successfulRequests, agg.outputTokens, agg.goodRequests); // 1 3 1
 * console.log(agg.tpot.mean); // 100000 (µs)
 * const shard = Aggregator.decode(JSON.parse(JSON.stringify(agg.encode())));
 * agg.merge(shard);
 * console.log(agg.totalRequests, agg.itl.count); // 2 4
 * ```
 */
export class Aggregator {
  /** The latency objectives goodput is measured against, when set. */
  readonly slo: Slo | undefined;
  /** Example failures kept per failure kind. */
  readonly maxFailureExamples: number;
  /** Time to first token (µs), successful requests. */
  readonly ttft: Histogram = new Histogram();
  /** Time to first answer token (µs), successful requests whose reasoning came first. */
  readonly ttfat: Histogram = new Histogram();
  /** Every inter-token gap (µs) of every successful request. */
  readonly itl: Histogram = new Histogram();
  /** Time per output token (µs), successful requests with at least 2 output tokens. */
  readonly tpot: Histogram = new Histogram();
  /** End-to-end latency (µs) of the last attempt, successful requests. */
  readonly e2el: Histogram = new Histogram();
  /** Intended send time to terminal event (µs), successful open-loop requests. */
  readonly e2elIntended: Histogram = new Histogram();
  /** Client-side delay `startMs - intendedMs` (µs), non-cancelled open-loop requests. */
  readonly queue: Histogram = new Histogram();
  /** Per-second counts, output tokens and time in flight (warm-up excluded). */
  readonly timeSeries: TimeSeries = new TimeSeries();
  /** What the schedule delivered: send rate, planned rate, requests caught by a stop. */
  readonly load: LoadStats = new LoadStats();

  #outcomes = zeroCounts(OUTCOME_KINDS);
  #tokenSources = zeroCounts(TOKEN_SOURCES);
  #warmupRequests = 0;
  #attempts = 0;
  #retriedRequests = 0;
  #promptTokens = 0;
  #promptTokensReported = 0;
  #outputTokens = 0;
  #goodRequests = 0;
  #firstStartMs = Infinity;
  #lastEndMs = -Infinity;
  #outputLength: OutputLengthStats = {
    requests: 0,
    requestedTokens: 0,
    deliveredTokens: 0,
    exact: 0,
    fewer: 0,
    more: 0,
  };
  #examples: FailureExamples;

  /**
   * Creates an empty aggregator.
   *
   * @param options SLOs and the number of failure examples to keep.
   * @throws {ConfigError} When an SLO or `maxFailureExamples` is invalid.
   */
  constructor(options: AggregatorOptions = {}) {
    const max = options.maxFailureExamples ?? 20;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new ConfigError("maxFailureExamples", "must be a non-negative integer", max);
    }
    if (options.slo) validateSlo(options.slo);
    this.slo = hasSlo(options.slo) ? pickSlo(options.slo) : undefined;
    this.maxFailureExamples = max;
    this.#examples = new FailureExamples(max);
  }

  /**
   * Adds one request's record.
   *
   * @param r The record.
   * @throws {RangeError} When `r.outcome` is not a known {@linkcode OutcomeKind}.
   */
  add(r: RequestRecord): void {
    if (!Object.hasOwn(this.#outcomes, r.outcome)) {
      throw new RangeError(
        `Cannot aggregate record as 'outcome' is unknown: current value is ${
          JSON.stringify(r.outcome)
        }`,
      );
    }
    if (r.warmup) {
      this.#warmupRequests++;
      return;
    }
    this.#outcomes[r.outcome]++;
    this.timeSeries.add(r);
    this.load.add(r);
    this.#attempts += r.attempts;
    if (r.attempts > 1) this.#retriedRequests++;
    if (Number.isFinite(r.startMs)) this.#firstStartMs = Math.min(this.#firstStartMs, r.startMs);
    if (Number.isFinite(r.endMs)) this.#lastEndMs = Math.max(this.#lastEndMs, r.endMs);
    if (r.intendedMs !== undefined && r.outcome !== "cancelled") {
      recordMs(this.queue, r.startMs - r.intendedMs);
    }
    if (r.outcome === "success") this.#addSuccess(r);
    else if (r.outcome !== "cancelled") this.#examples.add(failureOf(r));
  }

  #addSuccess(r: RequestRecord): void {
    if (r.promptTokens !== undefined) {
      this.#promptTokens += r.promptTokens;
      this.#promptTokensReported++;
    }
    this.#outputTokens += r.outputTokens;
    if (Object.hasOwn(this.#tokenSources, r.outputTokensSource)) {
      this.#tokenSources[r.outputTokensSource]++;
    }
    recordMs(this.ttft, r.ttftMs);
    recordMs(this.ttfat, r.ttfatMs);
    for (const gap of r.itlMs) recordMs(this.itl, gap);
    recordMs(this.tpot, tpotMs(r));
    recordMs(this.e2el, r.e2eMs);
    if (r.intendedMs !== undefined) recordMs(this.e2elIntended, r.endMs - r.intendedMs);
    if (this.slo && meetsSlo(r, this.slo)) this.#goodRequests++;
    if (r.requestedOutputTokens !== undefined) {
      const o = this.#outputLength;
      o.requests++;
      o.requestedTokens += r.requestedOutputTokens;
      o.deliveredTokens += r.outputTokens;
      if (r.outputTokens === r.requestedOutputTokens) o.exact++;
      else if (r.outputTokens < r.requestedOutputTokens) o.fewer++;
      else o.more++;
    }
  }

  /**
   * Adds everything another aggregator holds (lossless: as if its records had been added here).
   *
   * @param other The aggregator to merge in; left unchanged.
   * @throws {RangeError} When the two aggregators measure goodput against different SLOs.
   */
  merge(other: Aggregator): void {
    if (!sameSlo(this.slo, other.slo)) {
      throw new RangeError(
        `Cannot merge aggregates as their SLOs differ: current value is ${
          JSON.stringify(other.slo ?? null)
        }, expected ${JSON.stringify(this.slo ?? null)}`,
      );
    }
    for (const kind of OUTCOME_KINDS) this.#outcomes[kind] += other.#outcomes[kind];
    for (const src of TOKEN_SOURCES) this.#tokenSources[src] += other.#tokenSources[src];
    this.#warmupRequests += other.#warmupRequests;
    this.#attempts += other.#attempts;
    this.#retriedRequests += other.#retriedRequests;
    this.#promptTokens += other.#promptTokens;
    this.#promptTokensReported += other.#promptTokensReported;
    this.#outputTokens += other.#outputTokens;
    this.#goodRequests += other.#goodRequests;
    this.#firstStartMs = Math.min(this.#firstStartMs, other.#firstStartMs);
    this.#lastEndMs = Math.max(this.#lastEndMs, other.#lastEndMs);
    const o = this.#outputLength;
    for (const key of Object.keys(o) as (keyof OutputLengthStats)[]) {
      o[key] += other.#outputLength[key];
    }
    for (const name of HISTOGRAM_NAMES) this[name].merge(other[name]);
    this.timeSeries.merge(other.timeSeries);
    this.load.merge(other.load);
    this.#examples.merge(other.#examples);
  }

  /** Requests counted per outcome kind (warm-up excluded). */
  get outcomes(): Readonly<Record<OutcomeKind, number>> {
    return { ...this.#outcomes };
  }
  /** All requests, warm-up excluded: successes + failures + cancelled. */
  get totalRequests(): number {
    return OUTCOME_KINDS.reduce((sum, kind) => sum + this.#outcomes[kind], 0);
  }
  /** Successful requests. */
  get successfulRequests(): number {
    return this.#outcomes.success;
  }
  /** Cancelled requests (interrupted or past the run's deadline; not failures). */
  get cancelledRequests(): number {
    return this.#outcomes.cancelled;
  }
  /** Failed requests: neither successful nor cancelled. */
  get failedRequests(): number {
    return this.totalRequests - this.successfulRequests - this.cancelledRequests;
  }
  /** Warm-up requests, excluded from every other statistic. */
  get warmupRequests(): number {
    return this.#warmupRequests;
  }
  /** Attempts made in total (requests plus retries), warm-up excluded. */
  get attempts(): number {
    return this.#attempts;
  }
  /** Requests that needed more than one attempt. */
  get retriedRequests(): number {
    return this.#retriedRequests;
  }
  /** Prompt tokens of successful requests (as reported by the server). */
  get promptTokens(): number {
    return this.#promptTokens;
  }
  /** Successful requests whose prompt token count was known. */
  get promptTokensReported(): number {
    return this.#promptTokensReported;
  }
  /** Output tokens of successful requests. */
  get outputTokens(): number {
    return this.#outputTokens;
  }
  /** Successful requests per output token source. */
  get tokenSources(): Readonly<Record<TokenSource, number>> {
    return { ...this.#tokenSources };
  }
  /** Successful requests that met every SLO (0 when no SLO is set). */
  get goodRequests(): number {
    return this.#goodRequests;
  }
  /** Earliest start of a (non-warm-up) request, or `undefined` before the first record. */
  get firstStartMs(): number | undefined {
    return Number.isFinite(this.#firstStartMs) ? this.#firstStartMs : undefined;
  }
  /** Latest end of a (non-warm-up) request, or `undefined` before the first record. */
  get lastEndMs(): number | undefined {
    return Number.isFinite(this.#lastEndMs) ? this.#lastEndMs : undefined;
  }
  /** Requested-vs-delivered output length statistics. */
  get outputLength(): Readonly<OutputLengthStats> {
    return { ...this.#outputLength };
  }
  /** Example failures: per kind, the `maxFailureExamples` earliest, grouped by kind. */
  get failureExamples(): FailureRecord[] {
    return this.#examples.list();
  }

  /**
   * The lossless, JSON-safe form (snake_case keys), e.g. for Web Workers or result files.
   *
   * @returns The encoded aggregate.
   */
  encode(): EncodedAggregate {
    const o = this.#outputLength;
    const histograms = {} as Record<keyof EncodedHistograms, EncodedHistogram>;
    for (const name of HISTOGRAM_NAMES) histograms[wireName(name)] = this[name].encode();
    return {
      version: 1,
      slo: this.slo ? sloToWire(this.slo) : null,
      max_failure_examples: this.maxFailureExamples,
      outcomes: { ...this.#outcomes },
      token_sources: { ...this.#tokenSources },
      warmup_requests: this.#warmupRequests,
      attempts: this.#attempts,
      retried_requests: this.#retriedRequests,
      prompt_tokens: this.#promptTokens,
      prompt_tokens_reported: this.#promptTokensReported,
      output_tokens: this.#outputTokens,
      good_requests: this.#goodRequests,
      first_start_ms: this.firstStartMs ?? null,
      last_end_ms: this.lastEndMs ?? null,
      output_length: {
        requests: o.requests,
        requested_tokens: o.requestedTokens,
        delivered_tokens: o.deliveredTokens,
        exact: o.exact,
        fewer: o.fewer,
        more: o.more,
      },
      histograms,
      failure_examples: this.#examples.list().map((f) => ({
        user: f.user,
        iteration: f.iteration,
        kind: f.kind,
        message: f.message,
        ...(f.status === undefined ? {} : { status: f.status }),
        attempts: f.attempts,
        start_ms: f.startMs,
      })),
      time_series: this.timeSeries.encode(),
      load: this.load.encode(),
    };
  }

  /**
   * Rebuilds an aggregator from {@linkcode Aggregator.encode}'s output.
   *
   * @param encoded The encoded aggregate (e.g. parsed back from JSON).
   * @returns A new aggregator.
   * @throws {TypeError} When `encoded` is not a valid encoded aggregate.
   */
  static decode(encoded: EncodedAggregate): Aggregator {
    const e = parseEncodedAggregate(encoded);
    const agg = new Aggregator({
      slo: e.slo ? sloFromWire(e.slo) : undefined,
      maxFailureExamples: e.max_failure_examples,
    });
    for (const kind of OUTCOME_KINDS) agg.#outcomes[kind] = e.outcomes[kind];
    for (const src of TOKEN_SOURCES) agg.#tokenSources[src] = e.token_sources[src];
    agg.#warmupRequests = e.warmup_requests;
    agg.#attempts = e.attempts;
    agg.#retriedRequests = e.retried_requests;
    agg.#promptTokens = e.prompt_tokens;
    agg.#promptTokensReported = e.prompt_tokens_reported;
    agg.#outputTokens = e.output_tokens;
    agg.#goodRequests = e.good_requests;
    agg.#firstStartMs = e.first_start_ms ?? Infinity;
    agg.#lastEndMs = e.last_end_ms ?? -Infinity;
    const o = e.output_length;
    agg.#outputLength = {
      requests: o.requests,
      requestedTokens: o.requested_tokens,
      deliveredTokens: o.delivered_tokens,
      exact: o.exact,
      fewer: o.fewer,
      more: o.more,
    };
    for (const name of HISTOGRAM_NAMES) {
      agg[name].merge(Histogram.decode(e.histograms[wireName(name)]));
    }
    if (e.time_series) agg.timeSeries.merge(TimeSeries.decode(e.time_series));
    if (e.load) agg.load.merge(LoadStats.decode(e.load));
    for (const f of e.failure_examples) {
      agg.#examples.add({
        user: f.user,
        iteration: f.iteration,
        kind: f.kind,
        message: f.message,
        ...(f.status === undefined ? {} : { status: f.status }),
        attempts: f.attempts,
        startMs: f.start_ms,
      });
    }
    return agg;
  }
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function recordMs(h: Histogram, ms: number | undefined): void {
  if (ms !== undefined && Number.isFinite(ms)) h.record(ms * 1000);
}

function wireName(name: HistogramName): keyof EncodedHistograms {
  return name === "e2elIntended" ? "e2el_intended" : name;
}

function sloToWire(slo: Slo): EncodedSlo {
  const wire: EncodedSlo = {};
  if (slo.ttftMs !== undefined) wire.ttft_ms = slo.ttftMs;
  if (slo.tpotMs !== undefined) wire.tpot_ms = slo.tpotMs;
  if (slo.e2elMs !== undefined) wire.e2el_ms = slo.e2elMs;
  if (slo.itlMs !== undefined) wire.itl_ms = slo.itlMs;
  return wire;
}

function sloFromWire(wire: EncodedSlo): Slo {
  const slo: Slo = {};
  if (wire.ttft_ms !== undefined) slo.ttftMs = wire.ttft_ms;
  if (wire.tpot_ms !== undefined) slo.tpotMs = wire.tpot_ms;
  if (wire.e2el_ms !== undefined) slo.e2elMs = wire.e2el_ms;
  if (wire.itl_ms !== undefined) slo.itlMs = wire.itl_ms;
  return slo;
}

function pickSlo(slo: Slo): Slo {
  const picked: Slo = {};
  for (const field of SLO_FIELDS) if (slo[field] !== undefined) picked[field] = slo[field];
  return picked;
}

function sameSlo(a: Slo | undefined, b: Slo | undefined): boolean {
  return SLO_FIELDS.every((field) => a?.[field] === b?.[field]);
}
