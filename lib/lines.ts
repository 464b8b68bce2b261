/**
 * Text lines from a byte stream, decoded as UTF-8 as they arrive (never read whole): the one line
 * reader behind JSONL prompts and request logs.
 *
 * @module
 */
import { InputError } from "./errors.ts";

/** One line of text. */
export interface TextLine {
  /** The line, without its line end (LF or CRLF) and, on line 1, without a BOM. */
  text: string;
  /** 1-based line number. */
  line: number;
  /** True for a last line that had no line end (possibly cut short). */
  last: boolean;
}

/**
 * Yields the lines of a UTF-8 byte stream. A read error or invalid UTF-8 is an
 * {@linkcode InputError} naming the file,
 * except a character cut at the very end when `tolerateCutEnd` is set (a log written while a process
 * died): that last line then ends in U+FFFD.
 *
 * @example Usage
 * ```ts
 * import { readLines } from "./lines.ts";
 * const bytes = new TextEncoder().encode("\uFEFFa\r\nb");
 * for await (const l of readLines(new Blob([bytes]).stream(), "f.txt")) console.log(l);
 * // { text: "a", line: 1, last: false }, then { text: "b", line: 2, last: true }
 * ```
 *
 * @param stream The bytes.
 * @param file The file's name, for messages.
 * @param options `tolerateCutEnd`: accept a character cut at the end.
 * @returns The lines, in order.
 * @throws {InputError} On invalid UTF-8.
 */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  file: string,
  options: { tolerateCutEnd?: boolean } = {},
): AsyncGenerator<TextLine> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pending = "";
  let line = 0;
  const clean = (text: string) => {
    const t = text.endsWith("\r") ? text.slice(0, -1) : text;
    return line === 1 && t.startsWith("\uFEFF") ? t.slice(1) : t;
  };
  const invalid = () => new InputError(file, 0, "is not valid UTF-8 text");
  for await (const chunk of readable(stream, file)) {
    try {
      pending += decoder.decode(chunk, { stream: true });
    } catch {
      throw invalid();
    }
    let start = 0;
    let nl: number;
    while ((nl = pending.indexOf("\n", start)) >= 0) {
      line++;
      yield { text: clean(pending.slice(start, nl)), line, last: false };
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  try {
    pending += decoder.decode();
  } catch {
    if (!options.tolerateCutEnd) throw invalid();
    pending += "\uFFFD";
  }
  if (pending.length > 0) {
    line++;
    yield { text: clean(pending), line, last: true };
  }
}

/** The stream's chunks; a read error (a directory, a vanished file) is an input error naming the file. */
async function* readable(
  stream: ReadableStream<Uint8Array>,
  file: string,
): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (e) {
    throw new InputError(file, 0, `cannot be read: ${(e as Error).message}`, { cause: e });
  }
}
