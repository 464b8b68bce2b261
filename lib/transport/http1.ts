/**
 * A lean HTTP/1.1 client transport: keep-alive connection pooling, `Content-Length`, chunked and
 * close-delimited bodies, and errors worded so the runner classifies them like `fetch`'s (connect
 * errors, resets, protocol errors, timeouts through the request's signal). It runs on any
 * {@linkcode Connector} (./deno_connect.ts opens Deno TCP/TLS sockets), costs a fraction of `fetch`
 * per body read, and hands each read to the caller as one chunk, so timestamps are taken once per
 * read.
 *
 * What it does not do: HTTP/2, proxies, redirects, compression (it sends no `accept-encoding`, so
 * servers answer uncompressed), request pipelining.
 *
 * @module
 */

import { ChunkedDecoder, findHeadEnd, HttpProtocolError, parseHead } from "./http1_parse.ts";
import type { Connector, ConnectTarget, Socket } from "./socket.ts";
import type { Transport, TransportRequest, TransportResponse } from "./types.ts";

export { HttpProtocolError } from "./http1_parse.ts";
export type { Connector, ConnectTarget, Socket } from "./socket.ts";

/** Options of {@linkcode Http1Transport}. */
export interface Http1TransportOptions {
  /** Opens connections. */
  connect: Connector;
  /**
   * Idle keep-alive connections kept per origin.
   *
   * @default {4096}
   */
  maxIdlePerOrigin?: number;
  /**
   * Largest response head, in bytes, before a protocol error.
   *
   * @default {65536}
   */
  maxHeadBytes?: number;
  /**
   * Initial read buffer per connection, in bytes; it doubles (up to 64 KiB) while reads fill it.
   *
   * @default {4096}
   */
  readBufferBytes?: number;
}

interface Target extends ConnectTarget {
  key: string;
  path: string;
  host: string;
}

/** A pooled connection and its read buffer (`buf[start, end)` holds bytes not consumed yet). */
interface Conn {
  socket: Socket;
  key: string;
  buf: Uint8Array;
  /** The buffer of the response before the last one, reused when the connection goes idle. */
  spare?: Uint8Array;
  start: number;
  end: number;
  reused: boolean;
  dead: boolean;
  /** Idle in the pool. */
  idle: boolean;
  /**
   * A read started when the connection went idle (into `buf` at 0), so a server closing it is noticed
   * while it waits in the pool; the next response's first bytes otherwise.
   */
  pending?: Promise<number | null | Error>;
}

const MAX_READ_BUFFER = 64 * 1024;
/** Most bytes read to finish a body the consumer stopped reading (then the connection is closed). */
const DRAIN_BYTES = 64 * 1024;
/** Longest wait to finish a body the consumer stopped reading, in ms. */
const DRAIN_MS = 1000;
const encoder = new TextEncoder();
/** Request messages kept for reuse (the same body is usually sent again): at most this many... */
const MAX_CACHED_MESSAGES = 4096;
/** ...and at most this many bytes. */
const MAX_CACHED_BYTES = 16 * 1024 * 1024;

/** The server closed a reused keep-alive connection before answering: safe to resend once. */
class StaleConnection extends Error {}

/**
 * An HTTP/1.1 {@linkcode Transport}. One connection carries one request at a time; idle connections
 * are reused (LIFO) per origin. A request sent on a reused connection that the server had closed
 * before sending any response byte is resent once on a new connection (the server never answered
 * it; browsers and curl do the same).
 *
 * @example Usage
 * ```ts
 * import { Http1Transport } from "./http1.ts";
 * const transport = new Http1Transport({
 *   connect: () => Promise.reject(new Error("connection refused")),
 * });
 * const error = await transport.send({
 *   url: "http://127.0.0.1:9/v1/completions", method: "POST", headers: {}, body: "{}",
 *   signal: new AbortController().signal,
 * }).catch((e) => e);
 * console.log(error.message); // connect error: connection refused
 * ```
 */
export class Http1Transport implements Transport {
  readonly #connect: Connector;
  readonly #maxIdle: number;
  readonly #maxHeadBytes: number;
  readonly #bufferBytes: number;
  readonly #idle = new Map<string, Conn[]>();
  readonly #targets = new Map<string, Target>();
  readonly #prefixes = new WeakMap<Record<string, string>, Map<string, string>>();
  /** Encoded messages by body (with the head prefix they were encoded with). */
  readonly #messages = new Map<string, { prefix: string; bytes: Uint8Array }>();
  #cachedBytes = 0;
  #closed = false;

  /**
   * Creates the transport.
   *
   * @param options The connector and pool limits.
   */
  constructor(options: Http1TransportOptions) {
    this.#connect = options.connect;
    this.#maxIdle = options.maxIdlePerOrigin ?? 4096;
    this.#maxHeadBytes = options.maxHeadBytes ?? 65536;
    this.#bufferBytes = options.readBufferBytes ?? 4096;
  }

  /**
   * Sends a request; resolves when the response head arrived.
   *
   * @param request What to send.
   * @returns The response; read its body to the end (or stop early) to release the connection.
   * @throws {TypeError} For a URL that is not http(s) or an invalid header.
   * @throws {HttpProtocolError} When the answer is not HTTP/1.x.
   */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const { signal } = request;
    signal.throwIfAborted();
    const target = this.#target(request.url);
    const message = this.#message(this.#prefix(request, target), request.body);
    for (let attempt = 0;; attempt++) {
      // A resend after a stale connection always goes on a new one.
      const idle = attempt === 0 ? this.#takeIdle(target.key) : undefined;
      const conn = idle ?? await this.#open(target, signal);
      try {
        return await this.#exchange(conn, message, signal);
      } catch (e) {
        if (signal.aborted) throw signal.reason;
        if (e instanceof StaleConnection && attempt === 0) continue;
        throw e instanceof StaleConnection
          ? new Error("connection closed before message completed")
          : e;
      }
    }
  }

  /** Closes idle connections; connections in use close when their response ends. */
  close(): void {
    this.#closed = true;
    for (const conns of this.#idle.values()) for (const c of conns) closeQuietly(c);
    this.#idle.clear();
  }

  #target(url: string): Target {
    let target = this.#targets.get(url);
    if (target) return target;
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new TypeError(
        `Cannot send request as the URL scheme must be http or https: ${u.protocol}`,
      );
    }
    const tls = u.protocol === "https:";
    const port = u.port ? Number(u.port) : tls ? 443 : 80;
    const hostname = u.hostname.replace(/^\[(.*)\]$/, "$1");
    target = {
      hostname,
      port,
      tls,
      key: `${u.protocol}//${u.host}`,
      path: (u.pathname || "/") + u.search,
      host: u.host,
    };
    if (this.#targets.size > 64) this.#targets.clear();
    this.#targets.set(url, target);
    return target;
  }

  /** The request head up to (excluding) `content-length`, cached per headers object and URL. */
  #prefix(request: TransportRequest, target: Target): string {
    let byUrl = this.#prefixes.get(request.headers);
    if (!byUrl) {
      byUrl = new Map();
      this.#prefixes.set(request.headers, byUrl);
    }
    const cacheKey = `${request.method} ${request.url}`;
    let prefix = byUrl.get(cacheKey);
    if (prefix === undefined) {
      let host = target.host;
      let lines = "";
      for (const [name, value] of Object.entries(request.headers)) {
        if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) || /[\r\n\0]/.test(value)) {
          throw new TypeError(`Cannot send request as header ${JSON.stringify(name)} is invalid`);
        }
        const lower = name.toLowerCase();
        if (lower === "host") host = value;
        else if (lower !== "content-length" && lower !== "transfer-encoding") {
          lines += `${name}: ${value}\r\n`;
        }
      }
      prefix = `${request.method} ${target.path} HTTP/1.1\r\nhost: ${host}\r\n${lines}`;
      byUrl.set(cacheKey, prefix);
    }
    return prefix;
  }

  /** The request's bytes: head and body, encoded once per body text (they are never modified). */
  #message(prefix: string, text: string): Uint8Array {
    const cached = this.#messages.get(text);
    if (cached !== undefined && cached.prefix === prefix) return cached.bytes;
    const body = encoder.encode(text);
    const head = encoder.encode(`${prefix}content-length: ${body.length}\r\n\r\n`);
    const bytes = new Uint8Array(head.length + body.length);
    bytes.set(head);
    bytes.set(body, head.length);
    if (
      this.#messages.size >= MAX_CACHED_MESSAGES ||
      this.#cachedBytes + bytes.length > MAX_CACHED_BYTES
    ) {
      this.#messages.clear();
      this.#cachedBytes = 0;
    }
    if (bytes.length <= MAX_CACHED_BYTES) {
      if (cached !== undefined) this.#cachedBytes -= cached.bytes.length;
      this.#messages.set(text, { prefix, bytes });
      this.#cachedBytes += bytes.length;
    }
    return bytes;
  }

  #takeIdle(key: string): Conn | undefined {
    const conn = this.#idle.get(key)?.pop();
    if (conn) conn.idle = false;
    return conn;
  }

  #release(conn: Conn): void {
    if (this.#closed || conn.dead || conn.start !== conn.end) return closeQuietly(conn);
    let conns = this.#idle.get(conn.key);
    if (!conns) this.#idle.set(conn.key, conns = []);
    if (conns.length >= this.#maxIdle) return closeQuietly(conn);
    conn.reused = true;
    conn.idle = true;
    conn.start = conn.end = 0;
    // The last chunk handed out is a view of the old buffer: the idle read must not write into it.
    // It goes into the buffer of the response before (its consumer is long done with it).
    const old = conn.buf;
    const spare = conn.spare;
    conn.buf = spare !== undefined && spare.length === old.length
      ? spare
      : new Uint8Array(old.length);
    conn.spare = old;
    const evictIfIdle = () => {
      if (!conn.idle) return;
      conn.idle = false;
      conn.dead = true;
      closeQuietly(conn);
      const list = this.#idle.get(conn.key);
      const at = list?.indexOf(conn) ?? -1;
      if (at >= 0) list!.splice(at, 1);
    };
    // Anything arriving while idle (end of stream, a reset, stray bytes) retires the connection.
    conn.pending = conn.socket.read(conn.buf).then((n) => {
      evictIfIdle();
      return n;
    }, (e) => {
      evictIfIdle();
      return e instanceof Error ? e : new Error(String(e));
    });
    conns.push(conn);
  }

  async #open(target: Target, signal: AbortSignal): Promise<Conn> {
    const connecting = this.#connect(target).catch((e) => {
      throw new Error(`connect error: ${e instanceof Error ? e.message : e}`, { cause: e });
    });
    const socket = await abortable(connecting, signal, (s) => s.close());
    return {
      socket,
      key: target.key,
      buf: new Uint8Array(this.#bufferBytes),
      start: 0,
      end: 0,
      reused: false,
      dead: false,
      idle: false,
    };
  }

  async #exchange(
    conn: Conn,
    message: Uint8Array,
    signal: AbortSignal,
  ): Promise<TransportResponse> {
    const onAbort = () => {
      conn.dead = true;
      closeQuietly(conn);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const detach = () => signal.removeEventListener("abort", onAbort);
    let received = false;
    try {
      for (let off = 0; off < message.length;) {
        off += await conn.socket.write(message.subarray(off));
      }
      while (true) {
        const head = await this.#readHead(conn, () => received = true);
        const status = head.status;
        if (status >= 100 && status < 200 && status !== 101) continue; // 100 Continue, 103 ...
        const keepAlive = isKeepAlive(head.minorVersion, head.headers.get("connection"));
        const body = new Http1Body(conn, head.headers, status, keepAlive, signal, () => {
          detach();
          this.#release(conn);
        }, () => {
          detach();
          conn.dead = true;
          closeQuietly(conn);
        });
        return { status, headers: head.headers, body };
      }
    } catch (e) {
      detach();
      conn.dead = true;
      closeQuietly(conn);
      if (!signal.aborted && conn.reused && !received && !(e instanceof HttpProtocolError)) {
        throw new StaleConnection();
      }
      throw e;
    }
  }

  async #readHead(conn: Conn, onBytes: () => void) {
    let scanFrom = conn.start;
    while (true) {
      const found = findHeadEnd(conn.buf, Math.max(conn.start, scanFrom - 3), conn.end);
      if (found) {
        const head = parseHead(conn.buf.subarray(conn.start, found[0]));
        conn.start = found[1];
        return head;
      }
      scanFrom = conn.end;
      if (conn.end - conn.start >= this.#maxHeadBytes) {
        throw new HttpProtocolError(`message head is too large (over ${this.#maxHeadBytes} bytes)`);
      }
      let n: number | null | Error;
      if (conn.pending) {
        n = await conn.pending;
        conn.pending = undefined;
        if (n instanceof Error) throw n;
      } else {
        makeRoom(conn);
        n = await conn.socket.read(conn.buf.subarray(conn.end));
      }
      if (n === null) throw new Error("connection closed before message completed");
      onBytes();
      conn.end += n;
    }
  }
}

/** Compacts the buffer and grows it when full. */
function makeRoom(conn: Conn): void {
  if (conn.start > 0) {
    conn.buf.copyWithin(0, conn.start, conn.end);
    conn.end -= conn.start;
    conn.start = 0;
  }
  if (conn.end === conn.buf.length) {
    const grown = new Uint8Array(conn.buf.length * 2);
    grown.set(conn.buf);
    conn.buf = grown;
  }
}

function isKeepAlive(minorVersion: number, connection: string | null): boolean {
  const tokens = (connection ?? "").toLowerCase();
  if (minorVersion === 0) return /\bkeep-alive\b/.test(tokens);
  return !/\bclose\b/.test(tokens);
}

function closeQuietly(conn: Conn): void {
  try {
    conn.socket.close();
  } catch { /* already closed */ }
}

/** Resolves with `promise`, or rejects with the signal's reason; a late result is disposed of. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, dispose: (value: T) => void) {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then((value) => {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) dispose(value);
      else resolve(value);
    }, (e) => {
      signal.removeEventListener("abort", onAbort);
      reject(e);
    });
  });
}

const LENGTH = 0;
const CHUNKED = 1;
const UNTIL_CLOSE = 2;
const EMPTY = 3;

/**
 * A response body: one chunk per socket read (chunk framing removed). Chunks are views of the
 * connection's read buffer, valid until the next call to `next()` (copy what you keep): no
 * allocation per read, which was most of the cost of a read. Stopping early (`return()`) before the
 * end of a framed body reads the rest in the background (at most {@linkcode DRAIN_BYTES} bytes within
 * {@linkcode DRAIN_MS}) so the connection can be reused: after `data: [DONE]` only the chunked
 * terminator is usually left.
 */
class Http1Body implements AsyncIterableIterator<Uint8Array> {
  readonly #conn: Conn;
  readonly #mode: number;
  readonly #signal: AbortSignal;
  readonly #keepAlive: boolean;
  readonly #onEnd: () => void;
  readonly #onAbandon: () => void;
  readonly #chunked?: ChunkedDecoder;
  readonly #parts: Uint8Array[] = [];
  #remaining = 0;
  #bytes = 0;
  #finished = false;
  #closed = false;

  constructor(
    conn: Conn,
    headers: Headers,
    status: number,
    keepAlive: boolean,
    signal: AbortSignal,
    onEnd: () => void,
    onAbandon: () => void,
  ) {
    this.#conn = conn;
    this.#signal = signal;
    this.#keepAlive = keepAlive;
    this.#onEnd = onEnd;
    this.#onAbandon = onAbandon;
    const encoding = headers.get("transfer-encoding");
    const length = headers.get("content-length");
    if (status === 204 || status === 304) this.#mode = EMPTY;
    else if (encoding !== null && /\bchunked\s*$/i.test(encoding)) {
      this.#mode = CHUNKED;
      this.#chunked = new ChunkedDecoder();
    } else if (length !== null) {
      if (!/^\s*\d+\s*$/.test(length)) {
        throw new HttpProtocolError(`invalid header content-length: ${JSON.stringify(length)}`);
      }
      this.#mode = LENGTH;
      this.#remaining = Number(length);
      if (this.#remaining === 0) this.#mode = EMPTY;
    } else this.#mode = UNTIL_CLOSE;
    if (this.#mode === EMPTY) this.#finish();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    const conn = this.#conn;
    while (!this.#finished) {
      if (conn.start < conn.end) {
        const chunk = this.#take();
        if (chunk !== undefined) return { done: false, value: chunk };
        continue;
      }
      conn.start = conn.end = 0;
      let n: number | null;
      try {
        n = await conn.socket.read(conn.buf);
      } catch (e) {
        this.#abandon();
        throw this.#signal.aborted ? this.#signal.reason : e;
      }
      if (this.#signal.aborted) {
        this.#abandon();
        throw this.#signal.reason;
      }
      if (n === null) {
        if (this.#mode === UNTIL_CLOSE) {
          conn.dead = true;
          this.#finish();
          break;
        }
        this.#abandon();
        throw new Error(
          `response body incomplete: the server closed the connection after ${this.#bytes} bytes`,
        );
      }
      conn.end = n;
      if (n === conn.buf.length && n < MAX_READ_BUFFER) {
        // Reads fill the buffer: give the next one more room.
        this.#grow = true;
      }
    }
    return { done: true, value: undefined };
  }

  #grow = false;

  /** Consumes buffered bytes; returns a chunk of data, or undefined when they held none. */
  #take(): Uint8Array | undefined {
    const conn = this.#conn;
    const buf = conn.buf;
    let chunk: Uint8Array | undefined;
    if (this.#mode === CHUNKED) {
      const parts = this.#parts;
      parts.length = 0;
      try {
        conn.start = this.#chunked!.feed(buf, conn.start, conn.end, parts);
      } catch (e) {
        this.#abandon();
        throw e;
      }
      if (parts.length === 1) chunk = parts[0];
      else if (parts.length > 1) chunk = compact(buf, parts);
      if (this.#chunked!.done) this.#finish();
    } else {
      const available = conn.end - conn.start;
      const n = this.#mode === LENGTH ? Math.min(available, this.#remaining) : available;
      chunk = buf.subarray(conn.start, conn.start + n);
      conn.start += n;
      if (this.#mode === LENGTH) {
        this.#remaining -= n;
        if (this.#remaining === 0) this.#finish();
      }
    }
    if (this.#grow && conn.start === conn.end) {
      this.#grow = false;
      conn.buf = new Uint8Array(conn.buf.length * 2);
      conn.start = conn.end = 0;
    }
    if (chunk !== undefined && chunk.length > 0) {
      this.#bytes += chunk.length;
      return chunk;
    }
    return undefined;
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#closed = true;
    if (this.#keepAlive && this.#mode !== UNTIL_CLOSE) this.#onEnd();
    else {
      this.#conn.dead = true;
      this.#onAbandon();
    }
  }

  #abandon(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#finished = true;
    this.#onAbandon();
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    if (this.#finished || this.#mode === UNTIL_CLOSE || this.#signal.aborted) this.#abandon();
    else void this.#drain();
    return Promise.resolve({ done: true, value: undefined });
  }

  /** Reads the rest of a framed body after the consumer stopped, then releases the connection. */
  async #drain(): Promise<void> {
    const conn = this.#conn;
    const timer = setTimeout(() => this.#abandon(), DRAIN_MS);
    const limit = this.#bytes + DRAIN_BYTES;
    try {
      while (!this.#finished && this.#bytes <= limit) {
        const next = await this.next();
        if (next.done) break;
      }
    } catch {
      // The connection failed while draining: it is closed already.
    } finally {
      clearTimeout(timer);
      if (!this.#finished) this.#abandon();
      void conn;
    }
  }

  throw(e?: unknown): Promise<IteratorResult<Uint8Array>> {
    this.#abandon();
    return Promise.reject(e);
  }
}

/** Moves data pieces (views of `buf`, in order) together in place; returns the joined view. */
function compact(buf: Uint8Array, parts: Uint8Array[]): Uint8Array {
  const start = parts[0].byteOffset - buf.byteOffset;
  let end = start + parts[0].length;
  for (let i = 1; i < parts.length; i++) {
    const from = parts[i].byteOffset - buf.byteOffset;
    buf.copyWithin(end, from, from + parts[i].length);
    end += parts[i].length;
  }
  return buf.subarray(start, end);
}
