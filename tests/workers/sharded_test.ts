import { assert, assertEquals } from "../_assert.ts";
import { BenchmarkConfig, RunMode } from "../../lib/config.ts";
import type { RequestRecord } from "../../lib/record.ts";
import { serveSimulator } from "../../lib/simulator/serve.ts";
import { decodeConfig, encodeConfig } from "../../lib/workers/config_codec.ts";
import { globalRecord, shardConfig, shardRanges } from "../../lib/workers/shard.ts";
import { autoWorkers, runSharded } from "../../lib/workers/sharded.ts";

Deno.test("config codec: plain data round trip keeps fields, headers and secrets", () => {
  const config = BenchmarkConfig.tryNew("http://h:1/v1/completions", "sk-a", 3, RunMode.finite(2), {
    prompt: "x",
  })
    .withRetry(4, 7)
    .withRequestTimeout(1234)
    .withOutputTokens(9, 2, 5)
    .addHeader("x-api-key", "sk-b")
    .withPerUserBodies([{ prompt: "a" }, { prompt: "b" }, { prompt: "c" }]);
  const copy = decodeConfig(structuredClone(encodeConfig(config)));
  assertEquals(copy.endpoint.href, config.endpoint.href);
  assertEquals([copy.userCount, copy.maxRetries, copy.retryDelayMs], [3, 4, 7]);
  assertEquals([copy.requestTimeoutMs, copy.outputLength], [1234, { tokens: 9, vary: 2, seed: 5 }]);
  assertEquals(copy.perUserBodies, config.perUserBodies);
  assertEquals(copy.headers, config.headers);
  assertEquals([...copy.secrets].sort(), ["sk-a", "sk-b"]);
});

Deno.test("shards: users split evenly, bodies and open-loop rates follow, records map back", () => {
  assertEquals(shardRanges(5, 2), [{ from: 0, to: 3 }, { from: 3, to: 5 }]);
  assertEquals(shardRanges(2, 8).length, 2);
  const config = BenchmarkConfig.tryNew("http://h/v1/completions", null, 5, RunMode.finite(1), {})
    .withPerUserBodies([0, 1, 2, 3, 4].map((i) => ({ prompt: `p${i}` })))
    .withLoad({ arrivals: { rate: 10 }, maxRequests: 7, maxConcurrency: 3 });
  const encoded = encodeConfig(config);
  const second = decodeConfig(shardConfig(encoded, { from: 3, to: 5 }, 1, 2));
  assertEquals(second.userCount, 2);
  assertEquals(second.perUserBodies, [{ prompt: "p3" }, { prompt: "p4" }]);
  assertEquals(second.load?.arrivals?.rate, 5);
  assertEquals([second.load?.maxRequests, second.load?.maxConcurrency], [3, 1]);
  const first = decodeConfig(shardConfig(encoded, { from: 0, to: 3 }, 0, 2));
  assertEquals([first.load?.maxRequests, first.load?.maxConcurrency], [4, 2]);
  const record = { user: 1, startMs: 10, endMs: 20, lastAttemptStartMs: 12 } as RequestRecord;
  assertEquals(globalRecord(record, 3, 5), {
    user: 4,
    startMs: 15,
    endMs: 25,
    lastAttemptStartMs: 17,
  } as RequestRecord);
  assertEquals([autoWorkers(100, 2), autoWorkers(5000, 4), autoWorkers(5000, 1)], [1, 3, 1]);
});

for (const transport of ["fetch", "http1"] as const) {
  Deno.test(`runSharded (${transport}): 2 workers, every user's records once, merged totals`, async () => {
    const sim = await serveSimulator({ ttftMs: 2, itlMs: 1, outputTokens: 4 });
    try {
      const config = BenchmarkConfig.tryNew(
        `${sim.url}/v1/completions`,
        "sk-secret",
        5,
        RunMode.finite(3),
        { prompt: "hi", stream: true, stream_options: { include_usage: true } },
      );
      const records: RequestRecord[] = [];
      let progressed = 0;
      const report = await runSharded(config, {
        workers: 2,
        transport,
        batchMs: 5,
        onRecord: (r) => records.push(r),
        onProgress: (p) => progressed = Math.max(progressed, p.completed),
      });
      assertEquals(report.successfulRequests, 15);
      assertEquals(report.totalCompletionTokens, 60);
      assertEquals(report.ttft.count ?? report.aggregate.histograms.ttft.count, 15);
      assertEquals(records.length, 15);
      const seen = records.map((r) => `${r.user}/${r.iteration}`).sort();
      const expected = [0, 1, 2, 3, 4].flatMap((u) => [0, 1, 2].map((i) => `${u}/${i}`)).sort();
      assertEquals(seen, expected);
      assert(records.every((r) => r.startMs >= -5 && r.endMs <= report.durationMs + 50));
      assertEquals(report.meta.workers, 2);
      assert(report.clientHealth !== null && report.clientHealth.loopLagMs.samples >= 0);
      assert(progressed > 0 && progressed <= 15);
      assertEquals(sim.simulator.requestCount, 15);
      assertEquals(sim.simulator.received[0].headers.authorization, "Bearer sk-secret");
    } finally {
      await sim.shutdown();
    }
  });
}
