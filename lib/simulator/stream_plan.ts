/**
 * What a streamed response writes, and when: a lazy sequence of timed writes built from the request,
 * the timing schedule and an optional fault.
 *
 * @module
 */

import type { Fault } from "./fault.ts";
import type { GenerationRequest } from "./generation_request.ts";
import {
  errorBody,
  finishChunk,
  type ResponseIdentity,
  roleChunk,
  SSE_DONE,
  sseData,
  tokenChunk,
  usageChunk,
} from "./openai_shapes.ts";

/**
 * One step of a streamed response: bytes due at an absolute time (`tokenIndex` set when the write
 * carries output tokens), or `hold`: write nothing more until the request is aborted.
 */
export type StreamStep =
  | { atMs: number; data: string | Uint8Array; tokenIndex?: number }
  | { hold: true };

/** Everything {@linkcode streamPlan} needs. */
export interface StreamPlanInput {
  /** The validated request. */
  request: GenerationRequest;
  /** The response identity (ids, model, usage numbers). */
  identity: ResponseIdentity;
  /** When the request arrived. */
  arrivalMs: number;
  /** Due times of successive token events (see `eventTimes`). */
  times: Iterator<number>;
  /** Tokens per event (the last event may carry fewer). */
  tokensPerEvent: number;
  /** The fault to inject, if any. */
  fault?: Fault;
}

/**
 * Yields the writes of a streamed response in order: the role chunk at arrival (chat only), one
 * chunk per token event at its due time, then the finish chunk, the usage chunk (when asked) and
 * `[DONE]` together with the last token event. Faults change the sequence as documented on
 * {@linkcode Fault}.
 *
 * @example Usage
 * ```ts
 * import { streamPlan } from "./stream_plan.ts";
 * import { eventTimes } from "./timing.ts";
 * const request = {
 *   endpoint: "completions" as const, model: "m", stream: true, includeUsage: false,
 *   outputTokens: 2, finishReason: "length" as const, promptTokens: 1,
 * };
 * const identity = {
 *   endpoint: "completions" as const, id: "cmpl-1", created: 0, model: "m",
 *   includeUsage: false, promptTokens: 1, reasoningTokens: 0,
 * };
 * const times = eventTimes(0, { ttftMs: 20, gapMs: 5, jitterMs: 0, random: Math.random });
 * const steps = [...streamPlan({ request, identity, arrivalMs: 0, times, tokensPerEvent: 1 })];
 * console.log(steps.map((s) => "atMs" in s ? s.atMs : "hold")); // [20, 25, 25, 25]
 * ```
 *
 * @param input The request, identity, timing and fault.
 * @returns A lazy (possibly endless) sequence of steps.
 */
export function* streamPlan(input: StreamPlanInput): Generator<StreamStep, void> {
  const { request, identity, fault, times } = input;
  if (fault?.kind === "raw") {
    for (const data of fault.chunks) yield { atMs: times.next().value, data };
    return;
  }
  if (request.endpoint === "chat") {
    yield { atMs: input.arrivalMs, data: sseData(roleChunk(identity)) };
  }

  let limit = request.outputTokens;
  let malformedAt = -1;
  switch (fault?.kind) {
    case "stall":
    case "truncate":
    case "error_event":
      limit = Math.min(limit, Math.max(0, fault.afterTokens));
      break;
    case "endless":
      limit = Infinity;
      break;
    case "empty":
      limit = 0;
      break;
    case "malformed":
      malformedAt = Math.min(limit, Math.max(0, fault.afterTokens));
      break;
  }

  let written = 0;
  let lastAtMs = input.arrivalMs;
  while (written < limit || written === malformedAt) {
    if (written === malformedAt) {
      yield { atMs: lastAtMs, data: 'data: {"choices": [{"delta": {"content": "tok\n\n' };
      malformedAt = -1;
      continue;
    }
    const stopAt = malformedAt > written ? malformedAt : limit;
    const count = Math.min(input.tokensPerEvent, stopAt - written);
    lastAtMs = times.next().value;
    yield { atMs: lastAtMs, data: tokenEvent(input, written, count), tokenIndex: written };
    written += count;
  }
  if (written === 0) lastAtMs = times.next().value;

  switch (fault?.kind) {
    case "stall":
    case "endless":
      yield { hold: true };
      return;
    case "truncate":
      return;
    case "error_event": {
      const message = fault.message ?? "Simulated error in the middle of the stream";
      yield { atMs: lastAtMs, data: sseData(errorBody(message, "internal_error", 500)) };
      yield { atMs: lastAtMs, data: SSE_DONE };
      return;
    }
  }
  const finishReason = fault?.kind === "empty" ? "stop" : request.finishReason;
  yield { atMs: lastAtMs, data: sseData(finishChunk(identity, finishReason)) };
  if (request.includeUsage) {
    yield { atMs: lastAtMs, data: sseData(usageChunk(identity, written)) };
  }
  yield { atMs: lastAtMs, data: SSE_DONE };
}

function tokenEvent(input: StreamPlanInput, first: number, count: number): string {
  const data = sseData(tokenChunk(input.identity, first, count));
  if (input.fault?.kind !== "huge_event" || first !== 0) return data;
  const padding = Math.max(0, input.fault.bytes - new TextEncoder().encode(data).length);
  return sseData(tokenChunk(input.identity, first, count, "x".repeat(padding)));
}
