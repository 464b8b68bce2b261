/**
 * HTTP/1.1 wire format for {@linkcode Http1Transport}: the response head parser and the incremental
 * chunked transfer-coding decoder. Pure functions over bytes; no I/O.
 *
 * @module
 */

/** Thrown when the bytes are not a valid HTTP/1.1 response (classified as a protocol error). */
export class HttpProtocolError extends Error {
  /**
   * Creates the error.
   *
   * @param message What was wrong; starts with a phrase the classifier knows ("invalid HTTP ...").
   */
  constructor(message: string) {
    super(message);
    this.name = "HttpProtocolError";
  }
}

/** A parsed response head. */
export interface ResponseHead {
  /** Status code. */
  status: number;
  /** Header fields (lower-case names). */
  headers: Headers;
  /** The minor version: 1 for HTTP/1.1, 0 for HTTP/1.0. */
  minorVersion: number;
}

const decoder = new TextDecoder();

/**
 * Finds the end of a response head (`\r\n\r\n`, or a bare `\n\n`).
 *
 * @example Usage
 * ```ts
 * import { findHeadEnd } from "./http1_parse.ts";
 * const bytes = new TextEncoder().encode("HTTP/1.1 200 OK\r\n\r\nbody");
 * console.log(findHeadEnd(bytes, 0, bytes.length)); // [15, 19]
 * ```
 *
 * @param buf The buffer.
 * @param from Where the head starts.
 * @param to End of the valid bytes.
 * @returns `[end of the head's text, start of the body]`, or undefined when not complete yet.
 */
export function findHeadEnd(
  buf: Uint8Array,
  from: number,
  to: number,
): [number, number] | undefined {
  // A plain loop: a head is a few short lines, and indexOf per line cost more than the scan.
  for (let i = from; i < to; i++) {
    if (buf[i] !== 10) continue;
    if (i + 1 < to && buf[i + 1] === 10) return [i, i + 2];
    if (i + 2 < to && buf[i + 1] === 13 && buf[i + 2] === 10) return [i, i + 3];
  }
  return undefined;
}

/**
 * Parses a response head (status line and header fields, without the blank line).
 *
 * @example Usage
 * ```ts
 * import { parseHead } from "./http1_parse.ts";
 * const bytes = new TextEncoder().encode("HTTP/1.1 429 Too Many\r\nRetry-After: 2\r\n");
 * const head = parseHead(bytes.subarray(0, bytes.length - 1));
 * console.log(head.status, head.headers.get("retry-after")); // 429 2
 * ```
 *
 * @param bytes The head's bytes.
 * @returns The head.
 * @throws {HttpProtocolError} On a malformed status line or header field.
 */
export function parseHead(bytes: Uint8Array): ResponseHead {
  const text = decoder.decode(bytes);
  const lines = (text.endsWith("\r") ? text.slice(0, -1) : text).split(/\r?\n/);
  const match = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]);
  if (!match) {
    throw new HttpProtocolError(
      `invalid HTTP status line: ${JSON.stringify(lines[0].slice(0, 80))}`,
    );
  }
  const headers = new Headers();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      throw new HttpProtocolError(`invalid header line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    try {
      headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
    } catch {
      throw new HttpProtocolError(`invalid header line: ${JSON.stringify(line.slice(0, 80))}`);
    }
  }
  return { status: Number(match[2]), headers, minorVersion: Number(match[1]) };
}

const SIZE = 0;
const SIZE_EXT = 1;
const SIZE_LF = 2;
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER_START = 6;
const TRAILER_LINE = 7;
const TRAILER_LF = 8;
const DONE = 9;

/**
 * Decodes the chunked transfer coding incrementally: feed it whatever bytes arrived, get the data
 * they hold. Chunk extensions and trailers are skipped.
 *
 * @example Usage
 * ```ts
 * import { ChunkedDecoder } from "./http1_parse.ts";
 * const decoder = new ChunkedDecoder();
 * const bytes = new TextEncoder().encode("5\r\nhello\r\n0\r\n\r\n");
 * const parts: Uint8Array[] = [];
 * decoder.feed(bytes.subarray(0, 4), 0, 4, parts);
 * decoder.feed(bytes, 4, bytes.length, parts);
 * console.log(new TextDecoder().decode(parts[0]) + new TextDecoder().decode(parts[1]), decoder.done);
 * // hello true
 * ```
 */
export class ChunkedDecoder {
  #state = SIZE;
  #size = 0;
  #sizeDigits = 0;
  #remaining = 0;

  /** True once the last chunk and the trailer section were read. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /**
   * Decodes `buf[from, to)`, pushing data views (of `buf`: copy them before reusing it) to `out`.
   *
   * @param buf The bytes.
   * @param from First byte.
   * @param to End.
   * @param out Receives the data pieces, in order.
   * @returns Where decoding stopped: `to`, or the first byte after the end of the body.
   * @throws {HttpProtocolError} On a malformed chunk size line.
   */
  feed(buf: Uint8Array, from: number, to: number, out: Uint8Array[]): number {
    let i = from;
    while (i < to) {
      const state = this.#state;
      if (state === DATA) {
        const n = Math.min(this.#remaining, to - i);
        out.push(buf.subarray(i, i + n));
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = DATA_CR;
        continue;
      }
      const c = buf[i++];
      switch (state) {
        case SIZE: {
          const digit = hexValue(c);
          if (digit >= 0) {
            if (++this.#sizeDigits > 12) {
              throw new HttpProtocolError("invalid chunk size: too long");
            }
            this.#size = this.#size * 16 + digit;
          } else if (c === 13 || c === 10) {
            if (this.#sizeDigits === 0) throw new HttpProtocolError("invalid chunk size line");
            this.#state = c === 13 ? SIZE_LF : this.#afterSize();
          } else if (c === 59 || c === 32 || c === 9) { // ';' extension, or whitespace
            if (this.#sizeDigits === 0) throw new HttpProtocolError("invalid chunk size line");
            this.#state = SIZE_EXT;
          } else {
            throw new HttpProtocolError(`invalid chunk size byte 0x${c.toString(16)}`);
          }
          break;
        }
        case SIZE_EXT:
          if (c === 13) this.#state = SIZE_LF;
          else if (c === 10) this.#state = this.#afterSize();
          break;
        case SIZE_LF:
          if (c !== 10) throw new HttpProtocolError("invalid chunk size line: CR without LF");
          this.#state = this.#afterSize();
          break;
        case DATA_CR:
          if (c === 13) this.#state = DATA_LF;
          else if (c === 10) this.#state = SIZE;
          else throw new HttpProtocolError("invalid chunk: data longer than its size");
          break;
        case DATA_LF:
          if (c !== 10) throw new HttpProtocolError("invalid chunk: CR without LF after data");
          this.#state = SIZE;
          break;
        case TRAILER_START:
          if (c === 13) this.#state = TRAILER_LF;
          else if (c === 10) {
            this.#state = DONE;
            return i;
          } else this.#state = TRAILER_LINE;
          break;
        case TRAILER_LINE:
          if (c === 10) this.#state = TRAILER_START;
          break;
        case TRAILER_LF:
          if (c !== 10) throw new HttpProtocolError("invalid chunk trailer: CR without LF");
          this.#state = DONE;
          return i;
        case DONE:
          return i - 1;
      }
    }
    return i;
  }

  #afterSize(): number {
    const size = this.#size;
    this.#size = 0;
    this.#sizeDigits = 0;
    if (size === 0) return TRAILER_START;
    this.#remaining = size;
    return DATA;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
