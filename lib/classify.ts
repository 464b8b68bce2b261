/**
 * Classifies an exception thrown while an attempt was sending or reading into a failure kind (FAULTS):
 * cancelled, timeout, connect_error (refused, DNS, TLS), connection_reset (dropped before the response
 * headers were complete), incomplete_body (dropped mid-body) or protocol_error (not HTTP).
 *
 * @module
 */
import type { AttemptError } from "./record.ts";

/** Where the attempt was when the exception was thrown. */
export type AttemptPhase = "before" | "body";

/** The signals that explain an abort. */
export interface AbortCauses {
  /** The run was cancelled (interruption past the grace period). */
  cancel: AbortSignal;
  /** The per-attempt deadline passed (only `aborted` is read). */
  deadline: Pick<AbortSignal, "aborted">;
  /** No byte arrived for the idle timeout (a stalled stream). */
  idle?: AbortSignal;
}

const TLS =
  /certificate|\btls\b|\bssl\b|handshake|UnknownIssuer|NotValidForName|self[- ]signed|CERT_/i;
const CONNECT =
  /\(Connect\)|connect error|connection refused|dns error|lookup|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|network is unreachable|no route to host/i;
const NOT_HTTP =
  /invalid HTTP|parse error|HPE_|message head is too large|invalid (status|header|chunk)|unexpected message/i;

/**
 * Maps a thrown value to a failure kind and a message (the whole `cause` chain, so runtimes that wrap
 * the real reason, like `fetch failed`, still say what happened). The message is not redacted yet.
 *
 * @example Usage
 * ```ts
 * import { classifyThrown } from "./classify.ts";
 * const signals = { cancel: new AbortController().signal, deadline: new AbortController().signal };
 * const refused = new TypeError("fetch failed", {
 *   cause: new Error("client error (Connect): tcp connect error: Connection refused (os error 111)"),
 * });
 * console.log(classifyThrown(refused, "before", signals)[0]); // connect_error
 * const reset = new TypeError("fetch failed", { cause: new Error("Connection reset by peer") });
 * console.log(classifyThrown(reset, "before", signals)[0]); // connection_reset
 * console.log(classifyThrown(new TypeError("error reading a body"), "body", signals)[0]); // incomplete_body
 * ```
 *
 * @param e The thrown value.
 * @param phase `before` the response headers were complete, or while reading the `body`.
 * @param causes The signals that explain an abort.
 * @returns The kind and the message.
 */
export function classifyThrown(
  e: unknown,
  phase: AttemptPhase,
  causes: AbortCauses,
): [AttemptError["kind"], string] {
  if (causes.cancel.aborted) return ["cancelled", "the run was cancelled"];
  if (causes.deadline.aborted) {
    return [
      "timeout",
      phase === "before"
        ? "no response headers before the deadline"
        : "response not complete before the deadline",
    ];
  }
  if (causes.idle?.aborted) return ["timeout", String(causes.idle.reason?.message ?? "stalled")];
  const message = errorChain(e);
  const notHttp = hasName(e, "HttpProtocolError") || NOT_HTTP.test(message);
  if (phase === "before") {
    if (notHttp) return ["protocol_error", `not an HTTP response: ${message}`];
    if (TLS.test(message)) return ["connect_error", `TLS: ${message}`];
    if (CONNECT.test(message)) return ["connect_error", message];
    return ["connection_reset", message];
  }
  if (notHttp) return ["protocol_error", message];
  return ["incomplete_body", message];
}

/**
 * The messages of an error and its `cause` chain, joined with `: ` (repeats dropped).
 *
 * @example Usage
 * ```ts
 * import { errorChain } from "./classify.ts";
 * console.log(errorChain(new Error("fetch failed", { cause: new Error("reset") }))); // fetch failed: reset
 * ```
 *
 * @param e Any thrown value.
 * @returns The text.
 */
export function errorChain(e: unknown): string {
  const parts: string[] = [];
  let current: unknown = e;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    const code = (current as { code?: unknown }).code;
    const withCode = typeof code === "string" && !text.includes(code) ? `${text} (${code})` : text;
    if (withCode && !parts.some((p) => p.includes(withCode))) parts.push(withCode);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ") || "unknown error";
}

function hasName(e: unknown, name: string): boolean {
  for (let c = e, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) {
    if (c.name === name || c.constructor.name === name) return true;
  }
  return false;
}
