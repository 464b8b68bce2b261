/**
 * The dispatcher: executes a {@linkcode LoadPlan}. It decides when each request starts and which
 * requests are warm-up, and applies the stop conditions; what a request sends and how it is retried
 * is the caller's `execute`. Closed loop: one lane per user, each starting its next request when the
 * previous one ended. Open loop: one timer walks the planned arrival times and hands each due request
 * to a free lane (a new one unless `maxConcurrency` lanes are busy; then the request waits).
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { seededRandom } from "../random.ts";
import { drawGapMs } from "./arrivals.ts";
import type { LoadPlan } from "./plan.ts";

/** One request the dispatcher starts. */
export interface Ticket {
  /** 0-based number of the request in the run, in dispatch order (warm-up included). */
  seq: number;
  /** The user (closed loop) or lane (open loop) that sends it. */
  user: number;
  /** Index within the user's loop (closed loop), or the arrival number (open loop). */
  iteration: number;
  /** Open loop: the planned send time, ms from the run's start. */
  intendedMs?: number;
  /** True for a warm-up request. */
  warmup: boolean;
}

/** What {@linkcode dispatch} needs from the runner. */
export interface DispatchOptions {
  /** The plan. */
  plan: LoadPlan;
  /** Time source. */
  clock: Clock;
  /** The run's start on the clock. */
  t0: number;
  /** Aborted when no new request may start (a stop: duration end or interruption). */
  stop: AbortSignal;
  /** Aborted when the run ends: cancels the dispatcher's own timers. */
  timers: AbortSignal;
  /** Asks the runner to stop (the measured duration has elapsed). */
  endOfDuration: () => void;
  /**
   * Sends one request and records it; resolves `false` when the workload has nothing more for this
   * ticket's user (closed loop: the user stops; open loop: the run stops sending).
   */
  execute: (ticket: Ticket) => Promise<boolean>;
  /** Records a due request that was never sent because the run stopped first. */
  unsent: (ticket: Ticket, atMs: number) => void;
  /** Seed of lazily drawn arrival gaps (open loop without a planned count). */
  seed: number;
}

/**
 * Runs a plan to its end: resolves when every request it started has ended.
 *
 * @param o The plan, the clock, the signals and the runner's callbacks.
 */
export function dispatch(o: DispatchOptions): Promise<void> {
  return o.plan.kind === "closed" ? closedLoop(o) : openLoop(o);
}

/** Shared bookkeeping: ticket numbers, warm-up, the measured phase and its duration timer. */
class Counter {
  seq = 0;
  measured = 0;
  #measuredStartMs: number | undefined;
  constructor(private o: DispatchOptions) {}

  /** Whether a request numbered `seq`, due at `atMs` (from the start), is warm-up. */
  isWarmup(atMs: number): boolean {
    const p = this.o.plan;
    return this.seq < p.warmupRequests || atMs < p.warmupMs;
  }

  /** Marks the start of the measured phase (first call wins) and arms the duration timer. */
  measuredPhaseAt(atMs: number): void {
    if (this.#measuredStartMs !== undefined) return;
    this.#measuredStartMs = atMs;
    const d = this.o.plan.durationMs;
    if (d === undefined) return;
    const { clock, t0, timers } = this.o;
    clock.sleep(t0 + atMs + d - clock.now(), timers).then(this.o.endOfDuration, () => {});
  }

  /** End of the measured window (ms from the start), when a duration bounds it and it began. */
  get windowEndMs(): number | undefined {
    const d = this.o.plan.durationMs;
    return d === undefined || this.#measuredStartMs === undefined
      ? undefined
      : this.#measuredStartMs + d;
  }

  /** True when the request count is used up. */
  get full(): boolean {
    const max = this.o.plan.maxRequests;
    return max !== undefined && this.measured >= max;
  }

  issue(user: number, iteration: number, atMs: number, intendedMs?: number): Ticket {
    const warmup = this.isWarmup(intendedMs ?? atMs);
    if (!warmup) {
      this.measured++;
      this.measuredPhaseAt(intendedMs ?? atMs);
    }
    const ticket: Ticket = { seq: this.seq++, user, iteration, warmup };
    if (intendedMs !== undefined) ticket.intendedMs = intendedMs;
    return ticket;
  }
}

async function closedLoop(o: DispatchOptions): Promise<void> {
  const { plan, clock, t0, stop } = o;
  const counter = new Counter(o);
  if (plan.warmupRequests === 0) counter.measuredPhaseAt(plan.warmupMs);
  const user = async (u: number) => {
    const delay = plan.users > 1 ? (u * plan.rampUpMs) / plan.users : 0;
    if (delay > 0) {
      try {
        await clock.sleep(t0 + delay - clock.now(), stop);
      } catch {
        return; // stopped before this user's turn
      }
    }
    let measured = 0;
    for (let iteration = 0;; iteration++) {
      if (stop.aborted || counter.full) return;
      if (plan.requestsPerUser !== undefined && measured >= plan.requestsPerUser) return;
      const ticket = counter.issue(u, iteration, clock.now() - t0);
      if (!ticket.warmup) measured++;
      if (!await o.execute(ticket)) return;
    }
  };
  await Promise.all(Array.from({ length: plan.users }, (_, u) => user(u)));
}

async function openLoop(o: DispatchOptions): Promise<void> {
  const { plan, clock, t0, stop } = o;
  const counter = new Counter(o);
  const lanes = new Lanes(plan.maxConcurrency);
  const inFlight = new Set<Promise<void>>();
  const next = arrivalSource(plan, o.seed);
  let more = true;
  let failure: { error: unknown } | undefined;
  let arrival = 0;
  if (plan.warmupRequests === 0) counter.measuredPhaseAt(plan.warmupMs);
  // Whether an arrival belongs to the run (not past the request count or the measured window).
  const admissible = (t: number) => {
    if (counter.isWarmup(t)) return true;
    if (counter.full) return false;
    counter.measuredPhaseAt(t);
    const end = counter.windowEndMs;
    return end === undefined || t < end;
  };
  for (let t = next(); t !== undefined && more; t = next(), arrival++) {
    if (stop.aborted || !admissible(t)) break;
    const wait = t0 + t - clock.now();
    if (wait > 0) {
      try {
        await clock.sleep(wait, stop);
      } catch {
        break; // stopped before this arrival was due
      }
    }
    let lane: number;
    try {
      lane = await lanes.acquire(stop);
    } catch {
      // Stopped while due requests waited for a lane: each is recorded as never sent.
      const now = clock.now() - t0;
      for (let u: number | undefined = t; u !== undefined && u <= now && admissible(u);) {
        o.unsent(counter.issue(-1, arrival, now, u), now);
        u = next();
        arrival++;
      }
      break;
    }
    const ticket = counter.issue(lane, arrival, clock.now() - t0, t);
    const running: Promise<void> = o.execute(ticket).then(
      (ok) => void (more &&= ok),
      (error) => {
        // A workload that throws stops the run; the error is not swallowed.
        failure ??= { error };
        more = false;
      },
    ).finally(() => {
      lanes.release(lane);
      inFlight.delete(running);
    });
    inFlight.add(running);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
}

/** The open loop's arrival times: planned up front, or drawn lazily when the count is unbounded. */
function arrivalSource(plan: LoadPlan, seed: number): () => number | undefined {
  const planned = plan.arrivalTimesMs;
  let i = 0;
  if (planned) return () => i < planned.length ? planned[i++] : undefined;
  const random = seededRandom((seed ^ 0x9e3779b9) >>> 0);
  let t = 0;
  return () => {
    const at = t;
    t += drawGapMs(plan.arrivals!, random);
    i++;
    return at;
  };
}

/** Concurrency lanes: numbered slots, the lowest free one first; waiters are served in order. */
class Lanes {
  #free: number[] = [];
  #count = 0;
  #waiters: { resolve: (lane: number) => void }[] = [];
  constructor(private max: number) {}

  acquire(signal: AbortSignal): Promise<number> {
    if (this.#free.length > 0) {
      this.#free.sort((a, b) => a - b);
      return Promise.resolve(this.#free.shift()!);
    }
    if (this.#count < this.max) return Promise.resolve(this.#count++);
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (lane: number) => {
          signal.removeEventListener("abort", onAbort);
          resolve(lane);
        },
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  release(lane: number): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(lane);
    else this.#free.push(lane);
  }
}
