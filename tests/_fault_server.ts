// A scripted raw HTTP/1.1 server for socket-level faults (resets, stalls, split writes, bad framing):
// what the simulator, which answers through Deno.serve, cannot do. It listens on 127.0.0.1:0, parses
// each request (request line, headers, Content-Length body), counts it, and hands it to a script that
// writes whatever bytes it wants and may end the connection gracefully (FIN) or abortively (RST).
//
// node:net rather than Deno.listen: only node:net can reset a connection (`resetAndDestroy`, i.e.
// SO_LINGER 0); Deno.Conn can only close it gracefully.
import net from "node:net";

/** A request as the server parsed it. */
export interface FaultRequest {
  /** 0-based number of the request, over the whole server. */
  n: number;
  /** 0-based number of the connection it came on. */
  connection: number;
  /** 0-based number of the request on its connection (keep-alive reuse when > 0). */
  onConnection: number;
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** performance.now() when the whole request had arrived. */
  atMs: number;
}

/** The connection a script writes to. */
export interface FaultSocket {
  /** Aborted when the client closed or reset the connection, or the server shuts down. */
  readonly signal: AbortSignal;
  /** Writes bytes; resolves once handed to the kernel, false when the connection is gone. */
  write(data: string | Uint8Array): Promise<boolean>;
  /** Writes `data` in pieces cut at the given byte offsets, letting each piece leave on its own. */
  writeSplit(data: string | Uint8Array, at: number[]): Promise<boolean>;
  /** Ends the connection gracefully (FIN) once the written bytes are out. */
  end(): void;
  /** Resets the connection (RST), dropping anything not yet sent. */
  reset(): void;
  /** Resolves when the client goes away (or the server shuts down): a stall. */
  stall(): Promise<void>;
  /** Bytes written on this connection so far. */
  readonly bytesWritten: number;
}

/**
 * Answers one request. When it returns without ending the connection, the connection stays open for
 * the client's next request (keep-alive).
 */
export type FaultScript = (req: FaultRequest, socket: FaultSocket) => Promise<void> | void;

/** A running fault server. */
export interface FaultServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  /** Every request received, in order. */
  readonly requests: FaultRequest[];
  /** Connections accepted. */
  readonly connections: number;
  /** Total bytes written to clients. */
  readonly bytesWritten: number;
  /** Resolves once `n` requests have been received. */
  waitForRequests(n: number): Promise<void>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const HEADER_END = "\r\n\r\n";

/**
 * Starts a fault server running `script` for every request.
 *
 * @param script What to answer.
 * @returns The running server.
 */
export async function startFaultServer(script: FaultScript): Promise<FaultServer> {
  const requests: FaultRequest[] = [];
  const sockets = new Set<net.Socket>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const shutdown = new AbortController();
  let connections = 0;
  let bytesWritten = 0;
  const notify = () => {
    for (const w of [...waiters]) {
      if (requests.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  const server = net.createServer((socket) => {
    const connection = connections++;
    sockets.add(socket);
    socket.setNoDelay(true);
    const gone = new AbortController();
    const onGone = () => gone.abort();
    socket.on("close", onGone);
    socket.on("error", onGone);
    shutdown.signal.addEventListener("abort", onGone, { once: true });
    socket.on("close", () => {
      sockets.delete(socket);
      shutdown.signal.removeEventListener("abort", onGone);
    });
    let written = 0;
    const fs: FaultSocket = {
      signal: gone.signal,
      write(data) {
        if (gone.signal.aborted || socket.destroyed || socket.writableEnded) {
          return Promise.resolve(false);
        }
        const bytes = typeof data === "string" ? encoder.encode(data) : data;
        written += bytes.byteLength;
        bytesWritten += bytes.byteLength;
        return new Promise((resolve) => socket.write(bytes, (err) => resolve(!err)));
      },
      async writeSplit(data, at) {
        const bytes = typeof data === "string" ? encoder.encode(data) : data;
        let from = 0;
        for (const cut of [...at, bytes.byteLength]) {
          if (cut <= from) continue;
          if (!await fs.write(bytes.subarray(from, cut))) return false;
          from = cut;
          // Let the piece leave before the next one (a macrotask), so reads see the cut.
          await new Promise((r) => setTimeout(r, 1));
        }
        return true;
      },
      end: () => void socket.end(),
      reset: () => void socket.resetAndDestroy(),
      stall: () =>
        gone.signal.aborted ? Promise.resolve() : new Promise((resolve) => {
          gone.signal.addEventListener("abort", () => resolve(), { once: true });
        }),
      get bytesWritten() {
        return written;
      },
    };

    let buffer = new Uint8Array(0);
    let busy = false;
    let onConnection = 0;
    const pump = async () => {
      if (busy) return;
      busy = true;
      try {
        while (!gone.signal.aborted) {
          const parsed = parseRequest(buffer);
          if (!parsed) break;
          buffer = buffer.slice(parsed.consumed);
          const req: FaultRequest = {
            ...parsed.request,
            n: requests.length,
            connection,
            onConnection: onConnection++,
            atMs: performance.now(),
          };
          requests.push(req);
          notify();
          try {
            await script(req, fs);
          } catch {
            socket.destroy();
          }
          if (socket.writableEnded || socket.destroyed) break;
        }
      } finally {
        busy = false;
      }
    };
    socket.on("data", (chunk: Uint8Array) => {
      const next = new Uint8Array(buffer.byteLength + chunk.byteLength);
      next.set(buffer);
      next.set(chunk, buffer.byteLength);
      buffer = next;
      void pump();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    get bytesWritten() {
      return bytesWritten;
    },
    waitForRequests(n) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close() {
      shutdown.abort();
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function parseRequest(
  buffer: Uint8Array,
):
  | { request: Omit<FaultRequest, "n" | "connection" | "onConnection" | "atMs">; consumed: number }
  | undefined {
  // Headers are ASCII; latin1 keeps byte offsets equal to string offsets.
  const head = latin1(buffer.subarray(0, Math.min(buffer.byteLength, 64 * 1024)));
  const end = head.indexOf(HEADER_END);
  if (end < 0) return undefined;
  const [requestLine, ...lines] = head.slice(0, end).split("\r\n");
  const [method, path] = requestLine.split(" ");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  const length = Number(headers["content-length"] ?? 0);
  const bodyStart = end + HEADER_END.length;
  if (buffer.byteLength < bodyStart + length) return undefined;
  const body = new TextDecoder().decode(buffer.subarray(bodyStart, bodyStart + length));
  return { request: { method, path, headers, body }, consumed: bodyStart + length };
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/** A port nothing listens on (bound, then released): connecting to it is refused. */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

// ---- Response pieces --------------------------------------------------------------------------

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** A status line and headers, ending with the blank line. */
export function head(status: number, headers: Record<string, string | number> = {}): string {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return lines.join("\r\n") + HEADER_END;
}

/** Headers of a chunked event stream. */
export const SSE_HEAD: string = head(200, {
  "content-type": "text/event-stream",
  "transfer-encoding": "chunked",
  "cache-control": "no-cache",
});

/** One chunk of a chunked body. */
export function chunk(data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const size = encoder.encode(`${bytes.byteLength.toString(16)}\r\n`);
  const out = new Uint8Array(size.byteLength + bytes.byteLength + 2);
  out.set(size);
  out.set(bytes, size.byteLength);
  out.set([13, 10], size.byteLength + bytes.byteLength);
  return out;
}

/** The last chunk of a chunked body. */
export const LAST_CHUNK = "0\r\n\r\n";

/** A chat completion chunk carrying `content` (and optionally a finish reason / usage). */
export function delta(content: string | null, extra: Record<string, unknown> = {}): string {
  const choice: Record<string, unknown> = {
    index: 0,
    delta: content === null ? {} : { content },
    finish_reason: extra.finish_reason ?? null,
  };
  const body: Record<string, unknown> = {
    id: "chatcmpl-fault",
    object: "chat.completion.chunk",
    model: "m",
    choices: [choice],
  };
  if (extra.usage) body.usage = extra.usage;
  return JSON.stringify(body);
}

/** A usage-only chunk (`choices: []`), as OpenAI sends last with `include_usage`. */
export function usageChunk(completion: number, prompt = 3): string {
  return JSON.stringify({
    id: "chatcmpl-fault",
    object: "chat.completion.chunk",
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    },
  });
}

/** `data: <payload>\n\n`. */
export function event(payload: string, eol = "\n"): string {
  return `data: ${payload}${eol}${eol}`;
}

/** A complete, well-formed SSE body of `tokens` tokens with usage and `[DONE]`. */
export function goodStream(tokens: number, eol = "\n"): string {
  let s = "";
  for (let i = 0; i < tokens; i++) s += event(delta(`t${i} `), eol);
  s += event(delta(null, { finish_reason: "stop" }), eol);
  s += event(usageChunk(tokens), eol);
  return s + event("[DONE]", eol);
}

/** A non-streamed chat completion JSON body. */
export function completionJson(content: string, completionTokens = 2): string {
  return JSON.stringify({
    id: "chatcmpl-fault",
    object: "chat.completion",
    model: "m",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: {
      prompt_tokens: 3,
      completion_tokens: completionTokens,
      total_tokens: 3 + completionTokens,
    },
  });
}

/** Writes a whole response with a Content-Length (the connection stays open). */
export async function respond(
  socket: FaultSocket,
  status: number,
  body: string,
  headers: Record<string, string | number> = {},
): Promise<boolean> {
  const bytes = encoder.encode(body);
  return await socket.write(
    head(status, { "content-length": bytes.byteLength, ...headers }) + body,
  );
}

/** Writes `body` as a chunked event stream in one chunk per event, then the last chunk. */
export async function respondStream(socket: FaultSocket, body: string): Promise<boolean> {
  if (!await socket.write(SSE_HEAD)) return false;
  for (const ev of body.split(/(?<=\n\n)/)) {
    if (ev && !await socket.write(chunk(ev))) return false;
  }
  return await socket.write(LAST_CHUNK);
}
