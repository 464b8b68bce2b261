/**
 * Reads the parts of an OpenAI-style request body that shape the simulated answer.
 *
 * @module
 */

/** Which OpenAI endpoint a request targets. */
export type Endpoint = "chat" | "completions";

/** What the simulator needs to know about a valid generation request. */
export interface GenerationRequest {
  /** `chat` for `/v1/chat/completions`, `completions` for `/v1/completions`. */
  endpoint: Endpoint;
  /** The requested model, echoed back (`"simulator"` when absent). */
  model: string;
  /** True when the request asked for server-sent events. */
  stream: boolean;
  /** True when `stream_options.include_usage` asked for a final usage chunk. */
  includeUsage: boolean;
  /** Output tokens to emit. */
  outputTokens: number;
  /** `length` when a max-token field set the count, `stop` when the default length was used. */
  finishReason: "length" | "stop";
  /** Whitespace-separated words of the prompt (at least 1). */
  promptTokens: number;
}

/** The outcome of {@linkcode parseGenerationRequest}: the request, or why it is invalid. */
export type ParseResult =
  | { ok: true; request: GenerationRequest }
  | { ok: false; message: string; param: string | null };

const MAX_TOKEN_FIELDS = ["max_completion_tokens", "max_tokens", "max_new_tokens"] as const;

/**
 * Validates a parsed request body and extracts what shapes the answer. Output length is
 * `max_completion_tokens ?? max_tokens ?? max_new_tokens ?? defaultOutputTokens`.
 *
 * @example Usage
 * ```ts
 * import { parseGenerationRequest } from "./generation_request.ts";
 * const r = parseGenerationRequest("completions", { prompt: "a b c", max_tokens: 4 }, 16);
 * if (r.ok) console.log(r.request.outputTokens, r.request.promptTokens); // 4 3
 * ```
 *
 * @param endpoint The endpoint the request was sent to.
 * @param body The parsed JSON body.
 * @param defaultOutputTokens Output length when the body sets none.
 * @returns The request, or an error message and the offending parameter.
 */
export function parseGenerationRequest(
  endpoint: Endpoint,
  body: unknown,
  defaultOutputTokens: number,
): ParseResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return invalid(
      `Cannot read request as the body must be a JSON object: current value is ${show(body)}`,
      null,
    );
  }
  const b = body as Record<string, unknown>;
  let promptTokens: number;
  if (endpoint === "chat") {
    if (!Array.isArray(b.messages) || b.messages.length === 0) {
      return invalid(
        `Cannot read request as 'messages' must be a non-empty array: current value is ${
          show(b.messages)
        }`,
        "messages",
      );
    }
    promptTokens = b.messages.reduce((sum: number, m) => sum + countMessage(m), 0);
  } else {
    if (b.prompt === undefined || b.prompt === null) {
      return invalid(
        `Cannot read request as 'prompt' is required: current value is ${show(b.prompt)}`,
        "prompt",
      );
    }
    promptTokens = countPrompt(b.prompt);
  }
  let outputTokens = defaultOutputTokens;
  let finishReason: "length" | "stop" = "stop";
  for (const field of MAX_TOKEN_FIELDS) {
    const value = b[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      return invalid(
        `Cannot read request as '${field}' must be a non-negative integer: current value is ${
          show(value)
        }`,
        field,
      );
    }
    outputTokens = value;
    finishReason = "length";
    break;
  }
  const options = b.stream_options as Record<string, unknown> | undefined | null;
  return {
    ok: true,
    request: {
      endpoint,
      model: typeof b.model === "string" ? b.model : "simulator",
      stream: b.stream === true,
      includeUsage: b.stream === true && options?.include_usage === true,
      outputTokens,
      finishReason,
      promptTokens: Math.max(1, promptTokens),
    },
  };
}

function invalid(message: string, param: string | null): ParseResult {
  return { ok: false, message, param };
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}

function countMessage(message: unknown): number {
  const content = (message as { content?: unknown } | null)?.content;
  if (typeof content === "string") return countWords(content);
  if (!Array.isArray(content)) return 0;
  return content.reduce(
    (sum: number, part) => sum + (typeof part?.text === "string" ? countWords(part.text) : 0),
    0,
  );
}

function countPrompt(prompt: unknown): number {
  if (typeof prompt === "string") return countWords(prompt);
  if (!Array.isArray(prompt)) return 0;
  return prompt.reduce((sum: number, p) => {
    if (typeof p === "string") return sum + countWords(p);
    if (typeof p === "number") return sum + 1;
    if (Array.isArray(p)) return sum + p.length;
    return sum;
  }, 0);
}

function show(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
