/**
 * The fast path of {@linkcode OpenAIStreamReader}: most events of a stream are byte-for-byte the same
 * JSON except for the text of one output field (`{"id":"…","choices":[{"index":0,"delta":{"content":
 * "<text>"},…}]}`). After a full `JSON.parse`, a {@linkcode ChunkTemplate} is learned from the event:
 * the raw text before and after that field's string. A later event that starts with the same prefix,
 * ends with the same suffix and has a valid JSON string body in between is that same object with
 * another text: no `JSON.parse` needed (an event costs a prefix and a suffix comparison plus a scan of
 * the text).
 *
 * It is exact, never approximate: a template is only learned when re-parsing the event with a
 * different text proves the located string is the field at that path, and anything the scan is not
 * sure of (an unescaped quote, a control character, a dangling backslash) falls back to `JSON.parse`.
 * Escaped texts are unescaped with `JSON.parse` of the string alone.
 *
 * @module
 */

/** Where the variable text sits in a learned event. */
export interface ChunkTemplate {
  /** Raw event text up to and including the opening quote of the field's string. */
  prefix: string;
  /** Raw event text from the closing quote of the field's string to the end. */
  suffix: string;
  /** The field: `content`, `reasoning_content` or `reasoning` (in `delta`), or `text`. */
  field: OutputField;
}

/** The output fields a template can carry. */
export type OutputField = "content" | "reasoning_content" | "reasoning" | "text";

const DELTA_FIELDS = ["content", "reasoning_content", "reasoning"] as const;

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * The text of `data` when it matches the template, or undefined (then parse it in full).
 *
 * @example Usage
 * ```ts
 * import { learnTemplate, matchTemplate } from "./chunk_template.ts";
 * const event = (text: string) => `{"id":"c1","choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}}}]}`;
 * const first = event("Hello");
 * const template = learnTemplate(first, JSON.parse(first))!;
 * console.log(matchTemplate(template, event(" world"))); // " world"
 * console.log(matchTemplate(template, event('say "hi"\n'))); // 'say "hi"\n'
 * console.log(matchTemplate(template, `{"id":"c2"}`)); // undefined
 * ```
 *
 * @param template A learned template.
 * @param data The event's data.
 * @returns The field's text, or undefined when `data` does not (surely) match.
 */
export function matchTemplate(template: ChunkTemplate, data: string): string | undefined {
  const { prefix, suffix } = template;
  const from = prefix.length;
  const to = data.length - suffix.length;
  // slice + === is several times faster than startsWith/endsWith in V8 for strings this long.
  if (to < from || data.slice(0, from) !== prefix || data.slice(to) !== suffix) return undefined;
  let escaped = false;
  for (let i = from; i < to; i++) {
    const c = data.charCodeAt(i);
    if (c === 92) { // backslash: skip the escaped character (must be inside the string)
      if (++i >= to) return undefined;
      escaped = true;
    } else if (c === 34 || c < 32) return undefined;
  }
  const raw = data.slice(from, to);
  if (!escaped) return raw;
  try {
    return JSON.parse(`"${raw}"`);
  } catch {
    return undefined;
  }
}

/**
 * Learns a template from an event that was parsed in full, when the event has the shape a template
 * stands for: no `error`, no `usage` (or `usage: null`), exactly one choice, no finish reason, no role,
 * no tool calls, and exactly one output field holding a string.
 *
 * @param data The event's raw data.
 * @param body `JSON.parse(data)`.
 * @returns The template, or undefined when the event does not qualify.
 */
export function learnTemplate(data: string, body: Json): ChunkTemplate | undefined {
  if (body.error != null || body.usage != null || body.object === "error") return undefined;
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length !== 1) return undefined;
  const choice = choices[0];
  if (typeof choice !== "object" || choice === null || choice.finish_reason != null) {
    return undefined;
  }
  let field: OutputField | undefined;
  const delta = choice.delta;
  if (delta != null) {
    if (typeof delta !== "object" || delta.role !== undefined || delta.tool_calls !== undefined) {
      return undefined;
    }
    for (const name of DELTA_FIELDS) {
      if (delta[name] == null) continue;
      if (field !== undefined || typeof delta[name] !== "string") return undefined;
      field = name;
    }
  }
  if (choice.text != null) {
    if (field !== undefined || typeof choice.text !== "string") return undefined;
    field = "text";
  }
  if (field === undefined) return undefined;
  const value: string = field === "text" ? choice.text : delta[field];
  const span = locateString(data, `"${field}"`);
  if (!span) return undefined;
  const template: ChunkTemplate = {
    prefix: data.slice(0, span[0]),
    suffix: data.slice(span[1]),
    field,
  };
  // Proof that the located string is the field: the same text with another value must parse to it.
  const marker = value === "x" ? "y" : "x";
  try {
    const probe = JSON.parse(template.prefix + marker + template.suffix);
    const c = probe?.choices?.[0];
    const got = field === "text" ? c?.text : c?.delta?.[field];
    return got === marker ? template : undefined;
  } catch {
    return undefined;
  }
}

/** The string value of the last `key` in `data`: [first char of its body, its closing quote]. */
function locateString(data: string, key: string): [number, number] | undefined {
  let i = data.lastIndexOf(key);
  if (i < 0) return undefined;
  i += key.length;
  while (isSpace(data.charCodeAt(i))) i++;
  if (data.charCodeAt(i++) !== 58) return undefined; // ':'
  while (isSpace(data.charCodeAt(i))) i++;
  if (data.charCodeAt(i++) !== 34) return undefined; // '"'
  const start = i;
  for (; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return [start, i];
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
