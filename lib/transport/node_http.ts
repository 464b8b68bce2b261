/**
 * A transport on `node:http` / `node:https`. Deno's `fetch` cannot skip TLS certificate verification
 * for one client (only the process-wide `--unsafely-ignore-certificate-errors` flag can), so
 * `--insecure` uses this transport; it runs on Deno, Node and Bun alike.
 *
 * @module
 */
import http from "node:http";
import https from "node:https";
import type { Transport, TransportRequest, TransportResponse } from "./types.ts";

/** Options of {@linkcode NodeHttpTransport}. */
export interface NodeHttpTransportOptions {
  /**
   * Verify the server's TLS certificate. Turning it off accepts any certificate (self-signed,
   * expired, for another name): anyone on the path can then read the API key.
   *
   * @default {true}
   */
  verifyTls?: boolean;
  /** Extra trusted CA certificates (PEM), for servers signed by a private CA. */
  caCerts?: string[];
}

/**
 * Sends requests with `node:http(s)`, keeping connections alive, and exposes the body as its chunks.
 *
 * @example Usage
 * ```ts
 * import { NodeHttpTransport } from "./node_http.ts";
 * const transport = new NodeHttpTransport({ verifyTls: false });
 * console.log(typeof transport.send); // function
 * await transport.close();
 * ```
 */
export class NodeHttpTransport implements Transport {
  readonly #http: http.Agent;
  readonly #https: https.Agent;

  /**
   * Creates the transport.
   *
   * @param options TLS verification and extra CA certificates.
   */
  constructor(options: NodeHttpTransportOptions = {}) {
    this.#http = new http.Agent({ keepAlive: true });
    this.#https = new https.Agent({
      keepAlive: true,
      rejectUnauthorized: options.verifyTls ?? true,
      ...(options.caCerts ? { ca: options.caCerts } : {}),
    });
  }

  /**
   * Sends a request; resolves when the response headers arrive.
   *
   * @param request What to send.
   * @returns The response, whose body is read as it arrives.
   */
  send(request: TransportRequest): Promise<TransportResponse> {
    const url = new URL(request.url);
    const secure = url.protocol === "https:";
    const lib = secure ? https : http;
    const body = new TextEncoder().encode(request.body);
    return new Promise((resolve, reject) => {
      const { signal } = request;
      if (signal.aborted) return reject(signal.reason);
      const req = lib.request(url, {
        method: request.method,
        headers: { ...request.headers, "content-length": String(body.byteLength) },
        agent: secure ? this.#https : this.#http,
      });
      const onAbort = () => req.destroy(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("error", (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(signal.aborted ? signal.reason : e);
      });
      req.on("response", (res) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
        }
        res.on("end", () => signal.removeEventListener("abort", onAbort));
        res.on("close", () => signal.removeEventListener("abort", onAbort));
        resolve({ status: res.statusCode ?? 0, headers, body: chunksOf(res, signal) });
      });
      req.end(body);
    });
  }

  /** Closes pooled connections. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

async function* chunksOf(
  res: http.IncomingMessage,
  signal: AbortSignal,
): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of res) {
      yield chunk instanceof Uint8Array ? chunk : new TextEncoder().encode(String(chunk));
    }
    if (!res.complete) throw new Error("connection closed before the body was complete");
  } catch (e) {
    throw signal.aborted ? signal.reason : e;
  } finally {
    if (!res.complete) res.destroy(); // stopped early: drop the connection rather than drain it
  }
}
