/**
 * The transport interface: how bytes move. The runner only sees this; `fetch` is the default.
 *
 * @module
 */

/** A request to send. The body is already serialised. */
export interface TransportRequest {
  /** Absolute URL. */
  url: string;
  /** HTTP method (always POST for generation endpoints). */
  method: string;
  /** Request headers. */
  headers: Record<string, string>;
  /** Serialised body. */
  body: string;
  /** Aborts the request (per-attempt deadline combined with the run's signal). */
  signal: AbortSignal;
}

/** A response whose body is read chunk by chunk as it arrives. */
export interface TransportResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers (lower-case names). */
  headers: Headers;
  /**
   * The body's chunks as they arrive. Reading stops early when the consumer returns. A chunk may be a
   * view of a buffer the transport reuses once the next chunk is requested: copy what you keep.
   */
  body: AsyncIterable<Uint8Array>;
}

/**
 * Moves bytes. Implementations reject with an error whose `name` is "AbortError"/"TimeoutError" when the
 * signal aborts, and with a connection error otherwise; the runner classifies both.
 */
export interface Transport {
  /**
   * Sends a request and resolves when response headers arrive.
   *
   * @param request What to send.
   */
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Releases pooled connections. */
  close?(): Promise<void> | void;
}
