/**
 * One attempt: send the bytes, read the answer as it arrives, classify how it ended. Timestamps are taken
 * when bytes arrive, before any parsing.
 *
 * @module
 */
import { type Clock, realClock } from "./clock.ts";
import type { Limits } from "./config.ts";
import type { AttemptError, OutcomeKind } from "./record.ts";
import { excerpt, type Redactor } from "./redact.ts";
import { retryAfterMs } from "./retry.ts";
import { SseDecoder, SseEventTooLargeError } from "./stream/sse.ts";
import { OpenAIStreamReader, type ResponseSummary, summarizeJsonBody } from "./stream/openai.ts";
import type { Transport } from "./transport/types.ts";

/** What every attempt of a run shares. */
export interface AttemptContext {
  /** Moves the bytes. */
  transport: Transport;
  /** Time source. */
  clock: Clock;
  /** Absolute URL. */
  url: string;
  /** Request headers (with credentials). */
  headers: Record<string, string>;
  /** Per-attempt deadline in milliseconds. */
  timeoutMs: number;
  /** Memory caps. */
  limits: Limits;
  /** Hides secrets in every message. */
  redactor: Redactor;
  /** Aborted when in-flight requests must stop now (the run was cancelled). */
  cancel: AbortSignal;
  /** Client-side token counter used when the server reports no usage. */
  countTokens?: (text: string) => number;
  /** Largest backoff a server may ask for with `Retry-After`. */
  maxRetryDelayMs: number;
}

/** How one attempt ended. */
export interface AttemptResult {
  /** When the request was handed to the transport. */
  startMs: number;
  /** When the attempt ended. */
  endMs: number;
  /** HTTP status, when headers arrived. */
  status?: number;
  /** The error, unless the attempt succeeded. */
  error?: AttemptError;
  /** The response's measurements, when a 2xx body was read. */
  summary?: ResponseSummary;
  /** True when output arrived before the attempt ended (then it is never retried). */
  gotOutput: boolean;
  /** The wait the server asked for (`Retry-After`), in milliseconds. */
  retryAfterMs?: number;
}

const ERROR_BODY_BYTES = 4096;

/**
 * Runs one attempt. Never throws: every failure is classified into the result.
 *
 * @param ctx What the run's attempts share.
 * @param body The serialised request body.
 * @returns The attempt's result.
 */
export async function runAttempt(ctx: AttemptContext, body: string): Promise<AttemptResult> {
  const { clock } = ctx;
  const deadline = deadlineSignal(clock, ctx.timeoutMs);
  const signal = AbortSignal.any([deadline.signal, ctx.cancel]);
  const startMs = clock.now();
  const fail = (
    kind: AttemptError["kind"],
    message: string,
    extra: Partial<AttemptResult> = {},
  ) => ({
    startMs,
    endMs: clock.now(),
    gotOutput: false,
    ...extra,
    error: { kind, message: excerpt(ctx.redactor.redact(message)), status: extra.status },
  } as AttemptResult);
  try {
    let res;
    try {
      res = await ctx.transport.send({
        url: ctx.url,
        method: "POST",
        headers: ctx.headers,
        body,
        signal,
      });
    } catch (e) {
      return fail(...classifyThrown(e, deadline.signal, ctx.cancel, "before"));
    }
    const status = res.status;
    if (status < 200 || status > 299) {
      const text = await readText(res.body, ERROR_BODY_BYTES).catch(() => "");
      const kind = status === 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx";
      return fail(kind, `HTTP ${status}${text ? `: ${errorMessageOf(text)}` : ""}`, {
        status,
        retryAfterMs: retryAfterMs(res.headers, Date.now(), ctx.maxRetryDelayMs),
      });
    }
    const type = res.headers.get("content-type") ?? "";
    const summary = type.includes("text/event-stream")
      ? await readStream(ctx, res.body, deadline.signal)
      : await readJson(ctx, res.body, type, deadline.signal);
    if ("kind" in summary) {
      return fail(summary.kind, summary.message, { status, gotOutput: summary.gotOutput ?? false });
    }
    const result: AttemptResult = {
      startMs,
      endMs: clock.now(),
      status,
      summary,
      gotOutput: summary.firstOutputMs !== undefined,
    };
    if (summary.outcome !== "success") {
      result.error = {
        kind: summary.outcome as AttemptError["kind"],
        message: excerpt(ctx.redactor.redact(summary.error?.message ?? summary.outcome)),
        status,
      };
    }
    return result;
  } finally {
    deadline.dispose();
  }
}

type ReadFailure = { kind: AttemptError["kind"]; message: string; gotOutput?: boolean };

async function readStream(
  ctx: AttemptContext,
  body: AsyncIterable<Uint8Array>,
  deadline: AbortSignal,
): Promise<ResponseSummary | ReadFailure> {
  const { clock } = ctx;
  const decoder = new SseDecoder({ maxEventBytes: ctx.limits.maxEventBytes });
  const reader = new OpenAIStreamReader({ countTokens: ctx.countTokens });
  let bytes = 0;
  try {
    for await (const chunk of body) {
      const t = clock.now();
      bytes += chunk.byteLength;
      if (bytes > ctx.limits.maxResponseBytes) {
        return tooLarge(`response body exceeded ${ctx.limits.maxResponseBytes} bytes`);
      }
      const events = decoder.push(chunk);
      for (let i = 0; i < events.length; i++) reader.onEvent(events[i], t);
      if (reader.done) break;
    }
    if (!reader.done) {
      const t = clock.now();
      for (const ev of decoder.end()) reader.onEvent(ev, t);
    }
  } catch (e) {
    if (e instanceof SseEventTooLargeError) return tooLarge(e.message);
    const [kind, message] = classifyThrown(e, deadline, ctx.cancel, "body");
    const gotOutput = reader.finish(clock.now()).firstOutputMs !== undefined;
    return { kind, message, gotOutput };
  }
  return reader.finish(clock.now());
}

async function readJson(
  ctx: AttemptContext,
  body: AsyncIterable<Uint8Array>,
  type: string,
  deadline: AbortSignal,
): Promise<ResponseSummary | ReadFailure> {
  let text: string;
  try {
    text = await readText(body, ctx.limits.maxResponseBytes, true);
  } catch (e) {
    if (e instanceof TooLarge) return tooLarge(e.message);
    if (e instanceof TypeError && /encoded data was not valid/i.test(e.message)) {
      return { kind: "protocol_error", message: "response body is not valid UTF-8" };
    }
    const [kind, message] = classifyThrown(e, deadline, ctx.cancel, "body");
    return { kind, message };
  }
  const summary = summarizeJsonBody(text, ctx.clock.now(), { countTokens: ctx.countTokens });
  if (summary.outcome === "protocol_error" && !type.includes("json")) {
    summary.error = {
      kind: "protocol_error",
      message: `unexpected content-type ${JSON.stringify(type)}: ${text}`,
    };
  }
  return summary;
}

class TooLarge extends Error {}

function tooLarge(message: string): ReadFailure {
  return { kind: "response_too_large", message };
}

async function readText(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  strict = false,
): Promise<string> {
  const decoder = new TextDecoder("utf-8", { fatal: strict });
  let out = "";
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      if (strict) throw new TooLarge(`response body exceeded ${maxBytes} bytes`);
      out += decoder.decode(chunk.subarray(0, chunk.byteLength - (bytes - maxBytes)));
      return out;
    }
    out += decoder.decode(chunk, { stream: true });
  }
  return out + decoder.decode();
}

function errorMessageOf(text: string): string {
  try {
    const json = JSON.parse(text);
    const msg = json?.error?.message ?? json?.message ?? json?.detail ?? json?.error;
    if (typeof msg === "string") return msg;
  } catch { /* not JSON: show the text */ }
  return text.replace(/<[^>]*>/g, " ");
}

function classifyThrown(
  e: unknown,
  deadline: AbortSignal,
  cancel: AbortSignal,
  phase: "before" | "body",
): [OutcomeKind & AttemptError["kind"], string] {
  if (cancel.aborted) return ["cancelled", "the run was cancelled"];
  if (deadline.aborted) {
    return [
      "timeout",
      phase === "before" ? "no response headers in time" : "response not complete in time",
    ];
  }
  const message = e instanceof Error ? e.message : String(e);
  if (/reset|broken pipe|connection closed|unexpected eof/i.test(message)) {
    return ["connection_reset", message];
  }
  if (phase === "body") return ["incomplete_body", message];
  return ["connect_error", message];
}

function deadlineSignal(clock: Clock, ms: number): { signal: AbortSignal; dispose(): void } {
  if (clock === realClock) return { signal: AbortSignal.timeout(ms), dispose() {} };
  const controller = new AbortController();
  const stop = new AbortController();
  clock.sleep(ms, stop.signal).then(
    () => controller.abort(new DOMException("deadline passed", "TimeoutError")),
    () => {},
  );
  return { signal: controller.signal, dispose: () => stop.abort() };
}
