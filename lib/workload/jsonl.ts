/**
 * JSONL prompts, streamed line by line (never read whole), each line checked with its file:line.
 * Stands in for `@std/jsonl`'s `JsonParseStream`.
 *
 * @module
 */
import type { JsonBody } from "../config.ts";
import { InputError } from "../errors.ts";
import { readLines } from "../lines.ts";
import { chatBody, type ChatMessage } from "./body.ts";

/** One line of a JSONL file, parsed. */
export interface JsonlLine {
  /** 1-based line number. */
  line: number;
  /** The parsed value. */
  value: unknown;
}

/**
 * Reads JSON Lines from a byte stream: a BOM, CRLF line ends and blank lines are fine; invalid JSON throws
 * an {@linkcode InputError} naming `file:line`.
 *
 * @example Usage
 * ```ts
 * import { readJsonl } from "./jsonl.ts";
 * const bytes = new TextEncoder().encode('{"a":1}\r\n\r\n{"a":2}');
 * for await (const { line, value } of readJsonl(new Blob([bytes]).stream(), "x.jsonl")) {
 *   console.log(line, value); // 1 { a: 1 }, then 3 { a: 2 }
 * }
 * ```
 *
 * @param stream The file's bytes.
 * @param file The file's name, for messages.
 * @returns The parsed lines, in order.
 */
export async function* readJsonl(
  stream: ReadableStream<Uint8Array>,
  file: string,
): AsyncGenerator<JsonlLine> {
  for await (const { text, line: lineNo } of readLines(stream, file)) {
    const trimmed = text.trim();
    if (trimmed === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      throw new InputError(file, lineNo, `is not valid JSON (${(e as Error).message})`);
    }
    yield { line: lineNo, value };
  }
}

/**
 * Turns one JSONL record into a chat request body. Accepted shapes: `{"text": "..."}`,
 * `{"text": [{"role", "content"}, ...]}`, `{"messages": [...]}`, and OpenAI batch lines
 * `{"body": {"messages": [...], ...}}`. A record's own `model` wins over `model`.
 *
 * @example Usage
 * ```ts
 * import { promptBody } from "./jsonl.ts";
 * console.log(JSON.stringify(promptBody({ text: "Hi" }, "m", "p.jsonl", 1)));
 * // {"model":"m","messages":[{"role":"user","content":"Hi"}]}
 * ```
 *
 * @param value The parsed line.
 * @param model The default model.
 * @param file File name, for messages.
 * @param line Line number, for messages.
 * @returns The request body.
 * @throws {InputError} When the record has no usable prompt.
 */
export function promptBody(value: unknown, model: string, file: string, line: number): JsonBody {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(file, line, 'must be a JSON object with a "text" field');
  }
  const rec = value as Record<string, unknown>;
  const batch = rec.body && typeof rec.body === "object" && !Array.isArray(rec.body)
    ? rec.body as Record<string, unknown>
    : undefined;
  const ownModel = rec.model ?? batch?.model;
  if (ownModel !== undefined && (typeof ownModel !== "string" || ownModel === "")) {
    throw new InputError(file, line, `has a "model" that is not a non-empty string`);
  }
  const useModel = (ownModel as string | undefined) ?? model;
  if (batch && "messages" in batch) {
    checkMessages(batch.messages, file, line, "body.messages");
    return { ...batch, model: useModel };
  }
  if ("text" in rec) {
    if (typeof rec.text === "string") {
      if (rec.text === "") throw new InputError(file, line, `has an empty "text"`);
      return chatBody(rec.text, useModel);
    }
    checkMessages(rec.text, file, line, "text");
    return chatBody(rec.text as ChatMessage[], useModel);
  }
  if ("messages" in rec) {
    checkMessages(rec.messages, file, line, "messages");
    return chatBody(rec.messages as ChatMessage[], useModel);
  }
  throw new InputError(file, line, `has no "text" field (nor "messages", nor a batch "body")`);
}

function checkMessages(value: unknown, file: string, line: number, field: string): void {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InputError(
      file,
      line,
      `has a "${field}" that is neither a string nor a non-empty array of {role, content} messages`,
    );
  }
  value.forEach((m, i) => {
    if (!m || typeof m !== "object" || typeof m.role !== "string" || !("content" in m)) {
      throw new InputError(
        file,
        line,
        `has "${field}[${i}]" without a string "role" and a "content"`,
      );
    }
  });
}

/**
 * Reads request bodies from a JSONL stream, validating every line before returning (so a bad line stops
 * the run before the first request).
 *
 * @example Usage
 * ```ts
 * import { loadPromptBodies } from "./jsonl.ts";
 * const bytes = new TextEncoder().encode('{"text":"a"}\n{"text":"b","model":"x"}\n');
 * const bodies = await loadPromptBodies(new Blob([bytes]).stream(), "p.jsonl", "m");
 * console.log(bodies.length, bodies[1].model); // 2 x
 * ```
 *
 * @param stream The file's bytes.
 * @param file The file name, for messages.
 * @param model The default model.
 * @returns One body per record, in file order.
 * @throws {InputError} On the first bad line, or when the file holds no record.
 */
export async function loadPromptBodies(
  stream: ReadableStream<Uint8Array>,
  file: string,
  model: string,
): Promise<JsonBody[]> {
  const bodies: JsonBody[] = [];
  for await (const { line, value } of readJsonl(stream, file)) {
    bodies.push(promptBody(value, model, file, line));
  }
  if (bodies.length === 0) throw new InputError(file, 0, "holds no records (every line is blank)");
  return bodies;
}
