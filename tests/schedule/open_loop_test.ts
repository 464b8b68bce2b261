// Open-loop runs on a manual clock: the plan is kept exactly, nothing is dropped silently.
import { assert, assertEquals } from "../_assert.ts";
import { RunMode } from "../../lib/config.ts";
import { planArrivals } from "../../lib/schedule/arrivals.ts";
import { seededRandom } from "../../lib/random.ts";
import { config, harness } from "../_manual_run.ts";

Deno.test("Poisson at 20 req/s: the planned rate is delivered within 2%, every request sent on time", async () => {
  const h = harness({ ttftMs: 20, itlMs: 5, outputTokens: 4 });
  const report = await h.run(
    config(1).withLoad({ arrivals: { rate: 20, kind: "poisson" }, maxRequests: 300, seed: 7 }),
  );
  // Zero silent drops: every planned request reached the server and has a record.
  assertEquals(h.sim.requestCount, 300);
  assertEquals(report.totalRequests, 300);
  assertEquals(report.successfulRequests, 300);
  assertEquals(report.load.unsentRequests, 0);
  // The schedule is the seeded plan, and each request was sent exactly at its intended time.
  const plan = planArrivals({ rate: 20 }, 300, seededRandom((7 ^ 0x9e3779b9) >>> 0));
  const intended = h.records.map((r) => r.intendedMs!).sort((a, b) => a - b);
  assertEquals(intended, [...plan]);
  for (const r of h.records) assert(Math.abs(r.startMs - r.intendedMs!) < 1e-6);
  h.arrivals.forEach((t, i) =>
    assert(Math.abs(t - plan[i]) < 1e-6, `arrival ${i}: ${t} vs ${plan[i]}`)
  );
  // Delivered rate and dispatch lateness are reported.
  assert(Math.abs(report.load.sendRate! - 20) / 20 < 0.02, `delivered ${report.load.sendRate}`);
  assert(Math.abs(report.load.plannedRate! - 20) < 1e-9, `planned ${report.load.plannedRate}`);
  assertEquals(report.queue.count, 300);
  assertEquals(report.queue.p99Ms, 0);
  assertEquals(report.queue.maxMs, 0);
  assertEquals((report.meta.load as Record<string, unknown>).request_rate, 20);
});

Deno.test("--max-concurrency: due requests wait for a lane, keep their intended time, none is dropped", async () => {
  // 100 req/s, each request takes 10 + 9 * 5 = 55 ms: at most 2 in flight, so the queue grows.
  const h = harness({ ttftMs: 10, itlMs: 5, outputTokens: 10 });
  const report = await h.run(
    config(1).withLoad({
      arrivals: { rate: 100, kind: "constant" },
      maxRequests: 20,
      maxConcurrency: 2,
    }),
  );
  assertEquals(h.sim.requestCount, 20);
  assertEquals(report.totalRequests, 20);
  assertEquals(h.peak(), 2);
  const byArrival = [...h.records].sort((a, b) => a.iteration - b.iteration);
  byArrival.forEach((r, i) => assertEquals(r.intendedMs, i * 10));
  assertEquals(byArrival[0].startMs - byArrival[0].intendedMs!, 0);
  // From the third on, each request starts the moment a lane frees (an earlier request ends).
  const ends = h.records.map((r) => r.endMs).sort((a, b) => a - b);
  for (let k = 2; k < 20; k++) assertEquals(byArrival[k].startMs, ends[k - 2]);
  assert(byArrival[19].startMs >= 9 * 55, "55 ms per request, two at a time");
  const lateness = byArrival[19].startMs - 190;
  assert(Math.abs(report.queue.maxMs! - lateness) < 0.5, `${report.queue.maxMs} vs ${lateness}`);
  assert(new Set(h.records.map((r) => r.user)).size === 2, "two lanes");
  // Scheduled E2E includes the queue delay.
  assert(report.e2elIntended.maxMs! >= lateness + 55);
});

Deno.test("a duration stop while requests queue: in-flight ones finish, due ones are recorded as never sent", async () => {
  const h = harness({ ttftMs: 100, itlMs: 0, outputTokens: 1 });
  const report = await h.run(
    config(1).withLoad({
      arrivals: { rate: 100, kind: "constant" },
      durationMs: 250,
      maxConcurrency: 1,
    }),
    { graceMs: 1_000 },
  );
  // Sends at 0, 100, 200 (one lane, 100 ms each); at 250 the run stops with 22 arrivals due.
  assertEquals(h.sim.requestCount, 3);
  const sent = h.records.filter((r) => r.attempts > 0);
  const unsent = h.records.filter((r) => r.attempts === 0);
  assertEquals(sent.length, 3);
  assertEquals(sent.filter((r) => r.inFlightAtStop).length, 1);
  assertEquals(sent.every((r) => r.outcome === "success"), true);
  assertEquals(unsent.length, 22, "arrivals at 30..240 ms were due but never sent");
  assert(unsent.every((r) => r.outcome === "cancelled" && r.intendedMs! < 250));
  assertEquals(report.totalRequests, 25);
  assertEquals(report.load.unsentRequests, 22);
  assertEquals(report.load.inFlightAtStop, 1);
  assertEquals(report.cancelledRequests, 22);
});

Deno.test("open-loop warm-up: the first requests are marked and excluded; the count comes on top", async () => {
  const h = harness({ ttftMs: 1, itlMs: 1, outputTokens: 2 });
  const report = await h.run(
    config(1, RunMode.finite(1)).withLoad({
      arrivals: { rate: 50, kind: "constant" },
      maxRequests: 10,
      warmup: { requests: 4 },
    }),
  );
  assertEquals(h.sim.requestCount, 14);
  assertEquals(h.records.filter((r) => r.warmup).map((r) => r.iteration).sort(), [0, 1, 2, 3]);
  assertEquals(report.warmupRequests, 4);
  assertEquals(report.totalRequests, 10);
  assertEquals(report.load.sendRate, 50);
});

Deno.test("an infinite rate sends every request at once", async () => {
  const h = harness({ ttftMs: 10, itlMs: 1, outputTokens: 2 });
  const report = await h.run(config(3).withLoad({ arrivals: { rate: Infinity }, maxRequests: 12 }));
  assertEquals(h.arrivals, new Array(12).fill(0));
  assertEquals(h.peak(), 12);
  assertEquals(report.successfulRequests, 12);
});

Deno.test("gamma arrivals without exact rate: the server sees vLLM's i.i.d. schedule for the seed", async () => {
  const h = harness({ ttftMs: 1, itlMs: 1, outputTokens: 1 });
  const arrivals = { rate: 40, kind: "gamma" as const, burstiness: 0.5, exactRate: false };
  await h.run(config(1).withLoad({ arrivals, maxRequests: 50, seed: 2 }));
  const plan = planArrivals(arrivals, 50, seededRandom((2 ^ 0x9e3779b9) >>> 0));
  assert(Math.abs(plan[49] - 49 * 25) > 1, "not rescaled");
  h.arrivals.forEach((t, i) => assert(Math.abs(t - plan[i]) < 1e-6, `arrival ${i}`));
});
