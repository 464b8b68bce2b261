/**
 * What the schedule delivered: the send rate actually achieved against the planned one, and the
 * requests a stop caught in flight or before they were sent. Mergeable like every aggregate part.
 *
 * @module
 */
import type { RequestRecord } from "../record.ts";

/** The wire form of {@linkcode LoadStats} (snake_case, JSON-safe). */
export interface EncodedLoadStats {
  /** Requests handed to the transport (at least one attempt), warm-up excluded. */
  sent: number;
  /** Earliest and latest send time (ms), or null. */
  first_start_ms: number | null;
  /** Latest send time (ms), or null. */
  last_start_ms: number | null;
  /** Requests with an intended (scheduled) send time. */
  scheduled: number;
  /** Earliest intended send time (ms), or null. */
  first_intended_ms: number | null;
  /** Latest intended send time (ms), or null. */
  last_intended_ms: number | null;
  /** Requests in flight when the run stopped (end of duration or interruption). */
  in_flight_at_stop: number;
  /** Planned requests never sent because the run stopped first (cancelled, 0 attempts). */
  unsent: number;
}

/**
 * Accumulates the schedule's side of the records (warm-up records are not given to it).
 *
 * @example Usage
 * ```ts
 * import { LoadStats } from "./load_stats.ts";
 * const s = new LoadStats();
 * for (let i = 0; i < 5; i++) s.add({ attempts: 1, startMs: i * 100 + 1, intendedMs: i * 100 });
 * console.log(s.sendRate, s.plannedRate); // 10 10
 * ```
 */
export class LoadStats {
  #sent = 0;
  #firstStart = Infinity;
  #lastStart = -Infinity;
  #scheduled = 0;
  #firstIntended = Infinity;
  #lastIntended = -Infinity;
  #inFlightAtStop = 0;
  #unsent = 0;

  /**
   * Adds one (non-warm-up) record.
   *
   * @param r The record; only `attempts`, `startMs`, `intendedMs` and `inFlightAtStop` are read.
   */
  add(r: Pick<RequestRecord, "attempts" | "startMs" | "intendedMs" | "inFlightAtStop">): void {
    if (r.inFlightAtStop) this.#inFlightAtStop++;
    if (r.attempts === 0) {
      this.#unsent++;
      return;
    }
    this.#sent++;
    if (Number.isFinite(r.startMs)) {
      this.#firstStart = Math.min(this.#firstStart, r.startMs);
      this.#lastStart = Math.max(this.#lastStart, r.startMs);
    }
    if (r.intendedMs !== undefined && Number.isFinite(r.intendedMs)) {
      this.#scheduled++;
      this.#firstIntended = Math.min(this.#firstIntended, r.intendedMs);
      this.#lastIntended = Math.max(this.#lastIntended, r.intendedMs);
    }
  }

  /**
   * Adds everything another instance holds.
   *
   * @param other The instance to merge in; left unchanged.
   */
  merge(other: LoadStats): void {
    this.#sent += other.#sent;
    this.#firstStart = Math.min(this.#firstStart, other.#firstStart);
    this.#lastStart = Math.max(this.#lastStart, other.#lastStart);
    this.#scheduled += other.#scheduled;
    this.#firstIntended = Math.min(this.#firstIntended, other.#firstIntended);
    this.#lastIntended = Math.max(this.#lastIntended, other.#lastIntended);
    this.#inFlightAtStop += other.#inFlightAtStop;
    this.#unsent += other.#unsent;
  }

  /** Requests sent (at least one attempt). */
  get sent(): number {
    return this.#sent;
  }
  /** Requests with an intended send time. */
  get scheduled(): number {
    return this.#scheduled;
  }
  /** Requests in flight when the run stopped. */
  get inFlightAtStop(): number {
    return this.#inFlightAtStop;
  }
  /** Planned requests never sent because the run stopped first. */
  get unsent(): number {
    return this.#unsent;
  }

  /**
   * Send rate actually delivered, requests per second: `(sent - 1) / (last send - first send)`;
   * null with fewer than 2 sends or a zero span.
   */
  get sendRate(): number | null {
    return rate(this.#sent, this.#firstStart, this.#lastStart);
  }

  /** The schedule's own rate, `(scheduled - 1) / (last intended - first intended)`; null if undefined. */
  get plannedRate(): number | null {
    return rate(this.#scheduled, this.#firstIntended, this.#lastIntended);
  }

  /**
   * The JSON-safe form.
   *
   * @returns The encoded statistics.
   */
  encode(): EncodedLoadStats {
    const n = (x: number) => Number.isFinite(x) ? x : null;
    return {
      sent: this.#sent,
      first_start_ms: n(this.#firstStart),
      last_start_ms: n(this.#lastStart),
      scheduled: this.#scheduled,
      first_intended_ms: n(this.#firstIntended),
      last_intended_ms: n(this.#lastIntended),
      in_flight_at_stop: this.#inFlightAtStop,
      unsent: this.#unsent,
    };
  }

  /**
   * Rebuilds an instance from {@linkcode LoadStats.encode}'s output.
   *
   * @param e The encoded statistics.
   * @returns A new instance.
   * @throws {TypeError} When a field is not a number (or null where allowed).
   */
  static decode(e: EncodedLoadStats): LoadStats {
    const s = new LoadStats();
    const count = (key: keyof EncodedLoadStats) => {
      const v = e?.[key];
      if (!Number.isSafeInteger(v) || (v as number) < 0) invalid(key, v);
      return v as number;
    };
    const time = (key: keyof EncodedLoadStats, missing: number) => {
      const v = e?.[key];
      if (v === null) return missing;
      if (typeof v !== "number" || !Number.isFinite(v)) invalid(key, v);
      return v as number;
    };
    s.#sent = count("sent");
    s.#scheduled = count("scheduled");
    s.#inFlightAtStop = count("in_flight_at_stop");
    s.#unsent = count("unsent");
    s.#firstStart = time("first_start_ms", Infinity);
    s.#lastStart = time("last_start_ms", -Infinity);
    s.#firstIntended = time("first_intended_ms", Infinity);
    s.#lastIntended = time("last_intended_ms", -Infinity);
    return s;
  }
}

function rate(n: number, first: number, last: number): number | null {
  const span = last - first;
  return n >= 2 && Number.isFinite(span) && span > 0 ? ((n - 1) * 1000) / span : null;
}

function invalid(key: string, value: unknown): never {
  throw new TypeError(
    `Cannot decode load statistics as '${key}' is invalid: current value is ${
      JSON.stringify(value)
    }`,
  );
}
