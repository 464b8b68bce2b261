/**
 * Service-level objectives and goodput (vLLM's `--goodput`): a request is "good" when it succeeded and
 * meets every SLO the user set.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { type RequestRecord, tpotMs } from "../record.ts";

/**
 * Latency objectives in milliseconds. Unset fields are not checked. A request meets an objective when
 * its metric is less than or equal to it (vLLM's rule).
 */
export interface Slo {
  /** Maximum time to first token. A success without a TTFT does not meet it. */
  ttftMs?: number;
  /** Maximum time per output token. Requests with fewer than 2 output tokens meet it (as in vLLM). */
  tpotMs?: number;
  /** Maximum end-to-end latency. */
  e2elMs?: number;
  /** Maximum inter-token latency, checked on every gap of the request (batchbench addition). */
  itlMs?: number;
}

/** The SLO field names, in report order. */
export const SLO_FIELDS: readonly (keyof Slo)[] = ["ttftMs", "tpotMs", "e2elMs", "itlMs"];

/**
 * Checks that every set SLO is a positive finite number.
 *
 * @example Usage
 * ```ts
 * import { validateSlo } from "./slo.ts";
 * validateSlo({ ttftMs: 500 }); // ok
 * try {
 *   validateSlo({ ttftMs: -1 });
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // Cannot start benchmark as 'slo.ttftMs' must be a positive number: current value is -1
 * }
 * ```
 *
 * @param slo The objectives to check.
 * @throws {ConfigError} When a set objective is not a positive finite number.
 */
export function validateSlo(slo: Slo): void {
  for (const field of SLO_FIELDS) {
    const value = slo[field];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`slo.${field}`, "must be a positive number", value);
    }
  }
}

/**
 * True when at least one objective is set.
 *
 * @param slo The objectives, if any.
 * @returns Whether goodput should be measured.
 */
export function hasSlo(slo: Slo | undefined): slo is Slo {
  return slo !== undefined && SLO_FIELDS.some((field) => slo[field] !== undefined);
}

/**
 * Whether a request is "good": it succeeded and meets every set objective.
 *
 * @example Usage
 * ```ts
 * import { meetsSlo } from "./slo.ts";
 * const r = { outcome: "success" as const, ttftMs: 120, e2eMs: 900, outputTokens: 9, itlMs: [90, 110] };
 * console.log(meetsSlo(r, { ttftMs: 200, itlMs: 100 })); // false (one gap is 110 ms)
 * console.log(meetsSlo(r, { ttftMs: 200, tpotMs: 100 })); // true (tpot is 97.5 ms)
 * ```
 *
 * @param r The request (outcome and latency fields are read).
 * @param slo The objectives.
 * @returns True when the request succeeded and meets every set objective.
 */
export function meetsSlo(
  r: Pick<RequestRecord, "outcome" | "ttftMs" | "e2eMs" | "outputTokens" | "itlMs">,
  slo: Slo,
): boolean {
  if (r.outcome !== "success") return false;
  if (slo.ttftMs !== undefined && !(r.ttftMs !== undefined && r.ttftMs <= slo.ttftMs)) {
    return false;
  }
  if (slo.tpotMs !== undefined) {
    const tpot = tpotMs(r);
    if (tpot !== undefined && !(tpot <= slo.tpotMs)) return false;
  }
  if (slo.e2elMs !== undefined && !(r.e2eMs <= slo.e2elMs)) return false;
  if (slo.itlMs !== undefined) {
    for (const gap of r.itlMs) if (!(gap <= slo.itlMs)) return false;
  }
  return true;
}
