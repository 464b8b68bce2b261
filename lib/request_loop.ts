/**
 * The attempt/retry loop of one request: attempts, backoff between them, and the request's
 * {@linkcode RequestRecord}.
 *
 * @module
 */
import { type AttemptContext, type AttemptResult, runAttempt } from "./attempt.ts";
import type { RequestRecord } from "./record.ts";
import { backoffMs, isRetryable } from "./retry.ts";

/** The retry policy and signals of {@linkcode sendRequest}. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Base of the exponential backoff, in ms. */
  retryDelayMs: number;
  /** Longest single backoff, in ms. */
  maxRetryDelayMs: number;
  /** Uniform source of the backoff jitter. */
  random: () => number;
  /** Aborted when no new attempt may start (the run is stopping). */
  stop: AbortSignal;
}

/** What {@linkcode sendRequest} returns: the first and last attempts and the totals. */
export interface SentRequest {
  /** The first attempt (its start is the request's start). */
  first: AttemptResult;
  /** The last attempt (its outcome is the request's). */
  last: AttemptResult;
  /** Attempts made. */
  attempts: number;
  /** Time spent in backoff between attempts, in ms. */
  retryDelayMs: number;
}

/**
 * Sends one request: attempts until one succeeds, a failure is not retryable, the retries are used
 * up, or the run stops while waiting to retry (the last attempt's outcome then stands).
 *
 * @param ctx What every attempt shares.
 * @param body The serialised body.
 * @param policy Retries, backoff and the stop signal.
 * @returns The first and last attempts and the totals.
 */
export async function sendRequest(
  ctx: AttemptContext,
  body: string,
  policy: RetryPolicy,
): Promise<SentRequest> {
  const { clock } = ctx;
  let first: AttemptResult | undefined;
  let last: AttemptResult;
  let attempts = 0;
  let retryDelayMs = 0;
  let wake: AbortSignal | undefined; // made on the first retry: most requests never wait
  while (true) {
    last = await runAttempt(ctx, body);
    first ??= last;
    attempts++;
    if (!last.error || attempts > policy.maxRetries) break;
    if (!isRetryable({ error: last.error, gotOutput: last.gotOutput })) break;
    const wait = last.retryAfterMs ??
      backoffMs(attempts, policy.retryDelayMs, policy.maxRetryDelayMs, policy.random);
    const slept = clock.now();
    try {
      await clock.sleep(wait, wake ??= AbortSignal.any([policy.stop, ctx.cancel]));
    } catch {
      break; // stopped while waiting: the last attempt's outcome stands
    } finally {
      retryDelayMs += clock.now() - slept;
    }
  }
  return { first, last, attempts, retryDelayMs };
}

/** Where a request sits in the run, for its record. */
export interface RecordPlace {
  /** User (closed loop) or lane (open loop). */
  user: number;
  /** Index within the user's loop, or the arrival number (open loop). */
  iteration: number;
  /** The run's start on the clock (record times are relative to it). */
  t0: number;
  /** Intended send time relative to the run's start (open loop). */
  intendedMs?: number;
  /** Output tokens the body asked for. */
  requestedOutputTokens?: number;
  /** Sent during warm-up. */
  warmup?: boolean;
}

/**
 * Builds the record of a sent request.
 *
 * @param sent The attempts.
 * @param place Where the request sits in the run.
 * @returns The record.
 */
export function toRecord(sent: SentRequest, place: RecordPlace): RequestRecord {
  const { first, last } = sent;
  const t0 = place.t0;
  const s = last.summary;
  const since = (t: number | undefined) => t === undefined ? undefined : t - last.startMs;
  const record: RequestRecord = {
    user: place.user,
    iteration: place.iteration,
    attempts: sent.attempts,
    outcome: last.error ? last.error.kind : "success",
    startMs: first.startMs - t0,
    endMs: last.endMs - t0,
    lastAttemptStartMs: last.startMs - t0,
    retryDelayMs: sent.retryDelayMs,
    itlMs: s?.itlMs ?? [],
    e2eMs: (s?.terminalMs ?? last.endMs) - last.startMs,
    outputTokens: s?.outputTokens ?? 0,
    outputTokensSource: s?.outputTokensSource ?? "chunks",
  };
  if (place.intendedMs !== undefined) record.intendedMs = place.intendedMs;
  if (last.error) record.error = last.error;
  if (last.status !== undefined) record.status = last.status;
  if (s) {
    if (s.firstOutputMs !== undefined) record.ttftMs = since(s.firstOutputMs);
    // TTFAT only when reasoning came first; otherwise it is TTFT and would only repeat it.
    if (s.firstAnswerMs !== undefined && s.firstAnswerMs !== s.firstOutputMs) {
      record.ttfatMs = since(s.firstAnswerMs);
    }
    if (s.promptTokens !== undefined) record.promptTokens = s.promptTokens;
    if (s.finishReason !== undefined) record.finishReason = s.finishReason;
  }
  if (place.requestedOutputTokens !== undefined) {
    record.requestedOutputTokens = place.requestedOutputTokens;
  }
  if (place.warmup) record.warmup = true;
  return record;
}

/**
 * The record of a planned request that was never sent because the run stopped first: outcome
 * `cancelled`, 0 attempts, start and end at the moment it was given up.
 *
 * @param place Where the request sits in the run.
 * @param atMs When it was given up, relative to the run's start.
 * @returns The record.
 */
export function unsentRecord(place: RecordPlace, atMs: number): RequestRecord {
  const record: RequestRecord = {
    user: place.user,
    iteration: place.iteration,
    attempts: 0,
    outcome: "cancelled",
    error: { kind: "cancelled", message: "never sent: the run stopped before its turn came" },
    startMs: atMs,
    endMs: atMs,
    lastAttemptStartMs: atMs,
    retryDelayMs: 0,
    itlMs: [],
    e2eMs: 0,
    outputTokens: 0,
    outputTokensSource: "chunks",
  };
  if (place.intendedMs !== undefined) record.intendedMs = place.intendedMs;
  if (place.warmup) record.warmup = true;
  return record;
}
