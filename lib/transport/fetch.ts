/**
 * The default transport: the platform's `fetch`.
 *
 * @module
 */
import type { Transport, TransportRequest, TransportResponse } from "./types.ts";

const EMPTY: AsyncIterable<Uint8Array> = {
  async *[Symbol.asyncIterator]() {},
};

/**
 * Sends requests with `fetch` and exposes the body as the stream of chunks the runtime delivers.
 *
 * @example Usage
 * ```ts
 * import { FetchTransport } from "./fetch.ts";
 * const transport = new FetchTransport();
 * console.log(typeof transport.send); // function
 * ```
 */
export class FetchTransport implements Transport {
  readonly #fetch: typeof fetch;
  readonly #init: Record<string, unknown>;
  readonly #onClose?: () => void;

  /**
   * Creates the transport.
   *
   * @param fetchImpl The `fetch` to use; default `globalThis.fetch` (inject one to test without sockets).
   * @param options `init`: extra fetch options for every request (e.g. Deno's `{ client }` made by
   *   `Deno.createHttpClient({ caCerts })` for a private CA); `onClose`: called by
   *   {@linkcode FetchTransport.close} (e.g. to close that client).
   */
  constructor(
    fetchImpl: typeof fetch = globalThis.fetch,
    options: { init?: Record<string, unknown>; onClose?: () => void } = {},
  ) {
    this.#fetch = fetchImpl;
    this.#init = options.init ?? {};
    this.#onClose = options.onClose;
  }

  /** Runs the `onClose` given at construction. */
  close(): void {
    this.#onClose?.();
  }

  /**
   * Sends a request; resolves when headers arrive.
   *
   * @param request What to send.
   * @returns The response, whose body is read as it arrives.
   */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const res = await this.#fetch(request.url, {
      ...this.#init,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      // Never follow: a redirect would carry the request's credential headers to another place.
      redirect: "manual",
    });
    const body = res.body;
    if (!body) return { status: res.status, headers: res.headers, body: EMPTY };
    // Keep the Response reachable while its body is read: Deno's fetch reaches the body through a
    // weak reference to it when the signal aborts, so once a garbage collection took the Response,
    // a deadline no longer stopped an endless stream (tests/transport/fetch_test.ts).
    const held: AsyncIterable<Uint8Array> & { response: Response } = {
      response: res,
      [Symbol.asyncIterator]: () => body[Symbol.asyncIterator](),
    };
    return { status: res.status, headers: res.headers, body: held };
  }
}
