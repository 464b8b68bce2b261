/**
 * A lean OpenAI-compatible streaming simulator for benchmarks of the client: hand-written HTTP/1.1 on
 * `Deno.listen` (keep-alive, chunked responses like uvicorn's), one timer for every stream (a min-heap
 * of due times), and a ground-truth log: when each request arrived and when each token event was
 * handed to the socket. It exists because the library's simulator (Deno.serve + one ReadableStream and
 * one timer per stream) costs the server more CPU per event than the clients we measure, and the
 * machine is shared.
 *
 * Requests: POST `.../v1/chat/completions` or `.../v1/completions` with a JSON body; `user` (a string)
 * names the request for correlation, `max_completion_tokens`/`max_tokens` sets the length (else
 * `--tokens`). Token event k is due at `arrival + ttft + phase + k * itl` (absolute, so lateness does
 * not accumulate), `phase` being 0 with `--phase sync` and uniform in [0, itl) with `--phase random`
 * (the default). The last token event, the finish chunk, the usage chunk and `[DONE]` go out in one write.
 *
 * Control: `GET /__truth` answers (and clears) the ground truth as JSON:
 * `{ requests: [[user, k, arrivalMs, w0, w1, ...], ...], lag: {...} }`, times in Unix epoch ms
 * (`performance.timeOrigin + performance.now()`), comparable with the clients' own. `GET /__reset` clears it without answering it.
 *
 * Usage: `deno run -A bench/lean_sim.ts --port 0 --ttft-ms 20 --itl-ms 20 --tokens 50` prints
 * `LISTEN <port>` on stdout once listening.
 *
 * @module
 */

import { LagProbe } from "./clients/_lag_probe.ts";

const args = new Map<string, string>();
for (let i = 0; i < Deno.args.length; i += 2) {
  args.set(Deno.args[i].replace(/^--/, ""), Deno.args[i + 1]);
}
const TTFT_MS = Number(args.get("ttft-ms") ?? 20);
const ITL_MS = Number(args.get("itl-ms") ?? 20);
const DEFAULT_TOKENS = Number(args.get("tokens") ?? 50);
const PORT = Number(args.get("port") ?? 0);
/**
 * `sync`: every stream's tokens are due on the same grid from its arrival, so streams that started
 * together stay in lock-step (like one decode step emitting a token for every sequence). `random`: each
 * request's first token is shifted by a random fraction of the ITL, so token events are spread evenly.
 */
const PHASE = args.get("phase") ?? "random";

const encoder = new TextEncoder();
const ORIGIN = performance.timeOrigin;
function epochNow(): number {
  return ORIGIN + performance.now();
}
const decoder = new TextDecoder();
const CRLF2 = [13, 10, 13, 10];

/** One streaming response in progress. */
interface Stream {
  conn: Conn;
  dueMs: number;
  next: number;
  tokens: number;
  head: string;
  tail: string;
  chat: boolean;
  truth: number[];
  phaseMs: number;
}

/** A connection and its write queue (writes never interleave). */
class Conn {
  readonly conn: Deno.Conn;
  #pending: Uint8Array[] = [];
  #stamps: number[][] = [];
  #writing = false;
  closed = false;
  constructor(conn: Deno.Conn) {
    this.conn = conn;
  }
  /** Queues bytes; `truth` (when given) gets the time the bytes are handed to the socket. */
  write(bytes: Uint8Array, truth?: number[]): void {
    if (this.closed) return;
    if (this.#writing) {
      this.#pending.push(bytes);
      if (truth) this.#stamps.push(truth);
      return;
    }
    this.#writing = true;
    if (truth) truth.push(epochNow());
    void this.#drain(bytes);
  }
  async #drain(first: Uint8Array): Promise<void> {
    let bytes: Uint8Array | undefined = first;
    try {
      while (bytes) {
        let off = 0;
        const called = performance.now();
        while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
        writeDelays.push(performance.now() - called);
        if (this.#pending.length === 0) break;
        bytes = concat(this.#pending.splice(0));
        const now = epochNow();
        for (const truth of this.#stamps.splice(0)) truth.push(now);
      }
    } catch {
      this.closed = true;
    }
    this.#writing = false;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

// ---- ground truth ----
let writeDelays: number[] = [];
let truth: (string | number)[][] = [];
const perUser = new Map<string, number>();

// ---- scheduling: a binary min-heap of streams by due time, one timer ----
const heap: Stream[] = [];
function heapPush(s: Stream): void {
  heap.push(s);
  let i = heap.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p].dueMs <= s.dueMs) break;
    heap[i] = heap[p];
    i = p;
  }
  heap[i] = s;
}
function heapPop(): Stream {
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    const n = heap.length;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && heap[r].dueMs < heap[l].dueMs ? r : l;
      if (heap[c].dueMs >= last.dueMs) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
  }
  return top;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let timerDueMs = Infinity;
function schedule(): void {
  if (heap.length === 0) return;
  const due = heap[0].dueMs;
  if (timer !== undefined && timerDueMs <= due) return;
  if (timer !== undefined) clearTimeout(timer);
  timerDueMs = due;
  timer = setTimeout(tick, Math.max(0, due - performance.now()));
}
function tick(): void {
  timer = undefined;
  timerDueMs = Infinity;
  // Events due within the next 0.5 ms go now: the timer's resolution is 1 ms anyway.
  const horizon = performance.now() + 0.5;
  while (heap.length > 0 && heap[0].dueMs <= horizon) {
    const s = heapPop();
    writeToken(s);
    if (s.next < s.tokens) {
      s.dueMs = TTFT_MS + s.phaseMs + s.next * ITL_MS + (s.truth[2] as number) - ORIGIN;
      heapPush(s);
    }
  }
  schedule();
}

function chunked(text: string): Uint8Array {
  const body = encoder.encode(text);
  const head = encoder.encode(body.length.toString(16) + "\r\n");
  const out = new Uint8Array(head.length + body.length + 2);
  out.set(head);
  out.set(body, head.length);
  out[out.length - 2] = 13;
  out[out.length - 1] = 10;
  return out;
}

function writeToken(s: Stream): void {
  const i = s.next++;
  const text = s.chat ? `{"content":"tok${i} "}` : `"tok${i} "`;
  let event = `data: ${s.head}${text}${s.tail}\n\n`;
  if (s.next === s.tokens) {
    const finish = s.chat
      ? `data: ${s.head}{}${s.tail.replace('"finish_reason":null', '"finish_reason":"length"')}\n\n`
      : `data: ${s.head}""${
        s.tail.replace('"finish_reason":null', '"finish_reason":"length"')
      }\n\n`;
    event += finish +
      `data: {"id":"x","object":"chunk","choices":[],"usage":{"prompt_tokens":4,` +
      `"completion_tokens":${s.tokens},"total_tokens":${s.tokens + 4}}}\n\n` +
      "data: [DONE]\n\n";
    const frame = chunked(event);
    const out = new Uint8Array(frame.length + 5);
    out.set(frame);
    out.set([48, 13, 10, 13, 10], frame.length);
    s.conn.write(out, s.truth);
  } else {
    s.conn.write(chunked(event), s.truth);
  }
}

let requestCount = 0;
function startStream(conn: Conn, path: string, body: Record<string, unknown>): void {
  const arrival = performance.now();
  const arrivalEpoch = ORIGIN + arrival;
  const chat = path.endsWith("/chat/completions");
  const user = typeof body.user === "string" ? body.user : `#${requestCount}`;
  const k = perUser.get(user) ?? 0;
  perUser.set(user, k + 1);
  const n = requestCount++;
  const max = body.max_completion_tokens ?? body.max_tokens;
  const tokens = typeof max === "number" && max > 0 ? max : DEFAULT_TOKENS;
  const row: (string | number)[] = [user, k, arrivalEpoch];
  truth.push(row);
  const id = `${chat ? "chatcmpl" : "cmpl"}-lean-${n}`;
  const head = `{"id":"${id}","object":"${
    chat ? "chat.completion.chunk" : "text_completion"
  }","created":1700000000,"model":"lean","choices":[{"index":0,${chat ? '"delta":' : '"text":'}`;
  const tail = `,"logprobs":null,"finish_reason":null}]}`;
  const phaseMs = PHASE === "random" ? Math.random() * ITL_MS : 0;
  const s: Stream = {
    conn,
    phaseMs,
    dueMs: arrival + TTFT_MS + phaseMs,
    next: 0,
    tokens,
    head,
    tail,
    chat,
    truth: row as number[],
  };
  const response = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" +
    "cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n";
  const role = chat ? chunked(`data: ${head}{"role":"assistant","content":""}${tail}\n\n`) : null;
  const headBytes = encoder.encode(response);
  conn.write(role ? concat([headBytes, role]) : headBytes);
  heapPush(s);
  schedule();
}

function respondJson(conn: Conn, value: unknown): void {
  const body = encoder.encode(JSON.stringify(value));
  conn.write(concat([
    encoder.encode(
      `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
    ),
    body,
  ]));
}

function indexOfSeq(buf: Uint8Array, from: number, to: number, seq: number[]): number {
  outer: for (let i = from; i <= to - seq.length; i++) {
    for (let j = 0; j < seq.length; j++) if (buf[i + j] !== seq[j]) continue outer;
    return i;
  }
  return -1;
}

async function serveConn(raw: Deno.TcpConn): Promise<void> {
  raw.setNoDelay(true);
  const conn = new Conn(raw);
  let buf = new Uint8Array(64 * 1024);
  let len = 0;
  try {
    while (true) {
      // Parse every complete request in the buffer.
      while (true) {
        const end = indexOfSeq(buf, 0, len, CRLF2);
        if (end < 0) break;
        const head = decoder.decode(buf.subarray(0, end));
        const [requestLine, ...lines] = head.split("\r\n");
        const [method, path] = requestLine.split(" ");
        let contentLength = 0;
        for (const line of lines) {
          const c = line.indexOf(":");
          if (line.slice(0, c).trim().toLowerCase() === "content-length") {
            contentLength = Number(line.slice(c + 1).trim());
          }
        }
        const total = end + 4 + contentLength;
        if (len < total) break;
        const bodyText = decoder.decode(buf.subarray(end + 4, total));
        buf.copyWithin(0, total, len);
        len -= total;
        if (method === "GET" && path === "/__truth") {
          const wd = writeDelays.sort((a, b) => a - b);
          const writeDelayMs = [wd[Math.floor(wd.length / 2)], wd[Math.floor(wd.length * 0.99)]];
          writeDelays = [];
          respondJson(conn, {
            requests: truth,
            lag: probe.summary(),
            count: requestCount,
            writeDelayMs,
          });
          truth = [];
          perUser.clear();
          probe.reset();
        } else if (method === "GET" && path === "/__reset") {
          truth = [];
          perUser.clear();
          probe.reset();
          respondJson(conn, { ok: true });
        } else {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(bodyText);
          } catch { /* an empty body: defaults */ }
          startStream(conn, path, body);
        }
      }
      if (len === buf.length) {
        const grown = new Uint8Array(buf.length * 2);
        grown.set(buf);
        buf = grown;
      }
      const n = await raw.read(buf.subarray(len));
      if (n === null) break;
      len += n;
    }
  } catch { /* reset by the client */ }
  conn.closed = true;
  try {
    raw.close();
  } catch { /* already closed */ }
}

const probe = new LagProbe(10);
probe.start();
const listener = Deno.listen({ hostname: "127.0.0.1", port: PORT });
console.log(`LISTEN ${(listener.addr as Deno.NetAddr).port}`);
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
for await (const conn of listener) void serveConn(conn as Deno.TcpConn);
