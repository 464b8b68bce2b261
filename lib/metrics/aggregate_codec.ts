/**
 * The wire form of an {@linkcode Aggregator}: JSON-safe, snake_case, lossless; and its validation.
 *
 * @module
 */

import { OUTCOME_KINDS, type OutcomeKind, type TokenSource } from "../record.ts";
import type { EncodedHistogram } from "./histogram.ts";
import type { EncodedTimeSeries } from "./timeseries.ts";
import type { EncodedLoadStats } from "./load_stats.ts";

/** SLOs in the wire form (milliseconds; unset fields are absent). */
export interface EncodedSlo {
  /** Maximum time to first token. */
  ttft_ms?: number;
  /** Maximum time per output token. */
  tpot_ms?: number;
  /** Maximum end-to-end latency. */
  e2el_ms?: number;
  /** Maximum inter-token latency (every gap). */
  itl_ms?: number;
}

/** A failure example in the wire form. */
export interface EncodedFailureRecord {
  /** 0-based user index. */
  user: number;
  /** 0-based iteration within the user's loop. */
  iteration: number;
  /** Failure kind. */
  kind: OutcomeKind;
  /** Short, redacted message. */
  message: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Attempts made. */
  attempts: number;
  /** Start of the request's first attempt (ms). */
  start_ms: number;
}

/** The histograms in the wire form, by snake_case name. */
export interface EncodedHistograms {
  /** Time to first token (µs). */
  ttft: EncodedHistogram;
  /** Time to first answer token (µs). */
  ttfat: EncodedHistogram;
  /** Inter-token latency (µs). */
  itl: EncodedHistogram;
  /** Time per output token (µs). */
  tpot: EncodedHistogram;
  /** End-to-end latency (µs). */
  e2el: EncodedHistogram;
  /** Intended send time to terminal event (µs). */
  e2el_intended: EncodedHistogram;
  /** Client-side queue delay (µs). */
  queue: EncodedHistogram;
}

/**
 * The lossless, JSON-safe form of an {@linkcode Aggregator}; see its getters for each field's meaning.
 */
export interface EncodedAggregate {
  /** Format version; always 1. */
  version: 1;
  /** SLOs goodput is measured against, or null. */
  slo: EncodedSlo | null;
  /** Example failures kept per kind. */
  max_failure_examples: number;
  /** Requests per outcome kind. */
  outcomes: Record<OutcomeKind, number>;
  /** Successful requests per output token source. */
  token_sources: Record<TokenSource, number>;
  /** Warm-up requests (excluded from statistics). */
  warmup_requests: number;
  /** Attempts in total. */
  attempts: number;
  /** Requests with more than one attempt. */
  retried_requests: number;
  /** Prompt tokens of successful requests. */
  prompt_tokens: number;
  /** Successful requests with a known prompt token count. */
  prompt_tokens_reported: number;
  /** Output tokens of successful requests. */
  output_tokens: number;
  /** Successful requests meeting every SLO. */
  good_requests: number;
  /** Earliest request start (ms), or null. */
  first_start_ms: number | null;
  /** Latest request end (ms), or null. */
  last_end_ms: number | null;
  /** Requested-vs-delivered output length. */
  output_length: {
    requests: number;
    requested_tokens: number;
    delivered_tokens: number;
    exact: number;
    fewer: number;
    more: number;
  };
  /** Latency histograms (µs). */
  histograms: EncodedHistograms;
  /** Bounded failure examples. */
  failure_examples: EncodedFailureRecord[];
  /** Per-second time series (absent in aggregates encoded before it existed). */
  time_series?: EncodedTimeSeries;
  /** What the schedule delivered (absent in aggregates encoded before it existed). */
  load?: EncodedLoadStats;
}

const TOKEN_SOURCE_KEYS: readonly TokenSource[] = ["usage", "tokenizer", "chunks"];
const COUNTERS = [
  "max_failure_examples",
  "warmup_requests",
  "attempts",
  "retried_requests",
  "prompt_tokens",
  "prompt_tokens_reported",
  "output_tokens",
  "good_requests",
] as const;
const HISTOGRAM_KEYS: readonly (keyof EncodedHistograms)[] = [
  "ttft",
  "ttfat",
  "itl",
  "tpot",
  "e2el",
  "e2el_intended",
  "queue",
];

/**
 * Checks the shape of an encoded aggregate (counters are non-negative integers, every outcome kind and
 * histogram is present). Histogram contents are checked later by `Histogram.decode`.
 *
 * @example Usage
 * ```ts
 * import { parseEncodedAggregate } from "./aggregate_codec.ts";
 * try {
 *   parseEncodedAggregate({ version: 2 } as never);
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // Cannot decode aggregate as 'version' is invalid: current value is 2
 * }
 * ```
 *
 * @param encoded The value to check.
 * @returns The same value, typed.
 * @throws {TypeError} Naming the first invalid field.
 */
export function parseEncodedAggregate(encoded: EncodedAggregate): EncodedAggregate {
  const e = encoded as unknown as Record<string, unknown>;
  if (!isObject(e)) fail("encoded", e);
  if (e.version !== 1) fail("version", e.version);
  for (const key of COUNTERS) count(e[key], key);
  for (const key of ["first_start_ms", "last_end_ms"]) {
    if (e[key] !== null && !isFiniteNumber(e[key])) fail(key, e[key]);
  }
  if (e.slo !== null) {
    if (!isObject(e.slo)) fail("slo", e.slo);
    for (const [key, value] of Object.entries(e.slo)) {
      if (!isFiniteNumber(value) || value <= 0) fail(`slo.${key}`, value);
    }
  }
  counts(e.outcomes, OUTCOME_KINDS, "outcomes");
  counts(e.token_sources, TOKEN_SOURCE_KEYS, "token_sources");
  counts(e.output_length, [
    "requests",
    "requested_tokens",
    "delivered_tokens",
    "exact",
    "fewer",
    "more",
  ], "output_length");
  if (!isObject(e.histograms)) fail("histograms", e.histograms);
  for (const key of HISTOGRAM_KEYS) {
    if (!isObject(e.histograms[key])) fail(`histograms.${key}`, e.histograms[key]);
  }
  if (!Array.isArray(e.failure_examples)) fail("failure_examples", e.failure_examples);
  e.failure_examples.forEach((f: unknown, i: number) => {
    const at = `failure_examples[${i}]`;
    if (!isObject(f)) return fail(at, f);
    for (const key of ["user", "iteration", "attempts"]) count(f[key], `${at}.${key}`);
    if (!OUTCOME_KINDS.includes(f.kind as OutcomeKind)) fail(`${at}.kind`, f.kind);
    if (typeof f.message !== "string") fail(`${at}.message`, f.message);
    if (f.status !== undefined && !Number.isSafeInteger(f.status)) fail(`${at}.status`, f.status);
    if (!isFiniteNumber(f.start_ms)) fail(`${at}.start_ms`, f.start_ms);
  });
  return encoded;
}

function counts(value: unknown, keys: readonly string[], field: string): void {
  if (!isObject(value)) fail(field, value);
  for (const key of keys) count(value[key], `${field}.${key}`);
}

function count(value: unknown, field: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(field, value);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function fail(field: string, value: unknown): never {
  const shown = Array.isArray(value) ? `an array of ${value.length}` : JSON.stringify(value);
  throw new TypeError(
    `Cannot decode aggregate as '${field}' is invalid: current value is ${shown}`,
  );
}
