/**
 * The single source of truth: one {@linkcode RequestRecord} per request. Every number in every report
 * is derived from these records; nothing computes a metric on the side.
 *
 * @module
 */

/**
 * How an attempt (and so a request, whose outcome is its last attempt's) ended. See FAULTS in the README.
 */
export type OutcomeKind =
  | "success"
  | "connect_error"
  | "timeout"
  | "connection_reset"
  | "incomplete_body"
  | "http_429"
  | "http_4xx"
  | "http_5xx"
  | "stream_error"
  | "stream_truncated"
  | "empty_response"
  | "protocol_error"
  | "response_too_large"
  | "cancelled";

/** Every outcome kind, in report order. */
export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  "success",
  "connect_error",
  "timeout",
  "connection_reset",
  "incomplete_body",
  "http_429",
  "http_4xx",
  "http_5xx",
  "stream_error",
  "stream_truncated",
  "empty_response",
  "protocol_error",
  "response_too_large",
  "cancelled",
];

/** Where a request's output token count came from. */
export type TokenSource = "usage" | "tokenizer" | "chunks";

/** The error of a failed attempt: its kind, a short redacted excerpt, and the HTTP status if any. */
export interface AttemptError {
  /** The failure kind. */
  kind: Exclude<OutcomeKind, "success">;
  /** Short, redacted, human-readable excerpt (at most a few hundred characters). */
  message: string;
  /** HTTP status, when a response was received. */
  status?: number;
}

/**
 * Everything measured about one request. Times are milliseconds on the run's clock, relative to the
 * run's start (`0` = the moment the run began).
 */
export interface RequestRecord {
  /** 0-based index of the user (worker loop) that sent it. */
  user: number;
  /** 0-based index of this request within its user's loop. */
  iteration: number;
  /** Attempts made (1 = no retry; 0 = planned but never sent because the run stopped first). */
  attempts: number;
  /** Outcome of the last attempt. */
  outcome: OutcomeKind;
  /** The last attempt's error, when the outcome is not success. */
  error?: AttemptError;
  /** HTTP status of the last attempt's response, if one arrived. */
  status?: number;
  /** Intended send time (open-loop schedules); absent in closed loops. */
  intendedMs?: number;
  /** When the first attempt was handed to the transport. */
  startMs: number;
  /** When the last attempt ended (terminal event, end of body, or failure). */
  endMs: number;
  /** When the last attempt started (after any retries and backoff). */
  lastAttemptStartMs: number;
  /** Time spent sleeping between attempts (backoff), in milliseconds. */
  retryDelayMs: number;
  /** Time to first output-bearing event, from the last attempt's start. */
  ttftMs?: number;
  /** Time to first answer token when reasoning came first, from the last attempt's start. */
  ttfatMs?: number;
  /** Gaps between consecutive output-bearing events of the last attempt. */
  itlMs: number[];
  /** End-to-end latency of the last attempt: its start to its terminal event. */
  e2eMs: number;
  /** Prompt tokens (from the server's usage, when reported). */
  promptTokens?: number;
  /** Output tokens of the last attempt. */
  outputTokens: number;
  /** Where {@linkcode RequestRecord.outputTokens} came from. */
  outputTokensSource: TokenSource;
  /** Output tokens the request asked for (`--output-tokens`), when it asked. */
  requestedOutputTokens?: number;
  /** The server's finish reason, if it sent one. */
  finishReason?: string;
  /** True when the request was sent during warm-up and is excluded from statistics. */
  warmup?: boolean;
  /**
   * True when the run stopped (end of its duration, or an interruption) while this request was in
   * flight: it then finished within the grace period, or was cancelled. A planned request that was
   * never sent because the run stopped first has `attempts: 0` and outcome `cancelled`.
   */
  inFlightAtStop?: boolean;
}

/**
 * Time per output token: `(e2e - ttft) / (outputTokens - 1)`, for requests with at least 2 tokens.
 *
 * @example Usage
 * ```ts
 * import { tpotMs } from "./record.ts";
 * console.log(tpotMs({ e2eMs: 110, ttftMs: 10, outputTokens: 11 })); // 10
 * ```
 *
 * @param r The record (only `e2eMs`, `ttftMs`, `outputTokens` are read).
 * @returns TPOT in milliseconds, or `undefined` when it is not defined.
 */
export function tpotMs(
  r: Pick<RequestRecord, "e2eMs" | "ttftMs" | "outputTokens">,
): number | undefined {
  if (r.ttftMs === undefined || r.outputTokens < 2) return undefined;
  return (r.e2eMs - r.ttftMs) / (r.outputTokens - 1);
}
