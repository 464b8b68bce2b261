// runBenchmark on a manual clock against the in-process simulator: every time is exact.
import { ManualClock } from "../lib/clock.ts";
import { BenchmarkConfig, RunMode } from "../lib/config.ts";
import type { RequestRecord } from "../lib/record.ts";
import type { BenchmarkReport } from "../lib/report/report.ts";
import { runBenchmark, type RunOptions } from "../lib/runner.ts";
import { Simulator, type SimulatorOptions } from "../lib/simulator/handler.ts";
import { FetchTransport } from "../lib/transport/fetch.ts";

export const BODY = {
  model: "m",
  messages: [{ role: "user", content: "hello world" }],
  stream: true,
  stream_options: { include_usage: true },
};

export interface Harness {
  clock: ManualClock;
  sim: Simulator;
  records: RequestRecord[];
  /** Arrival time (manual ms) of every request the simulator received, in order. */
  arrivals: number[];
  /** Most requests the simulator had in progress at once. */
  peak(): number;
  run(config: BenchmarkConfig, options?: RunOptions, stepMs?: number): Promise<BenchmarkReport>;
}

export function harness(simOptions: SimulatorOptions = {}): Harness {
  const clock = new ManualClock();
  const sim = new Simulator({ clock, maxLogged: 100_000, ...simOptions });
  const arrivals: number[] = [];
  let inFlight = 0;
  let peak = 0;
  const transport = new FetchTransport(async (input, init) => {
    arrivals.push(clock.now());
    inFlight++;
    peak = Math.max(peak, inFlight);
    const res = await sim.handler(new Request(input as string, init), {
      signal: init?.signal ?? undefined,
    });
    // Count the request as done when its body has been read to the end.
    const body = res.body;
    if (!body) {
      inFlight--;
      return res;
    }
    const counted = body.pipeThrough(
      new TransformStream({
        flush: () => void inFlight--,
        cancel: () => void inFlight--,
      } as Transformer<Uint8Array, Uint8Array>),
    );
    return new Response(counted, { status: res.status, headers: res.headers });
  });
  const records: RequestRecord[] = [];
  return {
    clock,
    sim,
    records,
    arrivals,
    peak: () => peak,
    async run(config, options = {}, stepMs = 1) {
      let done = false;
      const p = runBenchmark(config, {
        clock,
        transport,
        monitorHealth: false,
        seed: 1,
        onRecord: (r) => records.push(r),
        ...options,
      }).finally(() => done = true);
      // Let the client's promise chains settle before time moves, so a request due at t is sent at
      // exactly t (as the real clock would, give or take the event loop).
      for (let i = 0; !done && i < 2_000_000; i++) {
        for (let k = 0; k < 300; k++) await Promise.resolve();
        await clock.advance(stepMs);
      }
      return await p;
    },
  };
}

export const config = (users: number, mode = RunMode.finite(1)): BenchmarkConfig =>
  BenchmarkConfig.tryNew("http://sim/v1/chat/completions", undefined, users, mode, BODY);
