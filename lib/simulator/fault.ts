/**
 * Faults the simulator can inject into a response, chosen per request by
 * {@linkcode SimulatorOptions.fault}.
 *
 * @module
 */

/**
 * A misbehaviour to inject into one response. Token counts (`afterTokens`) are capped at the
 * request's output length.
 *
 * - `status`: answer at once with this HTTP status (default body: an OpenAI-style JSON error).
 * - `stall`: send `afterTokens` tokens, then nothing more until the request is aborted (a non-streamed
 *   request never gets its headers).
 * - `endless`: stream tokens forever, until the request is aborted.
 * - `truncate`: end the body after `afterTokens` tokens, with no finish reason and no `[DONE]`
 *   (a non-streamed body is cut in half).
 * - `error_event`: after `afterTokens` tokens, an in-band `{"error": {...}}` event, then `[DONE]`.
 * - `malformed`: after `afterTokens` tokens, one data line of invalid JSON, then the rest as usual.
 * - `huge_event`: the first token event is padded so that it is `bytes` bytes long.
 * - `empty`: a well-formed stream (or body) with no output tokens at all.
 * - `json_for_stream`: answer a streamed request with a plain JSON completion.
 * - `raw`: write exactly these chunks (one per token slot of the timing schedule), then close.
 * - `echo_auth`: status 401 with the received `Authorization` header inside the error message.
 */
export type Fault =
  | {
    kind: "status";
    status: number;
    body?: string;
    contentType?: string;
    headers?: Record<string, string>;
  }
  | { kind: "stall"; afterTokens: number }
  | { kind: "endless" }
  | { kind: "truncate"; afterTokens: number }
  | { kind: "error_event"; afterTokens: number; message?: string }
  | { kind: "malformed"; afterTokens: number }
  | { kind: "huge_event"; bytes: number }
  | { kind: "empty" }
  | { kind: "json_for_stream" }
  | { kind: "raw"; chunks: (string | Uint8Array)[] }
  | { kind: "echo_auth" };

/** What a fault chooser knows about the request it is deciding for. */
export interface FaultInfo {
  /** The request's URL path, e.g. `/v1/chat/completions`. */
  path: string;
  /** The parsed JSON body. */
  body: unknown;
  /** The request's headers. */
  headers: Headers;
}

/** Chooses a fault for request number `n` (0-based, counting every request received), or none. */
export type FaultChooser = (n: number, info: FaultInfo) => Fault | undefined;
