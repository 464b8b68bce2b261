/**
 * Retry policy: which failures are worth another attempt, and how long to wait before it.
 *
 * @module
 */
import type { AttemptError } from "./record.ts";

/** What the policy needs to know about a failed attempt. */
export interface FailedAttempt {
  /** The attempt's error. */
  error: AttemptError;
  /** True when output had already arrived before the failure (never retried: it would double-count). */
  gotOutput: boolean;
}

/**
 * Decides whether a failed attempt is retried (FAULTS: connection errors except TLS, timeouts and resets
 * before the first token, 408/409/429, 5xx; never another 4xx, an in-band error or a protocol error).
 *
 * @example Usage
 * ```ts
 * import { isRetryable } from "./retry.ts";
 * console.log(isRetryable({ error: { kind: "http_5xx", message: "", status: 503 }, gotOutput: false })); // true
 * console.log(isRetryable({ error: { kind: "http_4xx", message: "", status: 400 }, gotOutput: false })); // false
 * ```
 *
 * @param attempt The failed attempt.
 * @returns True when another attempt may succeed.
 */
export function isRetryable(attempt: FailedAttempt): boolean {
  const { error, gotOutput } = attempt;
  switch (error.kind) {
    case "connect_error":
      return !/certificate|tls|ssl|handshake/i.test(error.message);
    case "timeout":
    case "connection_reset":
    case "incomplete_body":
      return !gotOutput;
    case "http_429":
    case "http_5xx":
      return true;
    case "http_4xx":
      return error.status === 408 || error.status === 409;
    default:
      return false;
  }
}

/**
 * Backoff before retry number `retry` (1-based): `base * 2^(retry-1)`, with "equal jitter" (half fixed,
 * half random) so users that failed together do not retry together; capped at `maxMs`.
 *
 * @example Usage
 * ```ts
 * import { backoffMs } from "./retry.ts";
 * console.log(backoffMs(3, 100, 10_000, () => 1)); // 400
 * console.log(backoffMs(3, 100, 10_000, () => 0)); // 200
 * ```
 *
 * @param retry 1-based retry number.
 * @param baseMs Base delay.
 * @param maxMs Largest delay.
 * @param random Source of randomness in [0, 1).
 * @returns Milliseconds to wait.
 */
export function backoffMs(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const full = Math.min(maxMs, baseMs * 2 ** (retry - 1));
  return full / 2 + (full / 2) * random();
}

/**
 * Reads a server's requested wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date).
 * Returns `undefined` when absent or unreadable; never negative; capped at `maxMs`.
 *
 * @example Usage
 * ```ts
 * import { retryAfterMs } from "./retry.ts";
 * console.log(retryAfterMs(new Headers({ "retry-after": "2" }), 0, 60_000)); // 2000
 * console.log(retryAfterMs(new Headers({ "retry-after-ms": "150" }), 0, 60_000)); // 150
 * console.log(retryAfterMs(new Headers({ "retry-after": "9999999" }), 0, 60_000)); // 60000
 * ```
 *
 * @param headers Response headers.
 * @param nowEpochMs Current wall-clock time (for HTTP dates), epoch milliseconds.
 * @param maxMs Cap.
 * @returns Milliseconds to wait, or undefined.
 */
export function retryAfterMs(
  headers: Headers,
  nowEpochMs: number,
  maxMs: number,
): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return clamp(Number(ms), maxMs);
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return clamp(Number(value) * 1000, maxMs);
  if (!/[a-z]/i.test(value)) return undefined; // not seconds, and not an HTTP date
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return clamp(date - nowEpochMs, maxMs);
}

function clamp(ms: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(0, ms));
}
