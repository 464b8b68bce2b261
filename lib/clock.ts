/**
 * Time, injected. Every timing-sensitive part of batchbench takes a {@linkcode Clock} so tests can drive
 * time exactly with {@linkcode ManualClock} instead of sleeping.
 *
 * @module
 */

/** A source of monotonic time in milliseconds and of cancellable sleeps. */
export interface Clock {
  /** Monotonic time in milliseconds (fractional); only differences are meaningful. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first.
   *
   * @param ms Milliseconds to wait; values <= 0 resolve on the next turn.
   * @param signal Optional cancellation.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `performance.now()` and `setTimeout`.
 *
 * @example Usage
 * ```ts
 * import { realClock } from "./clock.ts";
 * const t0 = realClock.now();
 * await realClock.sleep(1);
 * console.log(realClock.now() >= t0);
 * ```
 */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(id);
        reject(signal!.reason);
      };
      const id = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/**
 * A clock that only moves when told to. Sleepers wake, in deadline order, when {@linkcode ManualClock.advance}
 * passes their deadline.
 *
 * @example Usage
 * ```ts
 * import { ManualClock } from "./clock.ts";
 * const clock = new ManualClock();
 * let woke = false;
 * const p = clock.sleep(100).then(() => woke = true);
 * await clock.advance(99);
 * console.log(woke); // false
 * await clock.advance(1);
 * await p;
 * console.log(woke); // true
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: { at: number; resolve: () => void }[] = [];

  /**
   * Creates a manual clock.
   *
   * @param start The initial time in milliseconds.
   */
  constructor(start = 0) {
    this.#now = start;
  }

  /** The current manual time. */
  now(): number {
    return this.#now;
  }

  /** Number of sleepers waiting. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /**
   * Waits until the manual time passes `now() + ms`.
   *
   * @param ms Milliseconds to wait.
   * @param signal Optional cancellation.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = {
        at: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /**
   * Moves time forward by `ms`, waking every sleeper whose deadline is reached, in order, and letting
   * their continuations run before the next one wakes.
   *
   * @param ms Milliseconds to advance.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    while (true) {
      this.#sleepers.sort((a, b) => a.at - b.at);
      const next = this.#sleepers[0];
      if (!next || next.at > target) break;
      this.#sleepers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
