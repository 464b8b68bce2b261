/**
 * Request bodies: from a prompt to the JSON sent, and output-length control.
 *
 * @module
 */
import type { JsonBody, OutputLength } from "../config.ts";
import { randomInt } from "../random.ts";

/** A chat message. */
export interface ChatMessage {
  /** "system", "user", "assistant", ... */
  role: string;
  /** The message text. */
  content: unknown;
}

/**
 * Builds a chat-completions body from a prompt (a string, or an array of messages).
 *
 * @example Usage
 * ```ts
 * import { chatBody } from "./body.ts";
 * console.log(JSON.stringify(chatBody("Hi", "m")));
 * // {"model":"m","messages":[{"role":"user","content":"Hi"}]}
 * ```
 *
 * @param prompt The user prompt, or the whole message list.
 * @param model Model name.
 * @returns The body.
 */
export function chatBody(prompt: string | ChatMessage[], model: string): JsonBody {
  const messages = typeof prompt === "string" ? [{ role: "user", content: prompt }] : prompt;
  return { model, messages };
}

/**
 * Turns streaming on (with usage in the final chunk) or off in a body.
 *
 * @example Usage
 * ```ts
 * import { withStreaming } from "./body.ts";
 * console.log(JSON.stringify(withStreaming({ model: "m" }, true)));
 * // {"model":"m","stream":true,"stream_options":{"include_usage":true}}
 * ```
 *
 * @param body The body (not modified).
 * @param stream True to stream.
 * @returns A new body.
 */
export function withStreaming(body: JsonBody, stream: boolean): JsonBody {
  if (!stream) {
    const { stream_options: _, ...rest } = body;
    return { ...rest, stream: false };
  }
  const options = (body.stream_options ?? {}) as Record<string, unknown>;
  return { ...body, stream: true, stream_options: { ...options, include_usage: true } };
}

/**
 * Draws one request's output length: `tokens` plus a uniform variation in `[-vary, +vary]`, at least 1.
 *
 * @example Usage
 * ```ts
 * import { drawOutputTokens } from "./body.ts";
 * console.log(drawOutputTokens({ tokens: 10, vary: 0, seed: 0 }, Math.random)); // 10
 * ```
 *
 * @param length The configured output length.
 * @param random Uniform source in [0, 1).
 * @returns Output tokens for one request.
 */
export function drawOutputTokens(length: OutputLength, random: () => number): number {
  if (length.vary === 0) return length.tokens;
  return Math.max(1, randomInt(random, length.tokens - length.vary, length.tokens + length.vary));
}

/**
 * Sets the output length fields the seed defines: `max_completion_tokens` and `nvext.ignore_eos: true`
 * (what Dynamo and TensorRT-LLM honour).
 *
 * @example Usage
 * ```ts
 * import { applyOutputTokens } from "./body.ts";
 * console.log(JSON.stringify(applyOutputTokens({ model: "m" }, 5)));
 * // {"model":"m","max_completion_tokens":5,"nvext":{"ignore_eos":true}}
 * ```
 *
 * @param body The body (not modified).
 * @param tokens Output tokens.
 * @returns A new body.
 */
export function applyOutputTokens(body: JsonBody, tokens: number): JsonBody {
  const nvext = (body.nvext ?? {}) as Record<string, unknown>;
  return { ...body, max_completion_tokens: tokens, nvext: { ...nvext, ignore_eos: true } };
}

/**
 * Converts a chat body to a legacy completions body (`prompt` instead of `messages`), for `/v1/completions`
 * endpoints: the message contents are joined with newlines.
 *
 * @example Usage
 * ```ts
 * import { toCompletionsBody } from "./body.ts";
 * const body = toCompletionsBody({ model: "m", messages: [{ role: "user", content: "Hi" }] });
 * console.log(JSON.stringify(body)); // {"model":"m","prompt":"Hi"}
 * ```
 *
 * @param body A chat body.
 * @returns A completions body.
 */
export function toCompletionsBody(body: JsonBody): JsonBody {
  const { messages, ...rest } = body;
  if (!Array.isArray(messages)) return body;
  const prompt = (messages as ChatMessage[])
    .map((m) => typeof m.content === "string" ? m.content : JSON.stringify(m.content))
    .join("\n");
  return { ...rest, prompt };
}

/**
 * True when a URL is a legacy completions endpoint (`.../completions` but not `.../chat/completions`).
 *
 * @example Usage
 * ```ts
 * import { isCompletionsEndpoint } from "./body.ts";
 * console.log(isCompletionsEndpoint(new URL("http://h/v1/completions"))); // true
 * console.log(isCompletionsEndpoint(new URL("http://h/v1/chat/completions"))); // false
 * ```
 *
 * @param url The endpoint.
 * @returns True for completions endpoints.
 */
export function isCompletionsEndpoint(url: URL): boolean {
  const path = url.pathname.replace(/\/+$/, "");
  return path.endsWith("/completions") && !path.endsWith("/chat/completions");
}
