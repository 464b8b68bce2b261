import assert from "node:assert/strict";
import { Aggregator, HISTOGRAM_NAMES } from "../../lib/metrics/aggregate.ts";
import type { EncodedAggregate } from "../../lib/metrics/aggregate_codec.ts";
import { ConfigError } from "../../lib/errors.ts";
import { tpotMs } from "../../lib/record.ts";
import { makeFailure, makeRecord, randomRecords, seededRandom } from "./_fixtures.ts";

Deno.test("Aggregator: counts outcomes; total = successes + failures + cancelled", () => {
  const agg = new Aggregator();
  agg.add(makeRecord());
  agg.add(makeRecord({ attempts: 3 }));
  agg.add(makeFailure("http_5xx", { attempts: 2 }));
  agg.add(makeFailure("timeout"));
  agg.add(makeFailure("cancelled"));
  assert.equal(agg.totalRequests, 5);
  assert.equal(agg.successfulRequests, 2);
  assert.equal(agg.failedRequests, 2);
  assert.equal(agg.cancelledRequests, 1);
  assert.equal(agg.outcomes.http_5xx, 1);
  assert.equal(agg.outcomes.timeout, 1);
  assert.equal(agg.outcomes.http_429, 0);
  assert.equal(agg.attempts, 1 + 3 + 2 + 1 + 1);
  assert.equal(agg.retriedRequests, 2);
});

Deno.test("Aggregator: warm-up records are skipped entirely", () => {
  const agg = new Aggregator({ slo: { ttftMs: 1000 } });
  agg.add(makeRecord({ warmup: true, startMs: -500, endMs: 99_999, intendedMs: -600 }));
  agg.add(makeFailure("timeout", { warmup: true }));
  assert.equal(agg.warmupRequests, 2);
  assert.equal(agg.totalRequests, 0);
  assert.equal(agg.attempts, 0);
  assert.equal(agg.outputTokens, 0);
  assert.equal(agg.goodRequests, 0);
  assert.equal(agg.firstStartMs, undefined);
  assert.equal(agg.lastEndMs, undefined);
  assert.deepEqual(agg.failureExamples, []);
  for (const name of HISTOGRAM_NAMES) assert.equal(agg[name].count, 0, name);
});

Deno.test("Aggregator: tokens and latencies come from successful requests only", () => {
  const agg = new Aggregator();
  agg.add(makeRecord({ promptTokens: 7, outputTokens: 4, ttftMs: 10, e2eMs: 100 }));
  agg.add(
    makeRecord({ promptTokens: undefined, outputTokens: 1, itlMs: [], ttftMs: 20, e2eMs: 20 }),
  );
  agg.add(
    makeFailure("stream_truncated", { outputTokens: 9, promptTokens: 50, ttftMs: 5, itlMs: [1] }),
  );
  assert.equal(agg.promptTokens, 7);
  assert.equal(agg.promptTokensReported, 1);
  assert.equal(agg.outputTokens, 5);
  assert.equal(agg.ttft.count, 2);
  assert.equal(agg.ttft.mean, 15_000); // µs
  assert.equal(agg.itl.count, 3); // every gap of the successful requests only
  assert.equal(agg.e2el.max, 100_000);
  assert.equal(agg.tpot.count, 1); // the 1-token request has no TPOT
  assert.equal(agg.tpot.mean, tpotMs({ e2eMs: 100, ttftMs: 10, outputTokens: 4 })! * 1000);
});

Deno.test("Aggregator: token sources and requested-vs-delivered lengths", () => {
  const agg = new Aggregator();
  agg.add(makeRecord({ outputTokensSource: "usage", requestedOutputTokens: 4, outputTokens: 4 }));
  agg.add(makeRecord({ outputTokensSource: "chunks", requestedOutputTokens: 10, outputTokens: 4 }));
  agg.add(makeRecord({ outputTokensSource: "chunks", requestedOutputTokens: 2, outputTokens: 4 }));
  agg.add(makeRecord({ outputTokensSource: "tokenizer" }));
  agg.add(makeFailure("timeout", { outputTokensSource: "usage", requestedOutputTokens: 4 }));
  assert.deepEqual(agg.tokenSources, { usage: 1, tokenizer: 1, chunks: 2 });
  assert.deepEqual(agg.outputLength, {
    requests: 3,
    requestedTokens: 16,
    deliveredTokens: 12,
    exact: 1,
    fewer: 1,
    more: 1,
  });
});

Deno.test("Aggregator: ttfat, queue and e2el from the intended time", () => {
  const agg = new Aggregator();
  agg.add(makeRecord({ intendedMs: 100, startMs: 104, endMs: 204, ttfatMs: 40 }));
  agg.add(makeFailure("http_5xx", { intendedMs: 200, startMs: 230, endMs: 240 }));
  agg.add(makeFailure("cancelled", { intendedMs: 300, startMs: 900, endMs: 900 }));
  agg.add(makeRecord({ startMs: 0, endMs: 100 })); // closed loop: no intended time
  assert.equal(agg.ttfat.count, 1);
  assert.equal(agg.ttfat.max, 40_000);
  assert.equal(agg.queue.count, 2); // the success and the failure; not the cancelled request
  assert.equal(agg.queue.min, 4_000);
  assert.equal(agg.queue.max, 30_000);
  assert.equal(agg.e2elIntended.count, 1);
  assert.equal(agg.e2elIntended.max, 104_000);
});

Deno.test("Aggregator: the run's span covers every non-warm-up request", () => {
  const agg = new Aggregator();
  agg.add(makeRecord({ startMs: 50, endMs: 150 }));
  agg.add(makeFailure("connect_error", { startMs: 20, endMs: 21 }));
  agg.add(makeFailure("cancelled", { startMs: 60, endMs: 400 }));
  assert.equal(agg.firstStartMs, 20);
  assert.equal(agg.lastEndMs, 400);
});

Deno.test("Aggregator: goodput counts successes meeting every set SLO", () => {
  const agg = new Aggregator({ slo: { ttftMs: 50, itlMs: 40 } });
  agg.add(makeRecord({ ttftMs: 50, itlMs: [40, 10] })); // good (limits are inclusive)
  agg.add(makeRecord({ ttftMs: 51, itlMs: [10] })); // ttft too slow
  agg.add(makeRecord({ ttftMs: 5, itlMs: [10, 41] })); // one gap too slow
  agg.add(makeFailure("timeout", { ttftMs: 1 })); // failures are never good
  assert.equal(agg.goodRequests, 1);
  assert.deepEqual(agg.slo, { ttftMs: 50, itlMs: 40 });
  const none = new Aggregator({ slo: {} });
  none.add(makeRecord());
  assert.equal(none.slo, undefined);
  assert.equal(none.goodRequests, 0);
});

Deno.test("Aggregator: keeps the earliest N failure examples per kind, whatever the order", () => {
  const agg = new Aggregator({ maxFailureExamples: 2 });
  for (const startMs of [50, 10, 40, 30, 20]) {
    agg.add(makeFailure("http_5xx", { startMs, user: startMs }));
  }
  agg.add(makeFailure("timeout", { startMs: 99, error: { kind: "timeout", message: "late" } }));
  agg.add(makeFailure("cancelled"));
  const examples = agg.failureExamples;
  assert.deepEqual(examples.map((f) => [f.kind, f.startMs]), [
    ["timeout", 99],
    ["http_5xx", 10],
    ["http_5xx", 20],
  ]);
  assert.equal(examples[0].message, "late");
  assert.equal(examples[1].status, 500);
  assert.equal(agg.outcomes.http_5xx, 5); // counts stay exact
});

Deno.test("Aggregator: merge equals adding every record to one aggregator", () => {
  const records = randomRecords(3_000, 42);
  const slo = { ttftMs: 1_000, tpotMs: 60, e2elMs: 3_000 };
  const all = new Aggregator({ slo, maxFailureExamples: 5 });
  const shards = [0, 1, 2].map(() => new Aggregator({ slo, maxFailureExamples: 5 }));
  const rnd = seededRandom(9);
  for (const r of records) {
    all.add(r);
    shards[Math.floor(rnd() * shards.length)].add(r);
  }
  const merged = new Aggregator({ slo, maxFailureExamples: 5 });
  for (const shard of shards) merged.merge(shard);
  assert.ok(all.totalRequests > 2_000 && all.failedRequests > 100 && all.goodRequests > 100);
  assert.deepEqual(withoutFloatSums(merged.encode()), withoutFloatSums(all.encode()));
  for (const name of HISTOGRAM_NAMES) {
    assert.ok(Math.abs(merged[name].sum - all[name].sum) <= 1e-9 * all[name].sum, name);
    const [a, b] = [merged[name].stddev ?? 0, all[name].stddev ?? 0];
    assert.ok(Math.abs(a - b) <= 1e-9 * b, name);
  }
});

Deno.test("Aggregator: encode/decode through JSON is lossless", () => {
  const agg = new Aggregator({ slo: { e2elMs: 2_000 }, maxFailureExamples: 3 });
  for (const r of randomRecords(500, 3)) agg.add(r);
  const encoded = agg.encode();
  const text = JSON.stringify(encoded);
  const copy = Aggregator.decode(JSON.parse(text));
  assert.equal(JSON.stringify(copy.encode()), text);
  assert.deepEqual(copy.slo, { e2elMs: 2_000 });
  assert.equal(copy.maxFailureExamples, 3);
  assert.equal(copy.itl.percentile(99), agg.itl.percentile(99));
  const empty = Aggregator.decode(JSON.parse(JSON.stringify(new Aggregator().encode())));
  assert.equal(empty.totalRequests, 0);
  assert.equal(empty.firstStartMs, undefined);
});

Deno.test("Aggregator: merging different SLOs is refused", () => {
  const a = new Aggregator({ slo: { ttftMs: 100 } });
  assert.throws(() => a.merge(new Aggregator({ slo: { ttftMs: 200 } })), {
    name: "RangeError",
    message: /SLOs differ.*200/,
  });
  assert.throws(() => a.merge(new Aggregator()), RangeError);
});

Deno.test("Aggregator: invalid options and records are rejected", () => {
  assert.throws(() => new Aggregator({ maxFailureExamples: -1 }), ConfigError);
  assert.throws(() => new Aggregator({ slo: { tpotMs: 0 } }), { message: /slo\.tpotMs/ });
  const agg = new Aggregator();
  assert.throws(
    () => agg.add(makeRecord({ outcome: "bogus" as never })),
    { name: "RangeError", message: /"bogus"/ },
  );
  assert.throws(() => agg.add(makeRecord({ outcome: "toString" as never })), RangeError);
  assert.equal(agg.totalRequests, 0);
});

Deno.test("Aggregator: non-finite timings are skipped, not recorded", () => {
  const agg = new Aggregator();
  agg.add(makeRecord({ ttftMs: NaN, itlMs: [Infinity, 5] }));
  assert.equal(agg.successfulRequests, 1);
  assert.equal(agg.ttft.count, 0);
  assert.equal(agg.itl.count, 1);
});

Deno.test("Aggregator.decode: rejects malformed input naming the field", () => {
  const good = new Aggregator().encode();
  const bad = (patch: Record<string, unknown>) => ({ ...good, ...patch }) as EncodedAggregate;
  assert.throws(() => Aggregator.decode(bad({ attempts: -1 })), {
    name: "TypeError",
    message: /'attempts'.*-1/,
  });
  assert.throws(
    () => Aggregator.decode(bad({ outcomes: { ...good.outcomes, timeout: 1.5 } })),
    { message: /outcomes\.timeout/ },
  );
  assert.throws(() => Aggregator.decode(bad({ histograms: {} })), { message: /histograms\.ttft/ });
  assert.throws(
    () => Aggregator.decode(bad({ failure_examples: [{ kind: "nope" }] })),
    { message: /failure_examples\[0\]/ },
  );
  assert.throws(() => Aggregator.decode(bad({ slo: { ttft_ms: -3 } })), {
    message: /slo\.ttft_ms/,
  });
});

function withoutFloatSums(e: EncodedAggregate): unknown {
  const copy = structuredClone(e) as unknown as {
    histograms: Record<string, { sum: number; m2: number }>;
  };
  for (const h of Object.values(copy.histograms)) {
    h.sum = 0;
    h.m2 = 0;
  }
  return copy;
}
