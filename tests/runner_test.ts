// runBenchmark through its public API, on a manual clock: the simulator handler is called in-process
// through an injected fetch, so every time below is exact.
import { assert, assertEquals } from "./_assert.ts";
import { BenchmarkConfig, RunMode } from "../lib/config.ts";
import type { Fault } from "../lib/simulator/handler.ts";
import { BODY, harness } from "./_manual_run.ts";

const config = (users: number, mode = RunMode.finite(1)) =>
  BenchmarkConfig.tryNew("http://sim/v1/chat/completions", undefined, users, mode, BODY);

Deno.test("exact TTFT, ITL, TPOT and E2E on a manual clock", async () => {
  const h = harness({ ttftMs: 30, itlMs: 10, outputTokens: 5 });
  const report = await h.run(config(4, RunMode.finite(2)));
  assertEquals(report.successfulRequests, 8);
  assertEquals(report.totalCompletionTokens, 40);
  for (const r of h.records) {
    assertEquals(r.ttftMs, 30);
    assertEquals(r.itlMs, [10, 10, 10, 10]);
    assertEquals(r.e2eMs, 70);
    assertEquals(r.outputTokensSource, "usage");
  }
  assertEquals(report.ttft.p50Ms, 30);
  assertEquals(report.itl.p99Ms, 10);
  assertEquals(report.tpot.meanMs, 10);
  assertEquals(report.e2el.maxMs, 70);
});

Deno.test("retries a 503 with exponential backoff; attempts and delay are recorded", async () => {
  const faults: (Fault | undefined)[] = [
    { kind: "status", status: 503, body: "busy" },
    { kind: "status", status: 503, body: "busy" },
  ];
  const h = harness({ ttftMs: 0, itlMs: 0, outputTokens: 1, fault: (n) => faults[n] });
  const report = await h.run(config(1).withRetry(3, 100));
  assertEquals(h.sim.requestCount, 3, "two failures then a success");
  assertEquals(report.successfulRequests, 1);
  assertEquals(report.attempts, 3);
  const [r] = h.records;
  assertEquals(r.attempts, 3);
  // Equal jitter: retry 1 waits in [50, 100], retry 2 in [100, 200].
  assert(r.retryDelayMs >= 150 && r.retryDelayMs <= 300, `${r.retryDelayMs}`);
});

Deno.test("Retry-After from a 429 replaces the backoff", async () => {
  const h = harness({
    ttftMs: 0,
    itlMs: 0,
    outputTokens: 1,
    fault: (n) =>
      n === 0 ? { kind: "status", status: 429, headers: { "retry-after": "2" } } : undefined,
  });
  await h.run(config(1).withRetry(2, 10));
  const [r] = h.records;
  assertEquals(r.outcome, "success");
  assertEquals(r.attempts, 2);
  assertEquals(r.retryDelayMs, 2000);
});

Deno.test("a 400 is not retried and its excerpt is kept", async () => {
  const h = harness({
    fault: () => ({ kind: "status", status: 400, body: '{"error":{"message":"bad model"}}' }),
  });
  const report = await h.run(config(2).withRetry(5, 1));
  assertEquals(h.sim.requestCount, 2);
  assertEquals(report.failedRequests, 2);
  assertEquals(report.failuresByKind.http_4xx, 2);
  assertEquals(h.records[0].error?.message, "HTTP 400: bad model");
});

Deno.test("a stalled stream times out after the per-request deadline and is not retried", async () => {
  const h = harness({
    ttftMs: 5,
    itlMs: 5,
    outputTokens: 10,
    fault: () => ({ kind: "stall", afterTokens: 2 }),
  });
  const report = await h.run(config(1).withRequestTimeout(1000).withRetry(2, 1));
  const [r] = h.records;
  assertEquals(r.outcome, "timeout");
  assertEquals(r.attempts, 1, "output had arrived: a retry would double-count");
  assertEquals(r.endMs - r.startMs, 1000);
  assertEquals(report.failuresByKind.timeout, 1);
});

Deno.test("long-running mode stops starting requests at the duration", async () => {
  const h = harness({ ttftMs: 10, itlMs: 10, outputTokens: 10 }); // 100 ms per request
  const report = await h.run(config(2, RunMode.longRunning(1000)));
  // Each user: requests start at 0, 100, ..., 900: ten each.
  assertEquals(report.totalRequests, 20);
  assertEquals(report.successfulRequests, 20);
  assert(h.records.every((r) => r.startMs < 1000));
});

Deno.test("a stop signal ends new requests; in-flight ones get the grace period, then are cancelled", async () => {
  const h = harness({ ttftMs: 10, itlMs: 100, outputTokens: 100 }); // 10 s per request
  const stop = new AbortController();
  h.clock.sleep(50).then(() => stop.abort());
  const report = await h.run(config(3, RunMode.finite(5)), { signal: stop.signal, graceMs: 500 });
  assertEquals(report.totalRequests, 3, "only the first request of each user started");
  assertEquals(report.cancelledRequests, 3);
  assertEquals(report.interrupted, true);
  for (const r of h.records) assertEquals(r.endMs, 550);
});

Deno.test("per-user bodies: user i always sends body i", async () => {
  const h = harness({ ttftMs: 0, itlMs: 0, outputTokens: 1 });
  const bodies = [0, 1, 2].map((i) => ({
    ...BODY,
    messages: [{ role: "user", content: `p${i}` }],
  }));
  await h.run(config(3, RunMode.finite(2)).withPerUserBodies(bodies));
  const byContent = new Map<string, number>();
  for (const req of h.sim.received) {
    const content = (req.body as typeof BODY).messages[0].content;
    byContent.set(content, (byContent.get(content) ?? 0) + 1);
  }
  assertEquals(Object.fromEntries(byContent), { p0: 2, p1: 2, p2: 2 });
});

Deno.test("addHeader and the API key reach the server", async () => {
  const h = harness({ ttftMs: 0, itlMs: 0, outputTokens: 1 });
  const c = BenchmarkConfig.tryNew(
    "http://sim/v1/chat/completions",
    "sk-x",
    1,
    RunMode.finite(1),
    BODY,
  )
    .addHeader("X-Tenant", "blue");
  await h.run(c);
  const headers = h.sim.received[0].headers;
  assertEquals(headers["authorization"], "Bearer sk-x");
  assertEquals(headers["x-tenant"], "blue");
  assertEquals(headers["content-type"], "application/json");
});

Deno.test("headers mutated directly reach the server and are redacted as secrets", async () => {
  const h = harness({ fault: () => ({ kind: "echo_auth" }) });
  const c = config(1);
  c.headers["authorization"] = "Bearer sk-mutated-secret";
  const report = await h.run(c.withRetry(0, 0));
  assertEquals(h.sim.received[0].headers["authorization"], "Bearer sk-mutated-secret");
  assert(!JSON.stringify(report).includes("sk-mutated-secret"));
  assert(!JSON.stringify(h.records).includes("sk-mutated-secret"));
});

Deno.test("TTFAT is reported only when reasoning came first", async () => {
  const plain = harness({ ttftMs: 20, itlMs: 10, outputTokens: 4 });
  const a = await plain.run(config(1));
  assertEquals(plain.records[0].ttfatMs, undefined);
  assertEquals(a.ttfat.count, 0);
  const thinking = harness({ ttftMs: 20, itlMs: 10, outputTokens: 6, reasoningTokens: 3 });
  const b = await thinking.run(config(1));
  assertEquals(thinking.records[0].ttftMs, 20, "the first reasoning token is the first token");
  assertEquals(thinking.records[0].ttfatMs, 50, "the answer starts after 3 reasoning tokens");
  assertEquals(b.ttfat.p50Ms, 50);
});
