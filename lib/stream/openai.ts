/**
 * OpenAI-compatible response semantics: which events carry output, when the response ended, how many
 * tokens it produced, and how it failed. Works on the SSE events of a streamed chat or completions
 * response ({@linkcode OpenAIStreamReader}) and on a complete non-streamed JSON body
 * ({@linkcode summarizeJsonBody}).
 *
 * Timestamps are always given by the caller, taken when the bytes arrived, before any parsing.
 *
 * @module
 */

import type { AttemptError, OutcomeKind, TokenSource } from "../record.ts";
import { type ChunkTemplate, learnTemplate, matchTemplate } from "./chunk_template.ts";
import type { SseEvent } from "./sse.ts";

/** Longest error excerpt kept in {@linkcode AttemptError.message}. */
export const MAX_EXCERPT_CHARS = 300;

/**
 * What one response amounted to. Times are those passed in by the caller (milliseconds on its clock).
 *
 * ITL is measured per output-bearing event (vLLM's definition): when one event carries several tokens,
 * their count is not known here, so the gap is not spread over them.
 */
export interface ResponseSummary {
  /** `success`, or one of `stream_error`, `stream_truncated`, `empty_response`, `protocol_error`. */
  outcome: OutcomeKind;
  /** Set when the outcome is not `success`; its message is a short excerpt (<= 300 chars). */
  error?: AttemptError;
  /** Time of the first output-bearing event (the TTFT end point). */
  firstOutputMs?: number;
  /**
   * Time of the first answer (non-reasoning) output. Equals `firstOutputMs` unless reasoning came
   * first; `undefined` when no answer output came at all.
   */
  firstAnswerMs?: number;
  /** Time of the last output-bearing event. */
  lastOutputMs?: number;
  /** Gaps between consecutive output-bearing events, in milliseconds (one per event after the first). */
  itlMs: number[];
  /**
   * When the response ended: `data: [DONE]`; without it, the last event received once a
   * `finish_reason` had been seen (some servers omit `[DONE]`); for a JSON body, its arrival.
   * `undefined` when no terminal event was seen.
   */
  terminalMs?: number;
  /** When the body ended (the time given to {@linkcode OpenAIStreamReader.finish}). */
  endMs: number;
  /**
   * Output tokens: `usage.completion_tokens` when reported, else `countTokens(text)` when a counter
   * was given, else the number of output-bearing events.
   */
  outputTokens: number;
  /** Where {@linkcode ResponseSummary.outputTokens} came from. */
  outputTokensSource: TokenSource;
  /** `usage.prompt_tokens`, when reported. */
  promptTokens?: number;
  /** The last non-null `finish_reason` seen. */
  finishReason?: string;
  /** Characters of output (answer, reasoning and tool-call arguments), in UTF-16 code units. */
  outputChars: number;
  /** The answer text (content and tool-call arguments), only with `keepText`. */
  text?: string;
  /** The reasoning text, only with `keepText`. */
  reasoningText?: string;
}

/** Options of {@linkcode OpenAIStreamReader} and {@linkcode summarizeJsonBody}. */
export interface OpenAIReaderOptions {
  /**
   * Counts the tokens of a text (a client-side tokenizer). Used when the server reports no usage;
   * called on the reasoning text and on the answer text separately, and the counts are added.
   */
  countTokens?: (text: string) => number;
  /** Keep the output text in the summary (`text`, `reasoningText`). @default {false} */
  keepText?: boolean;
  /**
   * Skip `JSON.parse` for events that repeat a learned shape with another text (./chunk_template.ts);
   * exact, with a fall back to `JSON.parse` whenever unsure. Off only to compare against.
   *
   * @default {true}
   */
  fastPath?: boolean;
}

/** Templates a reader may learn; bounds the cost when a server varies every event's bytes. */
const MAX_TEMPLATES = 6;

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * Reads the SSE events of a streamed OpenAI-compatible response (chat completions or completions) and
 * classifies it.
 *
 * Output-bearing events carry a non-empty `choices[].delta.content`, `delta.reasoning_content`,
 * `delta.reasoning`, `delta.tool_calls[].function.arguments` or (completions) `choices[].text`. A
 * role-only first chunk, empty strings, keep-alive comments and usage-only chunks (`choices: []`) do
 * not count. The last `usage` seen wins.
 *
 * Outcomes: an `error` object in an event, or an `event: error`, is a `stream_error`; invalid JSON
 * in a data event is a `protocol_error`; a stream ending with neither `[DONE]` nor any
 * `finish_reason` is `stream_truncated` (one with a `finish_reason` but no `[DONE]` is a success:
 * some servers omit `[DONE]`); one without any output is an `empty_response`. The first failure wins,
 * and events after it, or after `[DONE]`, are ignored. Events whose type is neither `message` nor
 * `error` are ignored.
 *
 * @example Usage
 * ```ts
 * import { OpenAIStreamReader } from "./openai.ts";
 * const reader = new OpenAIStreamReader();
 * const chunk = (delta: object) => JSON.stringify({ choices: [{ index: 0, delta }] });
 * reader.onEvent({ event: "message", data: chunk({ role: "assistant" }) }, 10);
 * reader.onEvent({ event: "message", data: chunk({ content: "Hi" }) }, 25);
 * reader.onEvent({ event: "message", data: chunk({ content: " there" }) }, 40);
 * reader.onEvent({ event: "message", data: "[DONE]" }, 41);
 * const summary = reader.finish(42);
 * console.log(summary.outcome, summary.firstOutputMs, summary.itlMs, summary.terminalMs);
 * // success 25 [ 15 ] 41
 * ```
 */
export class OpenAIStreamReader {
  readonly #countTokens?: (text: string) => number;
  readonly #keepText: boolean;
  readonly #collect: boolean;
  #done = false;
  #error: AttemptError | undefined = undefined;
  #events = 0;
  #outputEvents = 0;
  #firstOutputMs: number | undefined = undefined;
  #firstAnswerMs: number | undefined = undefined;
  #lastOutputMs: number | undefined = undefined;
  #itlMs: number[] = [];
  #doneMs: number | undefined = undefined;
  #finishedMs: number | undefined = undefined;
  #completionTokens: number | undefined = undefined;
  #promptTokens: number | undefined = undefined;
  #finishReason: string | undefined = undefined;
  #outputChars = 0;
  #answer = "";
  #reasoning = "";
  // Per-event scratch, set by #choice.
  #eventAnswer = false;
  #eventReasoning = false;
  #template: ChunkTemplate | undefined = undefined;
  #templatesLeft: number;

  /**
   * Creates a reader for one response.
   *
   * @param options Token counting and text keeping; see {@linkcode OpenAIReaderOptions}.
   */
  constructor(options: OpenAIReaderOptions = {}) {
    this.#countTokens = options.countTokens;
    this.#keepText = options.keepText ?? false;
    this.#collect = this.#keepText || this.#countTokens !== undefined;
    this.#templatesLeft = options.fastPath === false ? 0 : MAX_TEMPLATES;
  }

  /** True once `data: [DONE]` was seen: the caller may stop reading. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Takes one SSE event.
   *
   * @param event The event, as decoded.
   * @param tMs The time its bytes arrived, taken by the caller before parsing.
   */
  onEvent(event: SseEvent, tMs: number): void {
    if (this.#done || this.#error !== undefined) return;
    const type = event.event;
    const data = event.data;
    if (type === "error") {
      this.#fail("stream_error", `server error event: ${errorText(data)}`);
      return;
    }
    if (type !== "message") return;
    this.#events++;
    if (data === "[DONE]") {
      this.#done = true;
      this.#doneMs = tMs;
      return;
    }
    const template = this.#template;
    if (template !== undefined) {
      const text = matchTemplate(template, data);
      if (text !== undefined) {
        // The same object as the learned one but for this text: no usage, no finish reason.
        if (this.#finishReason !== undefined) this.#finishedMs = tMs;
        this.#eventAnswer = false;
        this.#eventReasoning = false;
        if (template.field === "content" || template.field === "text") this.#answerText(text);
        else this.#reasoningText(text);
        this.#countOutput(tMs);
        return;
      }
    }
    let body: Json;
    try {
      body = JSON.parse(data);
    } catch {
      this.#fail("protocol_error", `invalid JSON in stream event: ${excerpt(data)}`);
      return;
    }
    if (typeof body !== "object" || body === null) {
      this.#fail("protocol_error", `stream event is not a JSON object: ${excerpt(data)}`);
      return;
    }
    if (body.error != null || body.object === "error") {
      this.#fail("stream_error", `server error in stream: ${errorMessage(body.error ?? body)}`);
      return;
    }
    this.#usage(body.usage);
    if (this.#finishReason !== undefined) this.#finishedMs = tMs;
    const choices = body.choices;
    if (!Array.isArray(choices) || choices.length === 0) return;
    this.#eventAnswer = false;
    this.#eventReasoning = false;
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i];
      if (typeof choice !== "object" || choice === null) continue;
      const delta = choice.delta;
      if (typeof delta === "object" && delta !== null) {
        this.#reasoningText(delta.reasoning_content);
        this.#reasoningText(delta.reasoning);
        this.#answerText(delta.content);
        const calls = delta.tool_calls;
        if (Array.isArray(calls)) {
          for (let j = 0; j < calls.length; j++) this.#answerText(calls[j]?.function?.arguments);
        }
      }
      this.#answerText(choice.text);
      const reason = choice.finish_reason;
      if (typeof reason === "string") {
        this.#finishReason = reason;
        this.#finishedMs = tMs;
      }
    }
    this.#countOutput(tMs);
    if (this.#templatesLeft > 0) {
      const learned = learnTemplate(data, body);
      if (learned !== undefined) {
        this.#template = learned;
        this.#templatesLeft--;
      }
    }
  }

  /** Counts the event just read as output-bearing when it carried any text. */
  #countOutput(tMs: number): void {
    if (this.#eventAnswer || this.#eventReasoning) {
      this.#outputEvents++;
      if (this.#firstOutputMs === undefined) {
        this.#firstOutputMs = tMs;
      } else {
        this.#itlMs.push(tMs - this.#lastOutputMs!);
      }
      this.#lastOutputMs = tMs;
      if (this.#eventAnswer && this.#firstAnswerMs === undefined) this.#firstAnswerMs = tMs;
    }
  }

  /**
   * Ends the response and classifies it.
   *
   * @param tMs The time the body ended.
   * @returns The summary of the response.
   */
  finish(tMs: number): ResponseSummary {
    const terminalMs = this.#doneMs ?? this.#finishedMs;
    let error = this.#error;
    if (error === undefined) {
      if (terminalMs === undefined) {
        error = {
          kind: "stream_truncated",
          message:
            `stream ended without [DONE] or finish_reason after ${this.#events} data events ` +
            `(${this.#outputEvents} with output)`,
        };
      } else if (this.#outputEvents === 0) {
        error = {
          kind: "empty_response",
          message: `stream ended with no output (finish_reason ${
            JSON.stringify(this.#finishReason ?? null)
          }, ${this.#events} data events)`,
        };
      }
    }
    const collect = this.#collect;
    return buildSummary(
      {
        error,
        firstOutputMs: this.#firstOutputMs,
        firstAnswerMs: this.#firstAnswerMs,
        lastOutputMs: this.#lastOutputMs,
        itlMs: this.#itlMs,
        terminalMs: error === undefined ? terminalMs : undefined,
        endMs: tMs,
        outputEvents: this.#outputEvents,
        completionTokens: this.#completionTokens,
        promptTokens: this.#promptTokens,
        finishReason: this.#finishReason,
        outputChars: this.#outputChars,
        answer: collect ? this.#answer : "",
        reasoning: collect ? this.#reasoning : "",
      },
      this.#countTokens,
      this.#keepText,
    );
  }

  #fail(kind: AttemptError["kind"], message: string): void {
    this.#error = { kind, message: excerpt(message) };
  }

  #usage(usage: Json): void {
    if (typeof usage !== "object" || usage === null) return;
    const completion = usage.completion_tokens;
    if (typeof completion === "number") this.#completionTokens = completion;
    const prompt = usage.prompt_tokens;
    if (typeof prompt === "number") this.#promptTokens = prompt;
  }

  #answerText(value: Json): void {
    if (typeof value !== "string" || value.length === 0) return;
    this.#eventAnswer = true;
    this.#outputChars += value.length;
    if (this.#collect) this.#answer += value;
  }

  #reasoningText(value: Json): void {
    if (typeof value !== "string" || value.length === 0) return;
    this.#eventReasoning = true;
    this.#outputChars += value.length;
    if (this.#collect) this.#reasoning += value;
  }
}

/**
 * Summarizes a complete non-streamed JSON body (chat completions or completions), received at `tMs`.
 * Output comes from `choices[].message.content`, `reasoning_content`, `reasoning` and
 * `tool_calls[].function.arguments`, or `choices[].text`. An `error` object (even in a 200 body) is a
 * `stream_error`; invalid JSON is a `protocol_error`; no output is an `empty_response`. The output
 * times and the terminal time all equal `tMs`, and `itlMs` is empty.
 *
 * @example Usage
 * ```ts
 * import { summarizeJsonBody } from "./openai.ts";
 * const body = JSON.stringify({
 *   choices: [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }],
 *   usage: { prompt_tokens: 5, completion_tokens: 2 },
 * });
 * const summary = summarizeJsonBody(body, 120);
 * console.log(summary.outcome, summary.outputTokens, summary.outputTokensSource, summary.terminalMs);
 * // success 2 usage 120
 * ```
 *
 * @param text The body text.
 * @param tMs When the body was complete.
 * @param options Token counting and text keeping; see {@linkcode OpenAIReaderOptions}.
 * @returns The summary of the response.
 */
export function summarizeJsonBody(
  text: string,
  tMs: number,
  options: OpenAIReaderOptions = {},
): ResponseSummary {
  const keepText = options.keepText ?? false;
  const fail = (kind: AttemptError["kind"], message: string) =>
    buildSummary(
      { ...EMPTY_PARTS, error: { kind, message: excerpt(message) }, itlMs: [], endMs: tMs },
      options.countTokens,
      false,
    );
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    return fail("protocol_error", `invalid JSON body: ${excerpt(text)}`);
  }
  if (typeof body !== "object" || body === null) {
    return fail("protocol_error", `JSON body is not an object: ${excerpt(text)}`);
  }
  if (body.error != null || body.object === "error") {
    return fail("stream_error", `server error in body: ${errorMessage(body.error ?? body)}`);
  }
  let answer = "";
  let reasoning = "";
  let finishReason: string | undefined;
  const choices = body.choices;
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      if (typeof choice !== "object" || choice === null) continue;
      const message = choice.message;
      if (typeof message === "object" && message !== null) {
        reasoning += stringOr(message.reasoning_content) + stringOr(message.reasoning);
        answer += stringOr(message.content);
        if (Array.isArray(message.tool_calls)) {
          for (const call of message.tool_calls) answer += stringOr(call?.function?.arguments);
        }
      }
      answer += stringOr(choice.text);
      if (typeof choice.finish_reason === "string") finishReason = choice.finish_reason;
    }
  }
  const usage = body.usage;
  const completion = typeof usage?.completion_tokens === "number"
    ? usage.completion_tokens as number
    : undefined;
  const prompt = typeof usage?.prompt_tokens === "number"
    ? usage.prompt_tokens as number
    : undefined;
  const outputChars = answer.length + reasoning.length;
  const hasOutput = outputChars > 0;
  const error: AttemptError | undefined = hasOutput ? undefined : {
    kind: "empty_response",
    message: `JSON body has no output (finish_reason ${JSON.stringify(finishReason ?? null)})`,
  };
  const outputMs = hasOutput ? tMs : undefined;
  return buildSummary(
    {
      error,
      firstOutputMs: outputMs,
      firstAnswerMs: answer.length > 0 ? tMs : undefined,
      lastOutputMs: outputMs,
      itlMs: [],
      terminalMs: outputMs,
      endMs: tMs,
      outputEvents: hasOutput ? 1 : 0,
      completionTokens: completion,
      promptTokens: prompt,
      finishReason,
      outputChars,
      answer,
      reasoning,
    },
    options.countTokens,
    keepText,
  );
}

/** What a response was made of, before token counting. */
interface SummaryParts {
  error: AttemptError | undefined;
  firstOutputMs: number | undefined;
  firstAnswerMs: number | undefined;
  lastOutputMs: number | undefined;
  itlMs: number[];
  terminalMs: number | undefined;
  endMs: number;
  outputEvents: number;
  completionTokens: number | undefined;
  promptTokens: number | undefined;
  finishReason: string | undefined;
  outputChars: number;
  answer: string;
  reasoning: string;
}

const EMPTY_PARTS = {
  firstOutputMs: undefined,
  firstAnswerMs: undefined,
  lastOutputMs: undefined,
  terminalMs: undefined,
  outputEvents: 0,
  completionTokens: undefined,
  promptTokens: undefined,
  finishReason: undefined,
  outputChars: 0,
  answer: "",
  reasoning: "",
} as const;

function buildSummary(
  parts: SummaryParts,
  countTokens: ((text: string) => number) | undefined,
  keepText: boolean,
): ResponseSummary {
  const { error, completionTokens, answer, reasoning } = parts;
  let outputTokens: number;
  let outputTokensSource: TokenSource;
  if (completionTokens !== undefined) {
    outputTokens = completionTokens;
    outputTokensSource = "usage";
  } else if (countTokens !== undefined) {
    outputTokens = (reasoning.length > 0 ? countTokens(reasoning) : 0) +
      (answer.length > 0 ? countTokens(answer) : 0);
    outputTokensSource = "tokenizer";
  } else {
    outputTokens = parts.outputEvents;
    outputTokensSource = "chunks";
  }
  const summary: ResponseSummary = {
    outcome: error === undefined ? "success" : error.kind,
    firstOutputMs: parts.firstOutputMs,
    firstAnswerMs: parts.firstAnswerMs,
    lastOutputMs: parts.lastOutputMs,
    itlMs: parts.itlMs,
    terminalMs: parts.terminalMs,
    endMs: parts.endMs,
    outputTokens,
    outputTokensSource,
    outputChars: parts.outputChars,
  };
  if (error !== undefined) summary.error = error;
  if (parts.promptTokens !== undefined) summary.promptTokens = parts.promptTokens;
  if (parts.finishReason !== undefined) summary.finishReason = parts.finishReason;
  if (keepText) {
    summary.text = answer;
    summary.reasoningText = reasoning;
  }
  return summary;
}

function stringOr(value: Json): string {
  return typeof value === "string" ? value : "";
}

/** The server's error message (`error.message`, or the error itself when a string), as an excerpt. */
function errorMessage(error: Json): string {
  if (typeof error === "string") return excerpt(error);
  if (typeof error === "object" && error !== null && typeof error.message === "string") {
    return excerpt(error.message);
  }
  return excerpt(JSON.stringify(error));
}

/** The message of an `event: error` payload: JSON with an error/message, or the raw text. */
function errorText(data: string): string {
  try {
    const body = JSON.parse(data);
    if (typeof body === "object" && body !== null) {
      return errorMessage(body.error ?? body);
    }
  } catch {
    // not JSON: the raw text is the message
  }
  return excerpt(data);
}

/** At most {@linkcode MAX_EXCERPT_CHARS} characters, with an ellipsis when cut. */
function excerpt(text: string): string {
  return text.length <= MAX_EXCERPT_CHARS ? text : text.slice(0, MAX_EXCERPT_CHARS - 1) + "…";
}
