/**
 * An idle (stall) timeout: aborts when no byte arrived for a while, so a stream that stalls fails
 * long before the per-request deadline. One timer per idle period, not one per chunk: a chunk only
 * stores its arrival time.
 *
 * @module
 */
import type { Clock } from "./clock.ts";

/**
 * Watches the gaps between received chunks.
 *
 * @example Usage
 * ```ts
 * import { ManualClock } from "./clock.ts";
 * import { IdleTimeout } from "./idle_timeout.ts";
 * const clock = new ManualClock();
 * const idle = new IdleTimeout(clock, 100);
 * await clock.advance(60);
 * idle.touch();
 * await clock.advance(60);
 * console.log(idle.signal.aborted); // false
 * await clock.advance(40);
 * console.log(idle.signal.aborted); // true
 * idle.dispose();
 * ```
 */
export class IdleTimeout {
  readonly #clock: Clock;
  readonly #ms: number;
  readonly #controller = new AbortController();
  readonly #stop = new AbortController();
  #lastMs: number;

  /**
   * Starts watching now.
   *
   * @param clock Time source.
   * @param ms Longest allowed gap in milliseconds; positive.
   */
  constructor(clock: Clock, ms: number) {
    this.#clock = clock;
    this.#ms = ms;
    this.#lastMs = clock.now();
    void this.#watch();
  }

  /** Aborted (with a TimeoutError) once a gap exceeded the timeout. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Records that bytes arrived.
   *
   * @param nowMs The arrival time, when the caller already took it.
   */
  touch(nowMs: number = this.#clock.now()): void {
    this.#lastMs = nowMs;
  }

  /** Stops watching. */
  dispose(): void {
    this.#stop.abort();
  }

  async #watch(): Promise<void> {
    try {
      while (true) {
        const waitMs = this.#lastMs + this.#ms - this.#clock.now();
        if (waitMs <= 0) break;
        await this.#clock.sleep(waitMs, this.#stop.signal);
      }
    } catch {
      return; // disposed
    }
    this.#controller.abort(
      new DOMException(`no bytes for ${this.#ms} ms (stalled stream)`, "TimeoutError"),
    );
  }
}
