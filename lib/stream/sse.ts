/**
 * A byte-level Server-Sent Events decoder following the WHATWG event-stream rules, safe against any
 * split of the input (inside a line ending or inside a multi-byte UTF-8 character) and cheap on the hot
 * path: bytes are decoded once, a whole run of complete lines at a time, and lines are cut from the
 * decoded text without copying.
 *
 * @module
 */

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The event type: the last `event:` field of the event, or `"message"` when it had none. */
  event: string;
  /** The `data:` fields of the event, joined with `"\n"`. */
  data: string;
  /**
   * The last event ID seen in the stream (it persists across events, as in the WHATWG rules), or
   * `undefined` when none was set (or an empty `id:` reset it).
   */
  id?: string;
}

/** Options of {@linkcode SseDecoder}. */
export interface SseDecoderOptions {
  /**
   * Largest size one event may buffer before {@linkcode SseDecoder.push} throws
   * {@linkcode SseEventTooLargeError}: the bytes of its unterminated last line plus the characters
   * (UTF-16 code units, which equal bytes for ASCII text) of its `data` so far.
   *
   * @default {1048576}
   */
  maxEventBytes?: number;
  /**
   * Throw {@linkcode SseInvalidUtf8Error} on invalid UTF-8 instead of decoding it to U+FFFD (the
   * WHATWG rule). Turn it on to report such a stream as a protocol error.
   *
   * @default {false}
   */
  fatal?: boolean;
}

/** Default for {@linkcode SseDecoderOptions.maxEventBytes}: 1 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/**
 * Thrown by {@linkcode SseDecoder.push} when one event buffers more than `maxEventBytes` (a server
 * sending an endless line or an endless event). The decoder is reset; the stream should be abandoned.
 *
 * @example Usage
 * ```ts
 * import { SseDecoder, SseEventTooLargeError } from "./sse.ts";
 * const decoder = new SseDecoder({ maxEventBytes: 8 });
 * try {
 *   decoder.push(new TextEncoder().encode("data: 0123456789"));
 * } catch (err) {
 *   console.log(err instanceof SseEventTooLargeError); // true
 * }
 * ```
 */
export class SseEventTooLargeError extends Error {
  /** The configured limit. */
  readonly maxEventBytes: number;
  /** The size the event had reached when the limit was crossed. */
  readonly eventBytes: number;
  /**
   * Creates the error.
   *
   * @param maxEventBytes The configured limit.
   * @param eventBytes The size reached.
   */
  constructor(maxEventBytes: number, eventBytes: number) {
    super(
      `Cannot buffer SSE event as it exceeds maxEventBytes (${maxEventBytes}): current size is ${eventBytes}`,
    );
    this.name = "SseEventTooLargeError";
    this.maxEventBytes = maxEventBytes;
    this.eventBytes = eventBytes;
  }
}

/**
 * Thrown by {@linkcode SseDecoder.push} and {@linkcode SseDecoder.end} when the decoder was created
 * with `fatal: true` and the stream is not valid UTF-8. The decoder is reset.
 *
 * @example Usage
 * ```ts
 * import { SseDecoder, SseInvalidUtf8Error } from "./sse.ts";
 * const decoder = new SseDecoder({ fatal: true });
 * try {
 *   decoder.push(new Uint8Array([100, 97, 116, 97, 58, 0xff, 10, 10]));
 * } catch (err) {
 *   console.log(err instanceof SseInvalidUtf8Error); // true
 * }
 * ```
 */
export class SseInvalidUtf8Error extends Error {
  /**
   * Creates the error.
   *
   * @param options Standard error options: `cause` is the decoder's TypeError.
   */
  constructor(options?: ErrorOptions) {
    super("Cannot decode SSE stream as it is not valid UTF-8", options);
    this.name = "SseInvalidUtf8Error";
  }
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const COLON = 58;
const BOM = 0xfeff;
const REPLACEMENT = "\uFFFD";
const NO_BYTES = new Uint8Array(0);
// Decoding is never streamed (only complete lines are decoded), so the decoders hold no state and are
// shared. The non-fatal one is Deno's fast path (about a third of the fatal one's cost); its result
// equals the fatal one's whenever it holds no U+FFFD, so the fatal decoder only sees text that does.
const LOOSE = new TextDecoder("utf-8", { ignoreBOM: true });
const STRICT = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });

/**
 * Decodes a byte stream of Server-Sent Events into {@linkcode SseEvent}s.
 *
 * Handles LF, CRLF and lone CR line endings (also a CR ending one chunk and its LF starting the next),
 * comments, multi-line `data`, a UTF-8 BOM at the start, `data:` with or without the single leading
 * space, `event:` and `id:` fields, lines without a colon, and unknown fields (ignored, as is
 * `retry:`: we never reconnect). An event without any `data` field is not dispatched.
 *
 * One deliberate deviation from the WHATWG rules: {@linkcode SseDecoder.end} dispatches a last event that
 * was not followed by a blank line, because servers do end streams like that.
 *
 * @example Usage
 * ```ts
 * import { SseDecoder } from "./sse.ts";
 * const decoder = new SseDecoder();
 * const bytes = new TextEncoder().encode(": ping\r\ndata: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n");
 * const events = [...decoder.push(bytes.subarray(0, 20)), ...decoder.push(bytes.subarray(20))];
 * console.log(events.map((e) => e.data)); // [ '{"a":1}', "[DONE]" ]
 * console.log(events[0].event); // "message"
 * ```
 */
export class SseDecoder {
  readonly #maxEventBytes: number;
  readonly #fatal: boolean;
  readonly #out: SseEvent[] = [];
  /** Bytes of the unterminated line carried to the next chunk (allocated on first use). */
  #carry = NO_BYTES;
  #carryLength = 0;
  /** The previous chunk ended with CR: an LF starting the next one belongs to it. */
  #skipLf = false;
  /** No text decoded yet: a leading BOM is still to be stripped. */
  #atStart = true;
  #data = "";
  #hasData = false;
  #dataChars = 0;
  #eventType = "";
  #lastEventId: string | undefined = undefined;
  /** Position of the next colon in the text being parsed (text length when none). */
  #colon = -1;

  /**
   * Creates a decoder.
   *
   * @param options Limits; see {@linkcode SseDecoderOptions}.
   * @throws {RangeError} When `maxEventBytes` is not a positive number.
   */
  constructor(options: SseDecoderOptions = {}) {
    const max = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    if (!(max > 0)) {
      throw new RangeError(
        `Cannot create SseDecoder as 'maxEventBytes' must be a positive number: current value is ${max}`,
      );
    }
    this.#maxEventBytes = max;
    this.#fatal = options.fatal ?? false;
  }

  /**
   * Feeds one chunk of the body.
   *
   * @param chunk The bytes, as they arrived; any split is fine. Not retained after the call.
   * @returns The events completed by this chunk. The array is reused by the next call: copy it to
   * keep it (the event objects themselves are not reused).
   * @throws {SseEventTooLargeError} When one event buffers more than `maxEventBytes`.
   * @throws {SseInvalidUtf8Error} With `fatal: true`, when the bytes are not valid UTF-8.
   */
  push(chunk: Uint8Array): SseEvent[] {
    const out = this.#out;
    out.length = 0;
    const length = chunk.length;
    let start = 0;
    if (this.#skipLf && length > 0) {
      this.#skipLf = false;
      if (chunk[0] === LF) start = 1;
    }
    // The last line terminator of the chunk: everything before it is complete lines.
    let last = length - 1;
    while (last >= start) {
      const c = chunk[last];
      if (c === LF || c === CR) break;
      last--;
    }
    if (last < start) {
      this.#appendCarry(chunk, start, length);
      this.#checkSize();
      return out;
    }
    let text: string;
    if (this.#carryLength === 0) {
      text = this.#decode(
        start === 0 && last === length - 1 ? chunk : chunk.subarray(start, last + 1),
      );
    } else {
      this.#appendCarry(chunk, start, last + 1);
      text = this.#decode(this.#carry.subarray(0, this.#carryLength));
      this.#carryLength = 0;
    }
    if (last === length - 1) {
      this.#skipLf = chunk[last] === CR;
    } else {
      this.#appendCarry(chunk, last + 1, length);
    }
    this.#lines(text, this.#textStart(text));
    this.#checkSize();
    return out;
  }

  /**
   * Ends the input: processes an unterminated last line and dispatches an event left without its
   * closing blank line (a deliberate deviation from the WHATWG rules, which drop it). The decoder is
   * then reset and can decode a new stream.
   *
   * @returns The final events (the same reused array as {@linkcode SseDecoder.push}).
   * @throws {SseInvalidUtf8Error} With `fatal: true`, when the last line is not valid UTF-8.
   */
  end(): SseEvent[] {
    const out = this.#out;
    out.length = 0;
    if (this.#carryLength > 0) {
      const text = this.#decode(this.#carry.subarray(0, this.#carryLength));
      const from = this.#textStart(text);
      this.#colon = -1;
      this.#line(text, from, text.length);
    }
    this.#dispatch();
    this.#reset();
    return out;
  }

  /** Decodes complete lines: they end at a line terminator, so no character is cut. */
  #decode(bytes: Uint8Array): string {
    const text = LOOSE.decode(bytes);
    if (!this.#fatal || text.indexOf(REPLACEMENT) === -1) return text;
    try {
      return STRICT.decode(bytes);
    } catch (err) {
      this.#reset();
      throw new SseInvalidUtf8Error({ cause: err });
    }
  }

  #reset(): void {
    this.#carryLength = 0;
    this.#skipLf = false;
    this.#atStart = true;
    this.#data = "";
    this.#hasData = false;
    this.#dataChars = 0;
    this.#eventType = "";
    this.#lastEventId = undefined;
  }

  /** Where the text's first line starts: after a BOM at the very start of the stream. */
  #textStart(text: string): number {
    if (!this.#atStart) return 0;
    this.#atStart = false;
    return text.charCodeAt(0) === BOM ? 1 : 0;
  }

  #appendCarry(chunk: Uint8Array, from: number, to: number): void {
    const need = this.#carryLength + (to - from);
    if (need > this.#carry.length) {
      const grown = new Uint8Array(Math.max(need, 256, this.#carry.length * 2));
      grown.set(this.#carry.subarray(0, this.#carryLength));
      this.#carry = grown;
    }
    const carry = this.#carry;
    if (to - from <= 32) {
      // Small pieces (tiny reads): a loop beats allocating a subarray view.
      for (let i = from, j = this.#carryLength; i < to; i++, j++) carry[j] = chunk[i];
    } else {
      carry.set(chunk.subarray(from, to), this.#carryLength);
    }
    this.#carryLength = need;
  }

  #checkSize(): void {
    const size = this.#carryLength + this.#dataChars;
    if (size > this.#maxEventBytes) {
      this.#reset();
      this.#carry = NO_BYTES;
      throw new SseEventTooLargeError(this.#maxEventBytes, size);
    }
  }

  /** Processes complete lines: `text` ends with a line terminator. */
  #lines(text: string, from: number): void {
    const end = text.length;
    let pos = from;
    this.#colon = -1;
    if (text.indexOf("\r", pos) === -1) {
      while (pos < end) {
        const lf = text.indexOf("\n", pos);
        this.#line(text, pos, lf);
        pos = lf + 1;
      }
      return;
    }
    // Lone CR and CRLF endings: the next CR and the next LF are each searched once per occurrence.
    let cr = -1;
    let lf = -1;
    while (pos < end) {
      if (cr < pos) {
        cr = text.indexOf("\r", pos);
        if (cr === -1) cr = end;
      }
      if (lf < pos) {
        lf = text.indexOf("\n", pos);
        if (lf === -1) lf = end;
      }
      if (cr < lf) {
        this.#line(text, pos, cr);
        pos = cr + 1 === lf ? lf + 1 : cr + 1;
      } else {
        this.#line(text, pos, lf);
        pos = lf + 1;
      }
    }
  }

  /** Processes one line, `text[from, to)`, without its terminator. */
  #line(text: string, from: number, to: number): void {
    if (from === to) {
      this.#dispatch();
      return;
    }
    const first = text.charCodeAt(from);
    if (first === COLON) return; // a comment
    // The next colon of the text is remembered, so lines without one cost no rescans.
    let colon = this.#colon;
    if (colon < from) {
      colon = text.indexOf(":", from);
      if (colon === -1) colon = text.length;
      this.#colon = colon;
    }
    let valueStart: number;
    if (colon >= to) {
      colon = to;
      valueStart = to;
    } else {
      valueStart = colon + 1;
      if (valueStart < to && text.charCodeAt(valueStart) === SPACE) valueStart++;
    }
    const nameLength = colon - from;
    if (nameLength === 4 && text.startsWith("data", from)) {
      const value = text.slice(valueStart, to);
      if (this.#hasData) {
        this.#data += "\n" + value;
        this.#dataChars += value.length + 1;
      } else {
        this.#data = value;
        this.#hasData = true;
        this.#dataChars = value.length;
      }
      if (this.#dataChars > this.#maxEventBytes) this.#checkSize();
    } else if (nameLength === 5 && text.startsWith("event", from)) {
      this.#eventType = text.slice(valueStart, to);
    } else if (nameLength === 2 && text.startsWith("id", from)) {
      const value = text.slice(valueStart, to);
      if (value.indexOf("\0") === -1) this.#lastEventId = value === "" ? undefined : value;
    }
    // "retry" and unknown fields are ignored.
  }

  #dispatch(): void {
    if (this.#hasData) {
      this.#out.push({
        event: this.#eventType === "" ? "message" : this.#eventType,
        data: this.#data,
        id: this.#lastEventId,
      });
    }
    this.#data = "";
    this.#hasData = false;
    this.#dataChars = 0;
    this.#eventType = "";
  }
}
