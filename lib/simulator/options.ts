/**
 * Options of the simulator, their defaults and their validation.
 *
 * @module
 */

import { type Clock, realClock } from "../clock.ts";
import { ConfigError } from "../errors.ts";
import type { FaultChooser } from "./fault.ts";

/** Options of the simulator (`Simulator` in ./handler.ts). */
export interface SimulatorOptions {
  /**
   * Delay from request arrival to the first output token event, in milliseconds.
   *
   * @default {20}
   */
  ttftMs?: number;
  /**
   * Delay between output tokens, in milliseconds. With `tokensPerEvent` k, events are k * itlMs
   * apart, so the per-token rate does not change.
   *
   * @default {5}
   */
  itlMs?: number;
  /**
   * Output tokens when the request sets no `max_completion_tokens` / `max_tokens` / `max_new_tokens`
   * (finish reason `stop`; with a max field it is `length`).
   *
   * @default {16}
   */
  outputTokens?: number;
  /**
   * Uniform +-jitter added to each delay (clamped at 0), drawn from a PRNG seeded with `seed` and
   * the request number.
   *
   * @default {0}
   */
  jitterMs?: number;
  /**
   * Seed of every random choice (jitter).
   *
   * @default {0}
   */
  seed?: number;
  /**
   * The clock every delay sleeps on; pass a `ManualClock` to drive time in tests.
   *
   * @default {realClock}
   */
  clock?: Clock;
  /**
   * Output tokens per streamed event (servers that batch tokens); the last event may carry fewer.
   *
   * @default {1}
   */
  tokensPerEvent?: number;
  /**
   * On the chat endpoint, how many of the output tokens come first as `delta.reasoning_content`
   * (they count in `completion_tokens`, and in `completion_tokens_details.reasoning_tokens`).
   *
   * @default {0}
   */
  reasoningTokens?: number;
  /** Chooses a fault for request number `n` (0-based, counting every request received). */
  fault?: FaultChooser;
  /**
   * Ground truth for benchmarks: called with `clock.now()` right after each token-carrying event is
   * enqueued (`tokenIndex` = index of the event's first token); for a non-streamed answer, once
   * with `tokenIndex` 0 when the body is produced.
   */
  onTokenWritten?: (requestNumber: number, tokenIndex: number, tMs: number) => void;
  /**
   * How many received requests are kept in `Simulator.received`.
   *
   * @default {1000}
   */
  maxLogged?: number;
}

/** Options with every default filled in. */
export type ResolvedOptions =
  & Required<Omit<SimulatorOptions, "fault" | "onTokenWritten">>
  & Pick<SimulatorOptions, "fault" | "onTokenWritten">;

/**
 * Fills in defaults and validates the numbers.
 *
 * @example Usage
 * ```ts
 * import { resolveOptions } from "./options.ts";
 * console.log(resolveOptions({ itlMs: 2 }).ttftMs); // 20
 * ```
 *
 * @param options The options as given.
 * @returns The options with every default filled in.
 * @throws {ConfigError} When a number is out of range, e.g. a negative `ttftMs`.
 */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  return {
    ...options,
    ttftMs: nonNegative("ttftMs", options.ttftMs ?? 20),
    itlMs: nonNegative("itlMs", options.itlMs ?? 5),
    jitterMs: nonNegative("jitterMs", options.jitterMs ?? 0),
    outputTokens: integer("outputTokens", options.outputTokens ?? 16, 0),
    tokensPerEvent: integer("tokensPerEvent", options.tokensPerEvent ?? 1, 1),
    reasoningTokens: integer("reasoningTokens", options.reasoningTokens ?? 0, 0),
    maxLogged: integer("maxLogged", options.maxLogged ?? 1000, 0),
    seed: options.seed ?? 0,
    clock: options.clock ?? realClock,
  };
}

function nonNegative(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(field, "must be a non-negative number", value, "start simulator");
  }
  return value;
}

function integer(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(
      field,
      min > 0 ? "must be a positive integer" : "must be a non-negative integer",
      value,
      "start simulator",
    );
  }
  return value;
}
