/**
 * A bounded set of example failures: per failure kind, the N earliest (by start time) failed requests.
 * "Earliest" rather than "first seen" makes the set independent of the order records arrive in, so
 * merged shards keep exactly what one aggregator would have kept.
 *
 * @module
 */

import { OUTCOME_KINDS, type OutcomeKind, type RequestRecord } from "../record.ts";

/** One failed request, kept as an example for the report. */
export interface FailureRecord {
  /** 0-based index of the user that sent it. */
  user: number;
  /** 0-based index of the request within its user's loop. */
  iteration: number;
  /** The failure kind of its last attempt. */
  kind: OutcomeKind;
  /** Short, redacted message of the last attempt's error. */
  message: string;
  /** HTTP status of the last attempt, when a response arrived. */
  status?: number;
  /** Attempts made. */
  attempts: number;
  /** When the request's first attempt started (ms on the run's clock). */
  startMs: number;
}

/**
 * Converts a failed record into a {@linkcode FailureRecord}.
 *
 * @example Usage
 * ```ts
 * import { failureOf } from "./failure_examples.ts";
 * const f = failureOf({
 *   user: 1, iteration: 0, attempts: 3, outcome: "http_5xx", startMs: 5,
 *   error: { kind: "http_5xx", message: "overloaded", status: 503 },
 * });
 * console.log(f.kind, f.status, f.message); // http_5xx 503 overloaded
 * ```
 *
 * @param r The record.
 * @returns The failure example.
 */
export function failureOf(
  r: Pick<
    RequestRecord,
    "user" | "iteration" | "attempts" | "outcome" | "error" | "status" | "startMs"
  >,
): FailureRecord {
  const status = r.error?.status ?? r.status;
  const failure: FailureRecord = {
    user: r.user,
    iteration: r.iteration,
    kind: r.outcome,
    message: r.error?.message ?? r.outcome,
    attempts: r.attempts,
    startMs: r.startMs,
  };
  if (status !== undefined) failure.status = status;
  return failure;
}

/**
 * Keeps, per kind, the `limit` earliest failures (by `startMs`, then user, then iteration).
 *
 * @example Usage
 * ```ts
 * import { FailureExamples } from "./failure_examples.ts";
 * const ex = new FailureExamples(1);
 * ex.add({ user: 0, iteration: 1, kind: "timeout", message: "late", attempts: 1, startMs: 20 });
 * ex.add({ user: 0, iteration: 0, kind: "timeout", message: "late", attempts: 1, startMs: 10 });
 * console.log(ex.list().map((f) => f.startMs)); // [ 10 ]
 * ```
 */
export class FailureExamples {
  /** Maximum examples kept per kind. */
  readonly limit: number;
  #byKind = new Map<OutcomeKind, FailureRecord[]>();

  /**
   * Creates an empty set.
   *
   * @param limit Maximum examples kept per kind (a non-negative integer).
   */
  constructor(limit: number) {
    this.limit = limit;
  }

  /**
   * Offers a failure; it is kept when it is among the `limit` earliest of its kind.
   *
   * @param failure The failure.
   */
  add(failure: FailureRecord): void {
    if (this.limit === 0) return;
    let list = this.#byKind.get(failure.kind);
    if (!list) this.#byKind.set(failure.kind, list = []);
    if (list.length === this.limit && compare(failure, list[list.length - 1]) >= 0) return;
    let at = list.length;
    while (at > 0 && compare(failure, list[at - 1]) < 0) at--;
    list.splice(at, 0, failure);
    if (list.length > this.limit) list.pop();
  }

  /**
   * Offers every example of another set.
   *
   * @param other The set to merge in; left unchanged.
   */
  merge(other: FailureExamples): void {
    for (const failure of other.list()) this.add(failure);
  }

  /**
   * The kept examples, grouped by kind (in {@linkcode OUTCOME_KINDS} order), earliest first.
   *
   * @returns A new array.
   */
  list(): FailureRecord[] {
    return OUTCOME_KINDS.flatMap((kind) => this.#byKind.get(kind) ?? []);
  }
}

function compare(a: FailureRecord, b: FailureRecord): number {
  return a.startMs - b.startMs || a.user - b.user || a.iteration - b.iteration;
}
