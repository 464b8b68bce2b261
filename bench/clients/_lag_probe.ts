/**
 * The event-loop lag probe every Deno process of the benchmark runs (simulator and clients alike, so
 * their figures compare): every `intervalMs` a timer posts a message to itself through a
 * MessageChannel and records how long the message took to arrive, i.e. how long a callback that
 * became ready now (like a socket read) waits for the event loop. Unlike a timer's lateness, this
 * does not include the timer's own granularity (setTimeout fires 0.3 ms late at the median and
 * 1.6 ms at p99 on an idle machine here; a posted message arrives in 0.07 ms). The Python client
 * (vllm_style.py) runs the same probe on asyncio (`call_soon` from a periodic task).
 *
 * @module
 */

/** Lag percentiles in ms. */
export interface LagSummary {
  /** Median lag, ms. */
  p50: number;
  /** 90th percentile lag, ms. */
  p90: number;
  /** 99th percentile lag, ms. */
  p99: number;
  /** Largest lag, ms. */
  max: number;
  /** Samples taken. */
  samples: number;
}

/** A periodic timer that records its own lateness. */
export class LagProbe {
  #intervalMs: number;
  #samples: number[] = [];
  #timer?: ReturnType<typeof setInterval>;
  #sent = 0;
  #channel?: MessageChannel;

  /**
   * Creates a stopped probe.
   *
   * @param intervalMs Period of the timer, ms.
   */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Starts probing. */
  start(): void {
    const channel = new MessageChannel();
    this.#channel = channel;
    channel.port1.onmessage = () => this.#samples.push(performance.now() - this.#sent);
    this.#timer = setInterval(() => {
      this.#sent = performance.now();
      channel.port2.postMessage(0);
    }, this.#intervalMs);
  }

  /** Stops probing. */
  stop(): void {
    clearInterval(this.#timer);
    this.#channel?.port1.close();
    this.#channel?.port2.close();
  }

  /** Forgets the samples so far. */
  reset(): void {
    this.#samples = [];
  }

  /**
   * Percentiles of the samples so far.
   *
   * @returns The summary.
   */
  summary(): LagSummary {
    const s = [...this.#samples].sort((a, b) => a - b);
    const at = (q: number) =>
      s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(q * s.length))];
    const max = s.length ? s[s.length - 1] : 0;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max, samples: s.length };
  }
}
