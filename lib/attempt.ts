/**
 * One attempt: send the bytes, read the answer as it arrives, classify how it ended. Timestamps are taken
 * when bytes arrive, before any parsing.
 *
 * @module
 */
import { type AbortCauses, classifyThrown } from "./classify.ts";
import { type Clock, realClock } from "./clock.ts";
import type { Limits } from "./config.ts";
import { IdleTimeout } from "./idle_timeout.ts";
import type { AttemptError } from "./record.ts";
import { excerpt, type Redactor } from "./redact.ts";
import { retryAfterMs } from "./retry.ts";
import { SseDecoder, SseEventTooLargeError, SseInvalidUtf8Error } from "./stream/sse.ts";
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
  /** Longest gap between received body chunks (a stalled stream) in milliseconds; 0 or absent: none. */
  idleTimeoutMs?: number;
  /** Memory caps. */
  limits: Limits;
  /** Hides secrets in every message. */
  redactor: Redactor;
  /** Aborted when in-flight requests must stop now (the run was cancelled). */
  cancel: AbortSignal;
  /** Client-side token counter used when the server reports no usage. */
  countTokens?: (text: string) => number;
  /** Keep the answer text in the summary (multi-turn sessions resend it). */
  keepText?: boolean;
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
const COMMON_FINISH_REASONS = new Set(["stop", "length", "tool_calls", "content_filter", "eos"]);

/**
 * Runs one attempt. Never throws: every failure is classified into the result.
 *
 * @param ctx What the run's attempts share.
 * @param body The serialised request body.
 * @returns The attempt's result.
 */
export async function runAttempt(ctx: AttemptContext, body: string): Promise<AttemptResult> {
  const { clock } = ctx;
  // One controller per attempt, aborted directly by its deadline, its idle timeout or the run's
  // cancel (AbortSignal.any cost more than the rest of the attempt's bookkeeping together).
  const attempts = attemptsOf(ctx);
  const deadline = attempts.add(ctx.timeoutMs);
  const signal = deadline.controller!.signal;
  let idle: IdleTimeout | undefined;
  const causes: AbortCauses = { cancel: ctx.cancel, deadline };
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
      return fail(...classifyThrown(e, "before", causes));
    }
    if (ctx.idleTimeoutMs) {
      const watch = idle = new IdleTimeout(clock, ctx.idleTimeoutMs);
      causes.idle = watch.signal;
      watch.signal.addEventListener("abort", () => attempts.abort(deadline, watch.signal.reason));
    }
    const resBody = idle ? touching(res.body, idle) : res.body;
    const status = res.status;
    if (status < 200 || status > 299) {
      const text = await readText(resBody, ERROR_BODY_BYTES).catch(() => "");
      const kind = status === 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx";
      // Redirects are never followed (credentials must not travel to another host): say where to.
      const location = status >= 300 && status < 400 ? res.headers.get("location") : null;
      const why = location === null
        ? ""
        : ` redirect to ${location.split(/[?#]/)[0]} (not followed: point --host/--endpoint there)`;
      return fail(kind, `HTTP ${status}${why}${text ? `: ${errorMessageOf(text)}` : ""}`, {
        status,
        retryAfterMs: retryAfterMs(res.headers, Date.now(), ctx.maxRetryDelayMs),
      });
    }
    const type = res.headers.get("content-type") ?? "";
    const summary = type.includes("text/event-stream")
      ? await readStream(ctx, resBody, causes)
      : await readJson(ctx, resBody, type, causes);
    if ("kind" in summary) {
      return fail(summary.kind, summary.message, { status, gotOutput: summary.gotOutput ?? false });
    }
    const reason = summary.finishReason;
    if (reason !== undefined && !COMMON_FINISH_REASONS.has(reason)) {
      summary.finishReason = excerpt(ctx.redactor.redact(reason), 64); // server text: bounded, redacted
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
    attempts.dispose(deadline);
    idle?.dispose();
  }
}

type ReadFailure = { kind: AttemptError["kind"]; message: string; gotOutput?: boolean };

async function readStream(
  ctx: AttemptContext,
  body: AsyncIterable<Uint8Array>,
  causes: AbortCauses,
): Promise<ResponseSummary | ReadFailure> {
  const { clock } = ctx;
  const decoder = new SseDecoder({ maxEventBytes: ctx.limits.maxEventBytes, fatal: true });
  const reader = new OpenAIStreamReader({ countTokens: ctx.countTokens, keepText: ctx.keepText });
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
    if (e instanceof SseInvalidUtf8Error) {
      return { kind: "protocol_error", message: "event stream is not valid UTF-8" };
    }
    const [kind, message] = classifyThrown(e, "body", causes);
    const gotOutput = reader.finish(clock.now()).firstOutputMs !== undefined;
    return { kind, message, gotOutput };
  }
  return reader.finish(clock.now());
}

async function readJson(
  ctx: AttemptContext,
  body: AsyncIterable<Uint8Array>,
  type: string,
  causes: AbortCauses,
): Promise<ResponseSummary | ReadFailure> {
  let text: string;
  try {
    text = await readText(body, ctx.limits.maxResponseBytes, true);
  } catch (e) {
    if (e instanceof TooLarge) return tooLarge(e.message);
    if (e instanceof TypeError && /encoded data (was|is) not valid/i.test(e.message)) {
      return { kind: "protocol_error", message: "response body is not valid UTF-8" };
    }
    const [kind, message] = classifyThrown(e, "body", causes);
    return { kind, message };
  }
  const summary = summarizeJsonBody(text, ctx.clock.now(), {
    countTokens: ctx.countTokens,
    keepText: ctx.keepText,
  });
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
  // Bytes are kept and decoded at the end: a body that turns out too large costs its bytes only.
  const chunks: (Uint8Array | undefined)[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      if (strict) throw new TooLarge(`response body exceeded ${maxBytes} bytes`);
      chunks.push(chunk.slice(0, chunk.byteLength - (bytes - maxBytes)));
      break;
    }
    chunks.push(chunk.slice()); // a copy: a transport may reuse the chunk's memory (http1 does)
  }
  let out = "";
  for (let i = 0; i < chunks.length; i++) {
    out += decoder.decode(chunks[i], { stream: true });
    chunks[i] = undefined;
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

/** The body, telling the idle timeout about every chunk. */
async function* touching(
  body: AsyncIterable<Uint8Array>,
  idle: IdleTimeout,
): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    idle.touch();
    yield chunk;
  }
}

/** One attempt in flight: its signal's controller (until it ends) and its deadline. */
interface Pending {
  /** Aborts the attempt; undefined once it ended. */
  controller: AbortController | undefined;
  /** Registered (not yet disposed of). */
  live: boolean;
  /** When its deadline passes, on the clock. */
  at: number;
  /** True once the deadline passed (the cause of the abort). */
  aborted: boolean;
  /** Stops the deadline's own sleep (clocks other than the real one). */
  stop?: AbortController;
}

/**
 * The attempts in flight of one context, in the order they started: on the real clock one timer
 * serves every deadline (they all have the same length, so they pass in that order), and one
 * listener on the run's cancel signal aborts them all. Ended attempts are dropped from the front,
 * and the queue is compacted when ended ones pile up behind a long one, so it stays as large as the
 * attempts in flight.
 */
class Attempts {
  readonly #ctx: AttemptContext;
  #queue: Pending[] = [];
  #head = 0;
  #live = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #firing = false;

  constructor(ctx: AttemptContext) {
    this.#ctx = ctx;
    ctx.cancel.addEventListener("abort", () => {
      const reason = ctx.cancel.reason;
      const queue = this.#queue;
      for (let i = this.#head; i < queue.length; i++) this.abort(queue[i], reason);
    }, { once: true });
  }

  /** Registers an attempt starting now with a deadline `ms` from now. */
  add(ms: number): Pending {
    const ctx = this.#ctx;
    const clock = ctx.clock;
    const p: Pending = {
      controller: new AbortController(),
      live: false,
      at: clock.now() + ms,
      aborted: false,
    };
    if (ctx.cancel.aborted) {
      p.controller!.abort(ctx.cancel.reason); // like AbortSignal.any of an aborted signal
      return p;
    }
    const queue = this.#queue;
    if (clock !== realClock || (queue.length > this.#head && queue[queue.length - 1].at > p.at)) {
      // Its own timer: another clock, or a deadline that would pass before earlier ones.
      const stop = p.stop = new AbortController();
      clock.sleep(ms, stop.signal).then(() => this.#expire(p), () => {});
    } else if (this.#timer === undefined && !this.#firing) {
      this.#timer = setTimeout(this.#fire, Math.max(0, Math.ceil(ms)));
    }
    p.live = true;
    queue.push(p);
    this.#live++;
    return p;
  }

  /** Aborts an attempt with `reason` (it stays registered until disposed). */
  abort(p: Pending, reason: unknown): void {
    const controller = p.controller;
    if (controller === undefined || controller.signal.aborted) return;
    controller.abort(reason);
  }

  /** The attempt ended: forgets it. */
  dispose(p: Pending): void {
    p.stop?.abort();
    if (!p.live) return;
    p.live = false;
    p.controller = undefined;
    if (--this.#live === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#queue = [];
      this.#head = 0;
      return;
    }
    const queue = this.#queue;
    while (!queue[this.#head].live) this.#head++;
    const dead = queue.length - this.#head - this.#live;
    if (this.#head >= 1024 && this.#head * 2 >= queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    } else if (dead >= 1024 && dead > 2 * this.#live) {
      this.#queue = queue.slice(this.#head).filter((q) => q.live);
      this.#head = 0;
    }
  }

  /** The deadline passed: aborts the attempt with a TimeoutError. */
  #expire(p: Pending): void {
    if (!p.live) return;
    p.aborted = true;
    this.abort(p, new DOMException("deadline passed", "TimeoutError"));
  }

  /** The shared timer: expires every attempt whose deadline passed, then waits for the next one. */
  #fire = (): void => {
    this.#timer = undefined;
    this.#firing = true;
    const now = this.#ctx.clock.now();
    const queue = this.#queue;
    let next: number | undefined;
    try {
      for (let i = this.#head; i < queue.length; i++) {
        const p = queue[i];
        if (!p.live || p.stop !== undefined || p.aborted) continue;
        if (p.at > now) {
          next = p.at;
          break;
        }
        this.#expire(p);
      }
    } finally {
      this.#firing = false;
    }
    if (next !== undefined && this.#timer === undefined && this.#live > 0) {
      this.#timer = setTimeout(this.#fire, Math.max(0, Math.ceil(next - now)));
    }
  };
}

const ATTEMPTS = new WeakMap<AttemptContext, Attempts>();

function attemptsOf(ctx: AttemptContext): Attempts {
  let attempts = ATTEMPTS.get(ctx);
  if (attempts === undefined) ATTEMPTS.set(ctx, attempts = new Attempts(ctx));
  return attempts;
}
