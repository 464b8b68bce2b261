/**
 * One plan for every load shape: closed-loop users or open-loop arrivals, with warm-up, ramp-up and
 * the stop conditions (request count, duration). The runner executes a plan; nothing else decides
 * what is sent when.
 *
 * @module
 */
import type { RunMode } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { seededRandom } from "../random.ts";
import { type ArrivalProcess, planArrivals, resolveArrivals } from "./arrivals.ts";

/** Warm-up: a number of requests, or a span of time, whose records are marked and not counted. */
export type Warmup = { readonly requests: number } | { readonly durationMs: number };

/**
 * The load shape of a run (`BenchmarkConfig.withLoad`). Every field is optional; without any, the
 * run is the seed's: `userCount` closed-loop users, each sending `RunMode.finite(n)` requests (or
 * looping for `RunMode.longRunning(ms)`).
 *
 * Stop conditions: the run stops sending at the first of `maxRequests`, `durationMs`, the mode's
 * per-user count, or the caller's signal. `maxRequests` or `durationMs` replace the mode's per-user
 * count (users then loop until the stop). Requests in flight at a stop finish within the grace period
 * (`RunOptions.graceMs`) and are marked `inFlightAtStop`.
 */
export interface LoadShape {
  /**
   * Open loop: send at the times of this arrival process, whatever the server's pace (vLLM's
   * `--request-rate`). Without it, the run is closed-loop: each user sends its next request when
   * the previous one ended.
   */
  arrivals?: ArrivalProcess;
  /**
   * Open loop: at most this many requests in flight; a request due while the cap is reached waits
   * (its queue delay `startMs - intendedMs` shows it) and is never dropped. Default: no cap.
   */
  maxConcurrency?: number;
  /** Stop sending this long (ms) after the measured phase began (after warm-up). */
  durationMs?: number;
  /** Stop after this many measured (non-warm-up) requests were sent. */
  maxRequests?: number;
  /**
   * Requests sent first and excluded from the statistics (records get `warmup: true`): a count
   * (the first n requests) or a duration (requests sent in the first ms). Warm-up comes on top of
   * `maxRequests` and `durationMs`.
   */
  warmup?: Warmup;
  /** Closed loop: start the users linearly over this many ms (user i at `i * rampUpMs / users`). */
  rampUpMs?: number;
  /** Seed of the arrival times. Default: `RunOptions.seed`, else 0. */
  seed?: number;
  /**
   * Closed loop: each user sends until the workload has nothing more for it (multi-turn sessions),
   * instead of the mode's per-user count.
   */
  untilWorkloadEnds?: boolean;
}

/** A validated plan: what {@linkcode planLoad} builds and the runner executes. */
export interface LoadPlan {
  /** `closed`: users loop; `open`: requests are sent at planned times. */
  kind: "closed" | "open";
  /** Closed loop: user loops. Open loop: the configured user count (records, not concurrency). */
  users: number;
  /** Closed loop: requests per user, when the mode's count applies. */
  requestsPerUser?: number;
  /** Measured requests to send, when bounded. */
  maxRequests?: number;
  /** Measured duration in ms, when bounded. */
  durationMs?: number;
  /** Warm-up requests (count form), 0 when none. */
  warmupRequests: number;
  /** Warm-up time in ms (duration form), 0 when none. */
  warmupMs: number;
  /** Closed loop: ramp-up span in ms, 0 when none. */
  rampUpMs: number;
  /** Open loop: in-flight cap (`Infinity` = none). */
  maxConcurrency: number;
  /** Open loop: the arrival process. */
  arrivals?: Required<ArrivalProcess>;
  /**
   * Open loop: the intended send times planned up front (ms from the start), when the number of
   * arrivals is bounded; warm-up arrivals first.
   */
  arrivalTimesMs?: Float64Array;
  /** Requests the plan sends in total (warm-up included), when known in advance. */
  plannedRequests?: number;
}

/** Largest number of arrivals planned up front (8 bytes each). */
export const MAX_PLANNED_ARRIVALS = 10_000_000;

/**
 * Checks a load shape (the fields that can be checked without the rest of the config).
 *
 * @example Usage
 * ```ts
 * import { validateLoadShape } from "./plan.ts";
 * validateLoadShape({ arrivals: { rate: 10 }, maxRequests: 100, warmup: { requests: 5 } }); // ok
 * ```
 *
 * @param shape The shape.
 * @throws {ConfigError} Naming the first invalid field.
 */
export function validateLoadShape(shape: LoadShape): void {
  if (shape.arrivals) resolveArrivals(shape.arrivals);
  positiveInt("maxConcurrency", shape.maxConcurrency);
  positiveInt("maxRequests", shape.maxRequests);
  positiveNum("durationMs", shape.durationMs);
  nonNegative("rampUpMs", shape.rampUpMs);
  const w = shape.warmup;
  if (w) {
    if ("requests" in w) nonNegativeInt("warmup.requests", w.requests);
    else if ("durationMs" in w) nonNegative("warmup.durationMs", w.durationMs);
    else throw new ConfigError("warmup", "must be { requests } or { durationMs }", w);
  }
  if (shape.arrivals && shape.rampUpMs) {
    throw new ConfigError(
      "rampUpMs",
      "applies to closed-loop users, not to a request rate",
      shape.rampUpMs,
    );
  }
  if (!shape.arrivals && shape.maxConcurrency !== undefined) {
    throw new ConfigError(
      "maxConcurrency",
      "applies to a request rate (closed-loop concurrency is the user count)",
      shape.maxConcurrency,
    );
  }
}

/**
 * Builds the plan of a run from the user count, the run mode and the load shape. Open-loop arrival
 * times are drawn here, once, from `seed`.
 *
 * @example Usage
 * ```ts
 * import { planLoad } from "./plan.ts";
 * import { RunMode } from "../config.ts";
 * const plan = planLoad(1, RunMode.finite(1), { arrivals: { rate: 4, kind: "constant" }, maxRequests: 3 }, 0);
 * console.log(plan.kind, [...plan.arrivalTimesMs!]); // open [ 0, 250, 500 ]
 * ```
 *
 * @param users The configured user count.
 * @param mode The configured run mode.
 * @param shape The load shape (may be empty).
 * @param seed Seed of the arrival draws.
 * @param random Uniform source for the arrival draws (default: seeded from `seed`).
 * @returns The plan.
 * @throws {ConfigError} When the shape is invalid or cannot be combined with the mode.
 */
export function planLoad(
  users: number,
  mode: RunMode,
  shape: LoadShape,
  seed: number,
  random?: () => number,
): LoadPlan {
  validateLoadShape(shape);
  let durationMs = shape.durationMs;
  if (mode.kind === "longRunning") {
    if (durationMs !== undefined && durationMs !== mode.durationMs) {
      throw new ConfigError(
        "durationMs",
        `conflicts with RunMode.longRunning(${mode.durationMs})`,
        durationMs,
      );
    }
    durationMs = mode.durationMs;
  }
  const w = shape.warmup;
  const warmupRequests = w && "requests" in w ? w.requests : 0;
  const warmupMs = w && "durationMs" in w ? w.durationMs : 0;
  const ownStop = shape.maxRequests !== undefined || durationMs !== undefined ||
    shape.untilWorkloadEnds === true;
  const requestsPerUser = mode.kind === "finite" && !ownStop ? mode.requestsPerUser : undefined;
  const base = { users, durationMs, warmupRequests, warmupMs, rampUpMs: shape.rampUpMs ?? 0 };
  if (!shape.arrivals) {
    const plannedRequests = requestsPerUser !== undefined
      ? requestsPerUser * users + warmupRequests
      : shape.maxRequests !== undefined && durationMs === undefined
      ? shape.maxRequests + warmupRequests
      : undefined;
    return {
      kind: "closed",
      ...base,
      requestsPerUser,
      maxRequests: shape.maxRequests,
      maxConcurrency: users,
      plannedRequests,
    };
  }
  const arrivals = resolveArrivals(shape.arrivals);
  // Open loop: the mode's per-user count becomes the request count when nothing else bounds the run.
  const maxRequests = shape.maxRequests ??
    (requestsPerUser !== undefined ? requestsPerUser * users : undefined);
  if (arrivals.rate === Infinity && maxRequests === undefined) {
    throw new ConfigError(
      "requestRate",
      "of Infinity needs a request count (maxRequests)",
      "Infinity",
    );
  }
  const exact = arrivals.exactRate && arrivals.rate !== Infinity;
  // Measured arrivals: the request count, or (exact rate) as many as the rate fits in the duration.
  let measured = maxRequests;
  if (durationMs !== undefined && exact) {
    const fit = Math.ceil((arrivals.rate * durationMs) / 1000);
    measured = measured === undefined ? fit : Math.min(measured, fit);
  }
  const warm = warmupMs > 0
    ? (exact ? Math.ceil((arrivals.rate * warmupMs) / 1000) : undefined)
    : warmupRequests;
  const count = measured !== undefined && warm !== undefined ? warm + measured : undefined;
  if (count !== undefined && count > MAX_PLANNED_ARRIVALS) {
    throw new ConfigError(
      "maxRequests",
      `plans more than ${MAX_PLANNED_ARRIVALS} arrivals; lower the rate, duration or count`,
      count,
    );
  }
  const draw = random ?? seededArrivals(seed);
  let arrivalTimesMs: Float64Array | undefined;
  if (count !== undefined && exact) {
    // Warm-up and measured arrivals are planned as two segments, each at exactly the rate, so the
    // measured window holds exactly `measured` arrivals.
    const w = planArrivals(arrivals, warm!, draw);
    const m = planArrivals(arrivals, measured!, draw);
    const offset = warmupMs > 0 ? warmupMs : warm! > 0 ? w[warm! - 1] + 1000 / arrivals.rate : 0;
    arrivalTimesMs = new Float64Array(count);
    arrivalTimesMs.set(w);
    for (let i = 0; i < m.length; i++) arrivalTimesMs[warm! + i] = m[i] + offset;
  } else if (count !== undefined) {
    arrivalTimesMs = planArrivals(arrivals, count, draw);
  }
  return {
    kind: "open",
    ...base,
    maxRequests,
    maxConcurrency: shape.maxConcurrency ?? Infinity,
    arrivals,
    arrivalTimesMs,
    plannedRequests: count,
  };
}

function seededArrivals(seed: number): () => number {
  // A stream of its own (not shared with output lengths or jitter): adding a draw elsewhere does not
  // move the arrival times of a seed.
  return seededRandom((seed ^ 0x9e3779b9) >>> 0);
}

function positiveInt(field: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
    throw new ConfigError(field, "must be a positive integer", v);
  }
}
function nonNegativeInt(field: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 0)) {
    throw new ConfigError(field, "must be a non-negative integer", v);
  }
}
function positiveNum(field: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
    throw new ConfigError(field, "must be a positive number", v);
  }
}
function nonNegative(field: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
    throw new ConfigError(field, "must be a non-negative number", v);
  }
}

/**
 * The plan as a JSON-safe summary (snake_case; placed in the report's `meta.load`).
 *
 * @example Usage
 * ```ts
 * import { describePlan, planLoad } from "./plan.ts";
 * import { RunMode } from "../config.ts";
 * const d = describePlan(planLoad(4, RunMode.finite(2), {}, 0));
 * console.log(d.kind, d.users, d.requests_per_user); // closed 4 2
 * ```
 *
 * @param plan The plan.
 * @returns The summary.
 */
export function describePlan(plan: LoadPlan): Record<string, unknown> {
  const a = plan.arrivals;
  return {
    kind: plan.kind,
    users: plan.kind === "closed" ? plan.users : null,
    requests_per_user: plan.requestsPerUser ?? null,
    request_rate: a ? (a.rate === Infinity ? "inf" : a.rate) : null,
    arrival: a ? a.kind : null,
    burstiness: a ? a.burstiness : null,
    exact_rate: a ? a.exactRate : null,
    max_concurrency: plan.kind === "open"
      ? (plan.maxConcurrency === Infinity ? null : plan.maxConcurrency)
      : null,
    max_requests: plan.maxRequests ?? null,
    duration_s: plan.durationMs === undefined ? null : plan.durationMs / 1000,
    warmup_requests: plan.warmupRequests,
    warmup_s: plan.warmupMs / 1000,
    ramp_up_s: plan.rampUpMs / 1000,
    planned_requests: plan.plannedRequests ?? null,
  };
}
