/**
 * An OpenAI-compatible text-generation server simulator as a plain `(Request) => Promise<Response>`
 * handler: deterministic output, exact timing on an injected clock, and injectable faults. Mount it
 * with `serveSimulator` (./serve.ts) or call {@linkcode Simulator.handler} directly.
 *
 * @module
 */

import type { Fault } from "./fault.ts";
import {
  type Endpoint,
  type GenerationRequest,
  parseGenerationRequest,
} from "./generation_request.ts";
import { jsonCompletion } from "./json_completion.ts";
import { type ResolvedOptions, resolveOptions, type SimulatorOptions } from "./options.ts";
import { errorBody, type ResponseIdentity } from "./openai_shapes.ts";
import { seededRandom } from "./prng.ts";
import { echoAuthResponse, jsonResponse, statusFaultResponse } from "./responses.ts";
import { streamPlan } from "./stream_plan.ts";
import { timedStream } from "./timed_stream.ts";
import { eventTimes } from "./timing.ts";

export type { Fault, FaultChooser, FaultInfo } from "./fault.ts";
export type { SimulatorOptions } from "./options.ts";

/**
 * The optional second argument of {@linkcode Simulator.handler}: `{ signal }` to give the "client went
 * away" signal, or whatever a server passes (e.g. `Deno.serve`'s info object, which has no `signal`).
 * Whenever a second argument is present, `req.signal` is not read: `Deno.serve` aborts it even after
 * successful responses and warns when it is read; it cancels the body of a departed client instead.
 */
export type HandlerInit = { signal?: AbortSignal } | object;

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
  /** When it arrived, on the simulator's clock (milliseconds). */
  arrivalMs: number;
}

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
  /**
   * The request handler; mount it on any server (`Deno.serve({ port: 0 }, sim.handler)`) or call it
   * directly in tests. A client abort (`req.signal` when called with one argument, else
   * `init.signal`) errors an open stream with the abort reason and resolves a pending non-streamed
   * answer as an empty 499.
   */
  readonly handler: (req: Request, init?: HandlerInit) => Promise<Response>;
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
    this.#options = resolveOptions(options);
    this.handler = (req, init) =>
      this.#handle(req, init === undefined ? req.signal : signalOf(init));
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
   * Ends every response in progress: open streams close where they are (no finish reason, no
   * `[DONE]`), pending non-streamed answers resolve as an empty 499. Used on shutdown so stalled and
   * endless responses do not hold the server open.
   *
   * @param reason The abort reason.
   */
  abortAll(reason: unknown = new DOMException("Simulator shutting down", "AbortError")): void {
    for (const controller of this.#inFlight) controller.abort(reason);
    this.#inFlight.clear();
  }

  async #handle(req: Request, clientSignal: AbortSignal | undefined): Promise<Response> {
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
    const headers = Object.fromEntries(req.headers);
    this.#log({ n, method: req.method, path, headers, body, arrivalMs });

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
    return this.#generate(n, arrivalMs, parsed.request, clientSignal, fault);
  }

  #generate(
    n: number,
    arrivalMs: number,
    request: GenerationRequest,
    clientSignal: AbortSignal | undefined,
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
    const shutdown = new AbortController();
    this.#inFlight.add(shutdown);
    const done = () => this.#inFlight.delete(shutdown);
    const onTokenWritten = o.onTokenWritten;
    if (!streamed) {
      return jsonCompletion({
        request,
        identity,
        times,
        clock: o.clock,
        signal: clientSignal ? AbortSignal.any([clientSignal, shutdown.signal]) : shutdown.signal,
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
      signal: clientSignal,
      endSignal: shutdown.signal,
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

function signalOf(init: HandlerInit): AbortSignal | undefined {
  const signal = (init as { signal?: unknown }).signal;
  return signal instanceof AbortSignal ? signal : undefined;
}

function endpointOf(path: string): Endpoint | undefined {
  if (path.endsWith("/v1/chat/completions")) return "chat";
  if (path.endsWith("/v1/completions")) return "completions";
  return undefined;
}
