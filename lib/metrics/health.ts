/**
 * Client health: is the benchmark client itself the bottleneck? A callback that waits for the event
 * loop means every timestamp the client took was late as well, and the latencies it reports include
 * client delay.
 *
 * Thresholds, from bench/ (2 cores shared by client, server and other work): the lag measured here
 * tracks the client's own share of the timing error (reported minus true TTFT/ITL); an idle client
 * shows a p99 of 0.1-1 ms, with rare scheduling hiccups of a few ms on a busy machine (so a p99 over a
 * short run can read 5 ms while idle). A p99 above 10 ms, or any stall above 50 ms, means a sizeable
 * share of the timestamps are late by a sizeable part of typical inter-token latencies (10-50 ms):
 * the report then says the client was the bottleneck.
 *
 * @module
 */

import { type Clock, realClock } from "../clock.ts";
import { Histogram } from "./histogram.ts";

/** The client's own health during a run. */
export interface ClientHealth {
  /** Event-loop lag (how late a periodic timer fired vs its schedule), in ms; null without samples. */
  loopLagMs: { p50: number | null; p99: number | null; max: number | null; samples: number };
  /** CPU time (user + system) the client process used during the run, when measured. */
  cpuSeconds?: number;
  /** `cpuSeconds` over wall time, in percent (can exceed 100 with several threads), when measured. */
  cpuPercent?: number;
  /** True when the lag says the client was the bottleneck: latencies then include client delay. */
  clientBound: boolean;
  /** Why `clientBound` is true. */
  reason?: string;
}

/** When event-loop lag makes a client "client-bound". */
export interface ClientBoundThresholds {
  /**
   * The client is bound when the p99 lag exceeds this, in ms.
   *
   * @default {10}
   */
  p99LagMs?: number;
  /**
   * The client is bound when the maximum lag exceeds this, in ms.
   *
   * @default {50}
   */
  maxLagMs?: number;
}

/** CPU use measured over a wall-clock span. */
export interface CpuSpan {
  /** CPU time used (user + system), in seconds. */
  cpuSeconds: number;
  /** Wall-clock time of the span, in ms. */
  wallMs: number;
}

/**
 * Judges client health from a histogram of event-loop lag samples (µs). Usable on lag histograms
 * merged from several workers.
 *
 * @example Usage
 * ```ts
 * import { Histogram } from "./histogram.ts";
 * import { assessClientHealth } from "./health.ts";
 * const lagUs = new Histogram();
 * lagUs.record(200, 99);
 * lagUs.record(80_000); // one 80 ms stall
 * const health = assessClientHealth(lagUs);
 * console.log(health.clientBound, health.reason);
 * // true event-loop lag max 80.0 ms > 50 ms
 * ```
 *
 * @param lagUs Lag samples in microseconds.
 * @param thresholds When to call the client bound.
 * @param cpu CPU use over the run, when measured.
 * @returns The client health.
 */
export function assessClientHealth(
  lagUs: Histogram,
  thresholds: ClientBoundThresholds = {},
  cpu?: CpuSpan,
): ClientHealth {
  const p99Limit = thresholds.p99LagMs ?? 10;
  const maxLimit = thresholds.maxLagMs ?? 50;
  const toMs = (us: number | undefined) => us === undefined ? null : us / 1000;
  const loopLagMs = {
    p50: toMs(lagUs.percentile(50)),
    p99: toMs(lagUs.percentile(99)),
    max: toMs(lagUs.max),
    samples: lagUs.count,
  };
  const reasons: string[] = [];
  if (loopLagMs.p99 !== null && loopLagMs.p99 > p99Limit) {
    reasons.push(`event-loop lag p99 ${loopLagMs.p99.toFixed(1)} ms > ${p99Limit} ms`);
  }
  if (loopLagMs.max !== null && loopLagMs.max > maxLimit) {
    reasons.push(`event-loop lag max ${loopLagMs.max.toFixed(1)} ms > ${maxLimit} ms`);
  }
  const health: ClientHealth = { loopLagMs, clientBound: reasons.length > 0 };
  if (reasons.length > 0) health.reason = reasons.join("; ");
  if (cpu) {
    health.cpuSeconds = cpu.cpuSeconds;
    if (cpu.wallMs > 0) health.cpuPercent = (cpu.cpuSeconds * 100_000) / cpu.wallMs;
  }
  return health;
}

/** Options of {@linkcode LoopLagMonitor}. */
export interface LoopLagMonitorOptions extends ClientBoundThresholds {
  /**
   * Period of the probing timer, in ms. A probe costs a few microseconds.
   *
   * @default {20}
   */
  intervalMs?: number;
  /**
   * Source of time and timers.
   *
   * @default {realClock}
   */
  clock?: Clock;
  /** CPU time used so far by the process, in µs (e.g. `process.cpuUsage`); injected by the caller. */
  cpuUsage?: () => { user: number; system: number };
}

/** A function that posts a message to itself and resolves with how long it waited, in ms. */
function messagePing(signal: AbortSignal): () => Promise<number> {
  const channel = new MessageChannel();
  let waiting: ((ms: number) => void) | undefined;
  let sentMs = 0;
  channel.port1.onmessage = () => {
    const resolve = waiting;
    waiting = undefined;
    resolve?.(performance.now() - sentMs);
  };
  signal.addEventListener("abort", () => {
    channel.port1.close();
    channel.port2.close();
    waiting?.(0);
  }, { once: true });
  return () =>
    new Promise((resolve) => {
      waiting = resolve;
      sentMs = performance.now();
      channel.port2.postMessage(0);
    });
}

/**
 * Measures event-loop lag: a timer sleeps `intervalMs` again and again. On the real clock, each time it
 * wakes it posts a message to itself (a MessageChannel) and records how long the message waited for
 * the event loop: exactly what a socket read that became ready at that moment waits before the client
 * stamps it. (A timer's own lateness is not used there: timers fire 0.3-1.6 ms late on an idle machine,
 * and under heavy I/O Deno runs them after every ready read, so they read tens of ms late while reads
 * are stamped within 2 ms: bench/ shows the message delay tracks the measured timing error, the
 * timer's lateness does not.) On another clock (tests), the timer's lateness. Call
 * {@linkcode LoopLagMonitor.stop} to end it: while running, its pending timer keeps the event loop
 * alive.
 *
 * @example Usage
 * ```ts
 * import { ManualClock } from "../clock.ts";
 * import { LoopLagMonitor } from "./health.ts";
 * const clock = new ManualClock();
 * const monitor = new LoopLagMonitor({ clock, intervalMs: 10 });
 * monitor.start();
 * await clock.advance(100);
 * const health = monitor.stop();
 * console.log(health.loopLagMs.samples, health.loopLagMs.max, health.clientBound); // 10 0 false
 * ```
 */
export class LoopLagMonitor {
  /** Lag samples recorded so far, in µs. */
  readonly lagUs: Histogram = new Histogram();
  #intervalMs: number;
  #clock: Clock;
  #cpuUsage?: () => { user: number; system: number };
  #thresholds: ClientBoundThresholds;
  #controller?: AbortController;
  #dueMs?: number;
  #startMs = 0;
  #cpuStartUs = 0;
  #stopped?: { atMs: number; cpuUs: number | undefined };

  /**
   * Creates a stopped monitor.
   *
   * @param options Period, clock, CPU probe and thresholds.
   * @throws {RangeError} When `intervalMs` is not a positive finite number.
   */
  constructor(options: LoopLagMonitorOptions = {}) {
    const intervalMs = options.intervalMs ?? 20;
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new RangeError(
        `Cannot create monitor as 'intervalMs' must be a positive number: current value is ${intervalMs}`,
      );
    }
    this.#intervalMs = intervalMs;
    this.#clock = options.clock ?? realClock;
    this.#cpuUsage = options.cpuUsage;
    this.#thresholds = { p99LagMs: options.p99LagMs, maxLagMs: options.maxLagMs };
  }

  /** Starts probing (no effect when already running). */
  start(): void {
    if (this.#controller) return;
    this.#controller = new AbortController();
    this.#stopped = undefined;
    this.#startMs = this.#clock.now();
    this.#cpuStartUs = this.#cpuNowUs() ?? 0;
    void this.#probe(this.#controller.signal);
  }

  async #probe(signal: AbortSignal): Promise<void> {
    const ping = this.#clock === realClock ? messagePing(signal) : undefined;
    while (!signal.aborted) {
      this.#dueMs = this.#clock.now() + this.#intervalMs;
      try {
        await this.#clock.sleep(this.#intervalMs, signal);
      } catch {
        return;
      }
      if (!ping) {
        this.#recordLag();
        continue;
      }
      this.#dueMs = undefined;
      const waitedMs = await ping();
      if (signal.aborted) return;
      this.lagUs.record(waitedMs * 1000);
    }
  }

  #recordLag(): void {
    if (this.#dueMs === undefined) return;
    const lagMs = this.#clock.now() - this.#dueMs;
    this.#dueMs = undefined;
    if (lagMs >= 0) this.lagUs.record(lagMs * 1000);
  }

  #cpuNowUs(): number | undefined {
    const usage = this.#cpuUsage?.();
    return usage === undefined ? undefined : usage.user + usage.system;
  }

  /**
   * The health so far, without stopping (after {@linkcode LoopLagMonitor.stop}: up to the stop).
   *
   * @returns The client health measured since {@linkcode LoopLagMonitor.start}.
   */
  snapshot(): ClientHealth {
    const endMs = this.#stopped ? this.#stopped.atMs : this.#clock.now();
    const cpuEndUs = this.#stopped ? this.#stopped.cpuUs : this.#cpuNowUs();
    const cpu = cpuEndUs === undefined ? undefined : {
      cpuSeconds: (cpuEndUs - this.#cpuStartUs) / 1e6,
      wallMs: endMs - this.#startMs,
    };
    return assessClientHealth(this.lagUs, this.#thresholds, cpu);
  }

  /**
   * Stops probing. A tick already overdue (the loop was blocked until now) is recorded first.
   *
   * @returns The client health over the whole run.
   */
  stop(): ClientHealth {
    if (this.#controller) {
      this.#recordLag();
      this.#controller.abort();
      this.#controller = undefined;
      this.#stopped = { atMs: this.#clock.now(), cpuUs: this.#cpuNowUs() };
    }
    return this.snapshot();
  }
}
