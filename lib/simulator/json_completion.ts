/**
 * The non-streamed answer: one JSON completion sent when the last token would have been generated,
 * with the faults that apply to a plain body.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Fault } from "./fault.ts";
import type { GenerationRequest } from "./generation_request.ts";
import { completionBody, errorBody, type ResponseIdentity } from "./openai_shapes.ts";

/** Everything {@linkcode jsonCompletion} needs. */
export interface JsonCompletionInput {
  /** The validated request. */
  request: GenerationRequest;
  /** The response identity. */
  identity: ResponseIdentity;
  /** Due times of successive tokens (see `eventTimes`). */
  times: Iterator<number>;
  /** The clock to sleep on. */
  clock: Clock;
  /** Aborts the wait (the client left, or the simulator shuts down). */
  signal: AbortSignal;
  /** The fault to inject, if any. */
  fault?: Fault;
  /** Called with `clock.now()` when the body is produced (only when it carries tokens). */
  onWritten?: (tMs: number) => void;
}

/**
 * Waits until the last token is due, then answers with a complete JSON body. `stall` and `endless`
 * never answer (until aborted); `truncate` cuts the body in half; `malformed` sends invalid JSON;
 * `error_event` sends a 200 whose body is an error object; `huge_event` pads the body to `bytes`.
 * When the signal aborts, resolves with an empty 499 response.
 *
 * @example Usage
 * ```ts
 * import { jsonCompletion } from "./json_completion.ts";
 * import { eventTimes } from "./timing.ts";
 * import { realClock } from "../clock.ts";
 * const res = await jsonCompletion({
 *   request: {
 *     endpoint: "completions", model: "m", stream: false, includeUsage: false,
 *     outputTokens: 2, finishReason: "length", promptTokens: 1,
 *   },
 *   identity: {
 *     endpoint: "completions", id: "cmpl-1", created: 0, model: "m",
 *     includeUsage: false, promptTokens: 1, reasoningTokens: 0,
 *   },
 *   times: eventTimes(realClock.now(), { ttftMs: 0, gapMs: 0, jitterMs: 0, random: Math.random }),
 *   clock: realClock,
 *   signal: new AbortController().signal,
 * });
 * console.log((await res.json()).choices[0].text); // "tok0 tok1 "
 * ```
 *
 * @param input The request, identity, timing, clock and fault.
 * @returns The response.
 */
export async function jsonCompletion(input: JsonCompletionInput): Promise<Response> {
  const { fault, clock, signal } = input;
  if (fault?.kind === "stall" || fault?.kind === "endless") {
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return new Response(null, { status: 499 });
  }
  const count = fault?.kind === "empty" ? 0 : input.request.outputTokens;
  let atMs = input.times.next().value;
  for (let i = 1; i < count; i++) atMs = input.times.next().value;
  const waitMs = atMs - clock.now();
  try {
    if (waitMs > 0) await clock.sleep(waitMs, signal);
  } catch {
    return new Response(null, { status: 499 });
  }
  if (count > 0) input.onWritten?.(clock.now());
  const headers = { "content-type": "application/json" };
  const finishReason = fault?.kind === "empty" ? "stop" : input.request.finishReason;
  const text = JSON.stringify(completionBody(input.identity, count, finishReason));
  switch (fault?.kind) {
    case "truncate":
      return new Response(text.slice(0, Math.floor(text.length / 2)), { headers });
    case "malformed":
      return new Response('{"choices": [{"message": ', { headers });
    case "error_event": {
      const message = fault.message ?? "Simulated error in a 200 response";
      return new Response(JSON.stringify(errorBody(message, "internal_error", 500)), { headers });
    }
    case "huge_event": {
      const padding = "x".repeat(Math.max(0, fault.bytes - new TextEncoder().encode(text).length));
      const padded = completionBody(input.identity, count, finishReason, padding);
      return new Response(JSON.stringify(padded), { headers });
    }
  }
  return new Response(text, { headers });
}
