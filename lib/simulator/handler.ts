/**
 * An OpenAI-compatible text-generation server simulator as a plain `(Request) => Promise<Response>`
 * handler: deterministic output, exact timing on an injected clock, and injectable faults. Mount it
 * with `serveSimulator` (./serve.ts) or call {@linkcode Simulator.handler} directly.
 *
 * @module
 */

import { type Clock, realClock } from "../clock.ts";
import { ConfigError } from "../errors.ts";
import type { Fault, FaultChooser } from "./fault.ts";
import {
  type Endpoint,
  type GenerationRequest,
  parseGenerationRequest,
} from "./generation_request.ts";
import { jsonCompletion } from "./json_completion.ts";
import { errorBody, type ResponseIdentity } from "./openai_shapes.ts";
import { seededRandom } from "./prng.ts";
import { echoAuthResponse, jsonResponse, statusFaultResponse } from "./responses.ts";
import { streamPlan } from "./stream_plan.ts";
import { timedStream } from "./timed_stream.ts";
import { eventTimes } from "./timing.ts";

export type { Fault, FaultChooser, FaultInfo } from "./fault.ts";

/** Options of {@linkcode Simulator}. */
export interface SimulatorOptions {
  /**
   * Delay from request arrival to the first output token event, in milliseconds.
   *
   * @default {20}
   */
  ttftMs?: number;
  /**
   * Delay between output tokens, in milliseconds. With `tokensPerEvent` k, events are k * itlMs
   * apart, so the per-token rate does not change.
   *
   * @default {5}
   */
  itlMs?: number;
  /**
   * Output tokens when the request sets no `max_completion_tokens` / `max_tokens` / `max_new_tokens`
   * (finish reason `stop`; with a max field it is `length`).
   *
   * @default {16}
   */
  outputTokens?: number;
  /**
   * Uniform +-jitter added to each delay (clamped at 0), drawn from a PRNG seeded with `seed` and
   * the request number.
   *
   * @default {0}
   */
  jitterMs?: number;
  /**
   * Seed of every random choice (jitter).
   *
   * @default {0}
   */
  seed?: number;
  /**
   * The clock every delay sleeps on; pass a `ManualClock` to drive time in tests.
   *
   * @default {realClock}
   */
  clock?: Clock;
  /**
   * Output tokens per streamed event (servers that batch tokens); the last event may carry fewer.
   *
   * @default {1}
   */
  tokensPerEvent?: number;
  /**
   * On the chat endpoint, how many of the output tokens come first as `delta.reasoning_content`
   * (they count in `completion_tokens`, and in `completion_tokens_details.reasoning_tokens`).
   *
   * @default {0}
   */
  reasoningTokens?: number;
  /** Chooses a fault for request number `n` (0-based, counting every request received). */
  fault?: FaultChooser;
  /**
   * Ground truth for benchmarks: called with `clock.now()` right after each token-carrying event is
   * enqueued (`tokenIndex` = index of the event's first token); for a non-streamed answer, once
   * with `tokenIndex` 0 when the body is produced.
   */
  onTokenWritten?: (requestNumber: number, tokenIndex: number, tMs: number) => void;
  /**
   * How many received requests are kept in {@linkcode Simulator.received}.
   *
   * @default {1000}
   */
  maxLogged?: number;
}

/** A request as the simulator received it. */
export interface ReceivedRequest {
  /** 0-based request number. */
  n: number;
  /** HTTP method. */
  method: string;
  /** URL path. */
  path: string;
  /** Headers, with lower-case names. */
  headers: Record<string, string>;
  /** The body parsed as JSON, or the raw string if it is not JSON. */
  body: unknown;
}

type ResolvedOptions =
  & Required<Omit<SimulatorOptions, "fault" | "onTokenWritten">>
  & SimulatorOptions;

/**
 * An OpenAI-compatible simulator. Serves POST `/v1/chat/completions` and `/v1/completions` under any
 * base path; other paths get 404, other methods 405, invalid bodies 400 (OpenAI-style JSON errors).
 * Streamed answers are server-sent events exactly like OpenAI's: a role-only chunk at arrival (chat),
 * one chunk per token event (`tok0 `, `tok1 `...), a finish chunk, a usage chunk when
 * `stream_options.include_usage` is set, then `data: [DONE]`. Token event k is due at
 * `arrival + ttftMs + k * tokensPerEvent * itlMs`, computed from the arrival time so timer lateness
 * does not accumulate.
 *
 * @example Usage
 * ```ts
 * import { Simulator } from "./handler.ts";
 * const sim = new Simulator({ ttftMs: 0, itlMs: 0 });
 * const res = await sim.handler(new Request("http://sim/v1/completions", {
 *   method: "POST",
 *   body: JSON.stringify({ prompt: "hello there", max_tokens: 3 }),
 * }));
 * const json = await res.json();
 * console.log(json.choices[0].text); // "tok0 tok1 tok2 "
 * console.log(json.usage); // { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 }
 * console.log(sim.requestCount); // 1
 * ```
 */
export class Simulator {
  /** The request handler; mount it on any server (`Deno.serve`, or call it directly in tests). */
  readonly handler: (req: Request) => Promise<Response>;
  #options: ResolvedOptions;
  #count = 0;
  #countByPath = new Map<string, number>();
  #received: ReceivedRequest[] = [];
  #inFlight = new Set<AbortController>();

  /**
   * Creates a simulator.
   *
   * @param options Timing, lengths, faults and callbacks.
   * @throws {ConfigError} When a number is out of range (e.g. a negative `ttftMs`).
   */
  constructor(options: SimulatorOptions = {}) {
    this.#options = {
      ...options,
      ttftMs: nonNegative("ttftMs", options.ttftMs ?? 20),
      itlMs: nonNegative("itlMs", options.itlMs ?? 5),
      jitterMs: nonNegative("jitterMs", options.jitterMs ?? 0),
      outputTokens: integer("outputTokens", options.outputTokens ?? 16, 0),
      tokensPerEvent: integer("tokensPerEvent", options.tokensPerEvent ?? 1, 1),
      reasoningTokens: integer("reasoningTokens", options.reasoningTokens ?? 0, 0),
      maxLogged: integer("maxLogged", options.maxLogged ?? 1000, 0),
      seed: options.seed ?? 0,
      clock: options.clock ?? realClock,
    };
    this.handler = (req) => this.#handle(req);
  }

  /** Count of requests received (every method and path). */
  get requestCount(): number {
    return this.#count;
  }

  /** Count of requests received per URL path. */
  get requestCountByPath(): Record<string, number> {
    return Object.fromEntries(this.#countByPath);
  }

  /** The last `maxLogged` received requests, oldest first (a copy). */
  get received(): ReceivedRequest[] {
    return [...this.#received];
  }

  /** Number of responses still being produced (streams open, or non-streamed answers pending). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Ends every response in progress: open streams error, pending non-streamed answers resolve
   * empty. Used on shutdown so stalled and endless responses do not hold the server open.
   *
   * @param reason The abort reason.
   */
  abortAll(reason: unknown = new DOMException("Simulator shutting down", "AbortError")): void {
    for (const controller of this.#inFlight) controller.abort(reason);
    this.#inFlight.clear();
  }

  async #handle(req: Request): Promise<Response> {
    const o = this.#options;
    const arrivalMs = o.clock.now();
    const n = this.#count++;
    const path = new URL(req.url).pathname;
    this.#countByPath.set(path, (this.#countByPath.get(path) ?? 0) + 1);
    const text = await req.text().catch(() => "");
    let body: unknown = text;
    let isJson = true;
    try {
      body = JSON.parse(text);
    } catch {
      isJson = false;
    }
    this.#log({ n, method: req.method, path, headers: Object.fromEntries(req.headers), body });

    const endpoint = endpointOf(path);
    if (!endpoint) {
      const message =
        `Cannot route request as the path is not a completions endpoint: current value is ${
          JSON.stringify(path)
        }`;
      return jsonResponse(404, errorBody(message, "not_found_error", 404));
    }
    if (req.method !== "POST") {
      const message =
        `Cannot serve ${path} as only POST is allowed: current method is ${req.method}`;
      return jsonResponse(405, errorBody(message, "invalid_request_error", 405), { allow: "POST" });
    }
    if (!isJson) {
      const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
      const message = `Cannot parse request body as JSON: current value is ${
        JSON.stringify(shown)
      }`;
      return jsonResponse(400, errorBody(message, "invalid_request_error", 400));
    }
    const parsed = parseGenerationRequest(endpoint, body, o.outputTokens);
    if (!parsed.ok) {
      return jsonResponse(
        400,
        errorBody(parsed.message, "invalid_request_error", 400, parsed.param),
      );
    }
    const fault = o.fault?.(n, { path, body, headers: req.headers });
    if (fault?.kind === "status") return statusFaultResponse(fault);
    if (fault?.kind === "echo_auth") return echoAuthResponse(req.headers);
    return this.#generate(n, arrivalMs, parsed.request, req.signal, fault);
  }

  #generate(
    n: number,
    arrivalMs: number,
    request: GenerationRequest,
    requestSignal: AbortSignal,
    fault: Fault | undefined,
  ): Promise<Response> {
    const o = this.#options;
    const chat = request.endpoint === "chat";
    const identity: ResponseIdentity = {
      endpoint: request.endpoint,
      id: `${chat ? "chatcmpl" : "cmpl"}-sim-${n}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      includeUsage: request.includeUsage,
      promptTokens: request.promptTokens,
      reasoningTokens: chat ? o.reasoningTokens : 0,
    };
    const streamed = fault?.kind === "raw" || (request.stream && fault?.kind !== "json_for_stream");
    const times = eventTimes(arrivalMs, {
      ttftMs: o.ttftMs,
      gapMs: streamed ? o.itlMs * o.tokensPerEvent : o.itlMs,
      jitterMs: o.jitterMs,
      random: seededRandom(o.seed, n),
    });
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const signal = AbortSignal.any([requestSignal, controller.signal]);
    const done = () => this.#inFlight.delete(controller);
    const onTokenWritten = o.onTokenWritten;
    if (!streamed) {
      return jsonCompletion({
        request,
        identity,
        times,
        clock: o.clock,
        signal,
        fault,
        onWritten: onTokenWritten && ((t) => onTokenWritten(n, 0, t)),
      }).finally(done);
    }
    const steps = streamPlan({
      request,
      identity,
      arrivalMs,
      times,
      tokensPerEvent: o.tokensPerEvent,
      fault,
    });
    const body = timedStream(steps, {
      clock: o.clock,
      signal,
      onEnd: done,
      onTokenWritten: onTokenWritten && ((i, t) => onTokenWritten(n, i, t)),
    });
    return Promise.resolve(
      new Response(body, {
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
      }),
    );
  }

  #log(entry: ReceivedRequest): void {
    if (this.#options.maxLogged === 0) return;
    this.#received.push(entry);
    if (this.#received.length > this.#options.maxLogged) this.#received.shift();
  }
}

function endpointOf(path: string): Endpoint | undefined {
  if (path.endsWith("/v1/chat/completions")) return "chat";
  if (path.endsWith("/v1/completions")) return "completions";
  return undefined;
}

function nonNegative(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(field, "must be a non-negative number", value);
  }
  return value;
}

function integer(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(
      field,
      min > 0 ? "must be a positive integer" : "must be a non-negative integer",
      value,
    );
  }
  return value;
}
