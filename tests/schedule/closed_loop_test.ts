// Closed-loop shapes on a manual clock: ramp-up, warm-up, duration and request-count stops.
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { BenchmarkConfig, RunMode } from "../../lib/config.ts";
import { ConfigError } from "../../lib/errors.ts";
import { planLoad } from "../../lib/schedule/plan.ts";
import { recordWorkload } from "../../lib/workload/workload.ts";
import { BODY, config, harness } from "../_manual_run.ts";

Deno.test("linear ramp-up: user i sends its first request at i * rampUp / users", async () => {
  const h = harness({ ttftMs: 5, itlMs: 1, outputTokens: 2 });
  await h.run(config(4, RunMode.finite(2)).withLoad({ rampUpMs: 1_000 }));
  const firsts = [0, 1, 2, 3].map((u) =>
    Math.min(...h.records.filter((r) => r.user === u).map((r) => r.startMs))
  );
  assertEquals(firsts, [0, 250, 500, 750]);
  assertEquals(h.sim.requestCount, 8);
});

Deno.test("warm-up by count: the first n requests are marked and excluded, on top of the rest", async () => {
  const h = harness({ ttftMs: 5, itlMs: 1, outputTokens: 2 });
  const report = await h.run(config(2, RunMode.finite(3)).withLoad({ warmup: { requests: 3 } }));
  assertEquals(h.sim.requestCount, 9, "2 users x 3 measured + 3 warm-up");
  assertEquals(h.records.filter((r) => r.warmup).length, 3);
  assertEquals(report.warmupRequests, 3);
  assertEquals(report.totalRequests, 6);
  const firstMeasured = Math.min(...h.records.filter((r) => !r.warmup).map((r) => r.startMs));
  assertEquals(report.durationMs, Math.max(...h.records.map((r) => r.endMs)) - firstMeasured);
});

Deno.test("warm-up by duration, then a measured duration: in-flight requests at the end are marked", async () => {
  // Each request takes 10 + 3 * 10 = 40 ms; 2 users; warm-up 100 ms, then 200 ms measured.
  const h = harness({ ttftMs: 10, itlMs: 10, outputTokens: 4 });
  const report = await h.run(
    config(2, RunMode.finite(1)).withLoad({ warmup: { durationMs: 100 }, durationMs: 200 }),
    { graceMs: 1_000 },
  );
  const warm = h.records.filter((r) => r.warmup);
  assert(warm.every((r) => r.startMs < 100));
  assertEquals(warm.length, 6, "starts at 0, 40, 80 for each user");
  const measured = h.records.filter((r) => !r.warmup);
  assert(measured.every((r) => r.startMs >= 100 && r.startMs < 300));
  assertEquals(measured.length, 10, "starts at 120, 160, 200, 240, 280");
  assertEquals(measured.filter((r) => r.inFlightAtStop).map((r) => r.startMs), [280, 280]);
  assert(measured.every((r) => r.outcome === "success"), "they finished within the grace");
  assertEquals(report.load.inFlightAtStop, 2);
  assertEquals(report.totalRequests, 10);
});

Deno.test("max requests: users loop until exactly n measured requests were sent", async () => {
  const h = harness({ ttftMs: 3, itlMs: 1, outputTokens: 2 });
  const report = await h.run(config(3, RunMode.finite(1)).withLoad({ maxRequests: 10 }));
  assertEquals(h.sim.requestCount, 10);
  assertEquals(report.totalRequests, 10);
  assertEquals(report.meta.load && (report.meta.load as Record<string, unknown>).max_requests, 10);
});

Deno.test("records are cycled in order in a duration run, or drawn at random (seeded)", async () => {
  const records = ["a", "b", "c"].map((p) => ({
    body: { ...BODY, messages: [{ role: "user", content: p }] },
  }));
  const sent = async (order: "cycle" | "random") => {
    const h = harness({ ttftMs: 5, itlMs: 0, outputTokens: 1 });
    await h.run(
      config(1, RunMode.longRunning(50)).withWorkload(recordWorkload({ records, order, seed: 3 })),
    );
    return h.sim.received.map((r) => (r.body as typeof BODY).messages[0].content).join("");
  };
  assertEquals(await sent("cycle"), "abcabcabca");
  const random = await sent("random");
  assertEquals(random.length, 10);
  assert(random !== "abcabcabca" && /^[abc]+$/.test(random), random);
  assertEquals(await sent("random"), random, "the same seed draws the same records");
});

Deno.test("plan validation names the field", () => {
  const c = BenchmarkConfig.tryNew(
    "http://sim/v1/chat/completions",
    null,
    1,
    RunMode.finite(1),
    BODY,
  );
  assertThrows(() => c.withLoad({ maxRequests: 0 }), ConfigError, "maxRequests");
  assertThrows(() => c.withLoad({ maxConcurrency: 2 }), ConfigError, "maxConcurrency");
  assertThrows(
    () => c.withLoad({ arrivals: { rate: 1 }, rampUpMs: 10 }),
    ConfigError,
    "rampUpMs",
  );
  assertThrows(
    () => planLoad(1, RunMode.finite(1), { arrivals: { rate: Infinity }, durationMs: 5 }, 0),
    ConfigError,
    "requestRate",
  );
  const p = planLoad(2, RunMode.finite(3), { arrivals: { rate: 10 } }, 0);
  assertEquals(p.plannedRequests, 6, "open loop without a count: users x requests per user");
  const d = planLoad(1, RunMode.finite(1), { arrivals: { rate: 10 }, durationMs: 2_000 }, 0);
  assertEquals(d.plannedRequests, 20);
});
