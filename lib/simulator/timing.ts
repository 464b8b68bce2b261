/**
 * When token events are due: absolute target times computed from the request's arrival, so timer
 * lateness never accumulates.
 *
 * @module
 */

/** Timing parameters of one simulated generation. */
export interface EventTiming {
  /** Delay from arrival to the first event, in milliseconds. */
  ttftMs: number;
  /** Delay between consecutive events, in milliseconds. */
  gapMs: number;
  /** Uniform +-jitter added to every delay (each delay is clamped at 0), in milliseconds. */
  jitterMs: number;
  /** Random source in [0, 1) for the jitter. */
  random: () => number;
}

/**
 * Yields the absolute due time of each event: `arrival + ttft`, then `+ gap` each, with jitter.
 * The sequence is endless; take as many as needed.
 *
 * @example Usage
 * ```ts
 * import { eventTimes } from "./timing.ts";
 * const times = eventTimes(100, { ttftMs: 20, gapMs: 5, jitterMs: 0, random: Math.random });
 * console.log(times.next().value, times.next().value); // 120 125
 * ```
 *
 * @param arrivalMs When the request arrived, on the simulator's clock.
 * @param timing Delays and jitter.
 * @returns An endless iterator of due times in milliseconds.
 */
export function* eventTimes(arrivalMs: number, timing: EventTiming): Generator<number, never> {
  const jittered = (ms: number) =>
    timing.jitterMs > 0 ? Math.max(0, ms + (timing.random() * 2 - 1) * timing.jitterMs) : ms;
  let at = arrivalMs + jittered(timing.ttftMs);
  while (true) {
    yield at;
    at += jittered(timing.gapMs);
  }
}
