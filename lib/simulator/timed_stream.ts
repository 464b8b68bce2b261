/**
 * Turns a sequence of timed writes into a response body: a `ReadableStream` whose `pull()` sleeps on
 * the injected clock until each write is due, and stops (clearing its timer) when aborted or
 * cancelled.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { StreamStep } from "./stream_plan.ts";

/** Options of {@linkcode timedStream}. */
export interface TimedStreamOptions {
  /** The clock to sleep on. */
  clock: Clock;
  /** The client went away: error the stream with the signal's reason and clear any pending sleep. */
  signal?: AbortSignal;
  /** The server is shutting down: close the stream where it is (no error) and clear any sleep. */
  endSignal?: AbortSignal;
  /** Called with the token index and `clock.now()` right after a token-carrying write is enqueued. */
  onTokenWritten?: (tokenIndex: number, tMs: number) => void;
  /** Called once when the stream ends for any reason (closed, cancelled or aborted). */
  onEnd?: () => void;
  /**
   * How many writes may be queued ahead of the reader, so that writes happen on schedule even when
   * the reader is slow.
   *
   * @default {256}
   */
  highWaterMark?: number;
}

/**
 * Creates a byte stream that performs `steps` at their due times.
 *
 * @example Usage
 * ```ts
 * import { timedStream } from "./timed_stream.ts";
 * import { ManualClock } from "../clock.ts";
 * const clock = new ManualClock();
 * const body = timedStream([{ atMs: 10, data: "hi" }][Symbol.iterator](), {
 *   clock,
 * });
 * const text = new Response(body).text();
 * await clock.advance(10);
 * console.log(await text); // "hi"
 * ```
 *
 * @param steps The writes, in order (may be endless).
 * @param options Clock, cancellation and callbacks.
 * @returns The stream of encoded bytes.
 */
export function timedStream(
  steps: Iterator<StreamStep>,
  options: TimedStreamOptions,
): ReadableStream<Uint8Array> {
  const { clock, signal, endSignal } = options;
  const stop = new AbortController();
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    signal?.removeEventListener("abort", onAbort);
    endSignal?.removeEventListener("abort", onEndSignal);
    options.onEnd?.();
  };
  const finish = (
    how: (c: ReadableStreamDefaultController<Uint8Array>) => void,
    reason: unknown,
  ) => {
    stop.abort(reason);
    try {
      how(controller);
    } catch { /* already closed */ }
    end();
  };
  const onAbort = () => finish((c) => c.error(signal!.reason), signal!.reason);
  const onEndSignal = () => finish((c) => c.close(), endSignal!.reason);

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (signal?.aborted) return onAbort();
      if (endSignal?.aborted) return onEndSignal();
      signal?.addEventListener("abort", onAbort, { once: true });
      endSignal?.addEventListener("abort", onEndSignal, { once: true });
    },
    async pull(c) {
      const next = steps.next();
      if (next.done) {
        c.close();
        return end();
      }
      const step = next.value;
      if ("hold" in step) return await aborted(stop.signal);
      const waitMs = step.atMs - clock.now();
      if (waitMs > 0) {
        try {
          await clock.sleep(waitMs, stop.signal);
        } catch {
          return;
        }
      }
      if (stop.signal.aborted) return;
      c.enqueue(typeof step.data === "string" ? encoder.encode(step.data) : step.data);
      if (step.tokenIndex !== undefined) options.onTokenWritten?.(step.tokenIndex, clock.now());
    },
    cancel(reason) {
      stop.abort(reason);
      end();
    },
  }, new CountQueuingStrategy({ highWaterMark: options.highWaterMark ?? 256 }));
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
