/**
 * The JSON shapes of OpenAI responses (streamed chunks, completions, usage, errors), as the
 * simulator writes them.
 *
 * @module
 */

import type { Endpoint } from "./generation_request.ts";

/** Identity of one simulated response, shared by all its chunks. */
export interface ResponseIdentity {
  /** Which endpoint is answering. */
  endpoint: Endpoint;
  /** The response id, e.g. `chatcmpl-sim-3`. */
  id: string;
  /** Unix time in seconds. */
  created: number;
  /** The model name echoed back. */
  model: string;
  /** When true, every streamed choice chunk carries `usage: null` (as OpenAI does). */
  includeUsage: boolean;
  /** Prompt tokens reported in usage. */
  promptTokens: number;
  /** How many leading output tokens are reasoning (chat only; 0 otherwise). */
  reasoningTokens: number;
}

/**
 * The text of output token `index`: reasoning tokens read `think0 `, `think1 `...; answer tokens
 * read `tok0 `, `tok1 `... (numbered from the first answer token).
 *
 * @example Usage
 * ```ts
 * import { tokenText } from "./openai_shapes.ts";
 * console.log(tokenText(0, 2), tokenText(2, 2)); // "think0 " "tok0 "
 * ```
 *
 * @param index 0-based index among all output tokens.
 * @param reasoningTokens How many leading tokens are reasoning.
 * @returns The token's text.
 */
export function tokenText(index: number, reasoningTokens: number): string {
  return index < reasoningTokens ? `think${index} ` : `tok${index - reasoningTokens} `;
}

/**
 * Builds the output text of tokens `[first, first + count)`, split into reasoning and answer.
 *
 * @param first Index of the first token.
 * @param count Number of tokens.
 * @param reasoningTokens How many leading tokens are reasoning.
 * @returns The reasoning text and the answer text (either may be empty).
 */
export function outputText(
  first: number,
  count: number,
  reasoningTokens: number,
): { reasoning: string; answer: string } {
  let reasoning = "";
  let answer = "";
  for (let i = first; i < first + count; i++) {
    if (i < reasoningTokens) reasoning += tokenText(i, reasoningTokens);
    else answer += tokenText(i, reasoningTokens);
  }
  return { reasoning, answer };
}

/**
 * Encodes one server-sent event carrying JSON.
 *
 * @example Usage
 * ```ts
 * import { sseData } from "./openai_shapes.ts";
 * console.log(JSON.stringify(sseData({ a: 1 }))); // "data: {\"a\":1}\n\n"
 * ```
 *
 * @param value The JSON value.
 * @returns `data: <json>\n\n`.
 */
export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** The terminal server-sent event. */
export const SSE_DONE = "data: [DONE]\n\n";

/**
 * An OpenAI-style error body: `{"error": {message, type, param, code}}`.
 *
 * @param message Human-readable message.
 * @param type Error type, e.g. `invalid_request_error`.
 * @param code Numeric or string code (the HTTP status here).
 * @param param The offending parameter, if any.
 * @returns The error object.
 */
export function errorBody(
  message: string,
  type: string,
  code: number | string | null,
  param: string | null = null,
): {
  error: { message: string; type: string; param: string | null; code: number | string | null };
} {
  return { error: { message, type, param, code } };
}

/**
 * The `usage` object of a response.
 *
 * @param id The response identity.
 * @param completionTokens Output tokens emitted.
 * @returns `{prompt_tokens, completion_tokens, total_tokens}` (plus reasoning details when any).
 */
export function usage(id: ResponseIdentity, completionTokens: number): Record<string, unknown> {
  const u: Record<string, unknown> = {
    prompt_tokens: id.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: id.promptTokens + completionTokens,
  };
  if (id.reasoningTokens > 0) {
    u.completion_tokens_details = {
      reasoning_tokens: Math.min(id.reasoningTokens, completionTokens),
    };
  }
  return u;
}

function chunk(id: ResponseIdentity, choices: unknown[]): Record<string, unknown> {
  const c: Record<string, unknown> = {
    id: id.id,
    object: id.endpoint === "chat" ? "chat.completion.chunk" : "text_completion",
    created: id.created,
    model: id.model,
    choices,
  };
  if (id.includeUsage) c.usage = null;
  return c;
}

/**
 * The first chat chunk: `delta: {role: "assistant"}`, no content.
 *
 * @param id The response identity.
 * @returns The chunk object.
 */
export function roleChunk(id: ResponseIdentity): Record<string, unknown> {
  return chunk(id, [{
    index: 0,
    delta: { role: "assistant" },
    logprobs: null,
    finish_reason: null,
  }]);
}

/**
 * A chunk carrying output tokens `[first, first + count)` (`delta.content` /
 * `delta.reasoning_content` for chat, `text` for completions).
 *
 * @param id The response identity.
 * @param first Index of the first token.
 * @param count Number of tokens.
 * @param padding Extra characters appended to the text (to build huge events).
 * @returns The chunk object.
 */
export function tokenChunk(
  id: ResponseIdentity,
  first: number,
  count: number,
  padding = "",
): Record<string, unknown> {
  const { reasoning, answer } = outputText(first, count, id.reasoningTokens);
  if (id.endpoint === "completions") {
    return chunk(id, [{
      index: 0,
      text: reasoning + answer + padding,
      logprobs: null,
      finish_reason: null,
    }]);
  }
  const delta: Record<string, string> = {};
  if (reasoning) delta.reasoning_content = reasoning + (answer ? "" : padding);
  if (answer || !reasoning) delta.content = answer + padding;
  return chunk(id, [{ index: 0, delta, logprobs: null, finish_reason: null }]);
}

/**
 * The last choice chunk: empty delta (or empty text) and the finish reason.
 *
 * @param id The response identity.
 * @param finishReason `length` or `stop`.
 * @returns The chunk object.
 */
export function finishChunk(id: ResponseIdentity, finishReason: string): Record<string, unknown> {
  const choice = id.endpoint === "chat"
    ? { index: 0, delta: {}, logprobs: null, finish_reason: finishReason }
    : { index: 0, text: "", logprobs: null, finish_reason: finishReason };
  return chunk(id, [choice]);
}

/**
 * The usage chunk sent after the finish chunk when `stream_options.include_usage` is set:
 * `choices: []` and `usage`.
 *
 * @param id The response identity.
 * @param completionTokens Output tokens emitted.
 * @returns The chunk object.
 */
export function usageChunk(
  id: ResponseIdentity,
  completionTokens: number,
): Record<string, unknown> {
  return { ...chunk(id, []), usage: usage(id, completionTokens) };
}

/**
 * A complete, non-streamed answer with `usage`.
 *
 * @param id The response identity.
 * @param completionTokens Output tokens emitted.
 * @param finishReason `length` or `stop`.
 * @param padding Extra characters appended to the text (to build huge bodies).
 * @returns The completion object.
 */
export function completionBody(
  id: ResponseIdentity,
  completionTokens: number,
  finishReason: string,
  padding = "",
): Record<string, unknown> {
  const { reasoning, answer } = outputText(0, completionTokens, id.reasoningTokens);
  const choice = id.endpoint === "chat"
    ? {
      index: 0,
      message: {
        role: "assistant",
        content: answer + padding,
        ...(reasoning ? { reasoning_content: reasoning } : {}),
      },
      logprobs: null,
      finish_reason: finishReason,
    }
    : { index: 0, text: reasoning + answer + padding, logprobs: null, finish_reason: finishReason };
  return {
    id: id.id,
    object: id.endpoint === "chat" ? "chat.completion" : "text_completion",
    created: id.created,
    model: id.model,
    choices: [choice],
    usage: usage(id, completionTokens),
  };
}
