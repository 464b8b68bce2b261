import assert from "node:assert/strict";
import { type EncodedHistogram, Histogram } from "../../lib/metrics/histogram.ts";
import { seededRandom } from "./_fixtures.ts";

const PERCENTILES = [0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

/** The exact HDR-style percentile of a sorted array: lowest value with >= p% of values <= it. */
function exactPercentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1];
}

/** Log-uniform integers from 0 to ~1 hour in µs, so every bucket magnitude is exercised. */
function wideValues(n: number, seed: number): number[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, () => Math.floor(Math.exp(rnd() * Math.log(3.6e9))));
}

function fill(values: number[]): Histogram {
  const h = new Histogram();
  for (const v of values) h.record(v);
  return h;
}

Deno.test("Histogram: empty histogram answers undefined, never NaN", () => {
  const h = new Histogram();
  assert.equal(h.count, 0);
  assert.equal(h.sum, 0);
  for (const value of [h.min, h.max, h.mean, h.stddev, h.percentile(50), h.percentile(0)]) {
    assert.equal(value, undefined);
  }
  assert.deepEqual([...h.buckets()], []);
  const copy = Histogram.decode(JSON.parse(JSON.stringify(h.encode())));
  assert.equal(copy.count, 0);
  assert.equal(copy.percentile(99), undefined);
});

Deno.test("Histogram: percentiles are within 0.05% of the exact value (seeded, wide range)", () => {
  for (const seed of [1, 2, 3]) {
    const values = wideValues(20_000, seed);
    const h = fill(values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of PERCENTILES) {
      const exact = exactPercentile(sorted, p);
      const got = h.percentile(p)!;
      assert.ok(Math.abs(got - exact) <= exact * 0.0005, `seed ${seed} p${p}: ${got} vs ${exact}`);
    }
    assert.equal(h.percentile(0), sorted[0]);
    assert.equal(h.percentile(100), sorted[sorted.length - 1]);
  }
});

Deno.test("Histogram: values below 2048 µs are exact at every percentile", () => {
  const rnd = seededRandom(7);
  const values = Array.from({ length: 5_000 }, () => Math.floor(rnd() * 2048));
  const h = fill(values);
  const sorted = [...values].sort((a, b) => a - b);
  for (let p = 0; p <= 100; p += 0.5) assert.equal(h.percentile(p), exactPercentile(sorted, p));
});

Deno.test("Histogram: percentile ranks use p% of the count without float drift", () => {
  const h = fill(Array.from({ length: 100 }, (_, i) => i + 1)); // 1..100
  assert.equal(h.percentile(99), 99);
  assert.equal(h.percentile(50), 50);
  assert.equal(h.percentile(0.5), 1);
  const k = fill(Array.from({ length: 1000 }, (_, i) => i + 1)); // 1..1000
  assert.equal(k.percentile(99.9), 999);
  assert.equal(k.percentile(90), 900);
});

Deno.test("Histogram: min, max, mean and population stddev are exact", () => {
  const values = [3.25, 1000.5, 7, 123456.75, 42];
  const h = fill(values);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  assert.equal(h.min, 3.25);
  assert.equal(h.max, 123456.75);
  assert.ok(Math.abs(h.mean! - mean) < 1e-9);
  assert.ok(Math.abs(h.stddev! - Math.sqrt(variance)) < 1e-9 * Math.sqrt(variance));
});

Deno.test("Histogram: stddev stays accurate for large values with a small spread", () => {
  const h = new Histogram();
  for (let i = 0; i < 10_000; i++) h.record(3.6e9 + (i % 2)); // values 3.6e9 and 3.6e9+1
  assert.ok(Math.abs(h.stddev! - 0.5) < 1e-6, `stddev ${h.stddev}`);
});

Deno.test("Histogram: buckets use rounded values, statistics use the value as given", () => {
  const h = new Histogram();
  for (const v of [1, 2.6, 10]) h.record(v);
  assert.equal(h.percentile(50), 3); // the bucket of round(2.6)
  assert.equal(h.percentile(0), 1);
  assert.equal(h.mean, 4.533333333333333);
});

Deno.test("Histogram: the first and last ranks are the exact min and max", () => {
  const h = new Histogram();
  h.record(100_000.25); // bucket 99968..100031
  h.record(300_000);
  assert.equal(h.percentile(0), 100_000.25);
  assert.equal(h.percentile(50), 100_000.25);
  assert.equal(h.percentile(50.1), 300_000);
  assert.equal(h.percentile(100), 300_000);
});

Deno.test("Histogram: a bucket's middle is clamped to the exact [min, max]", () => {
  const h = new Histogram();
  h.record(100_030, 3); // bucket 99968..100031, middle 99999.5
  assert.equal(h.percentile(50), 100_030);
  h.record(99_970); // same bucket, now the min
  assert.equal(h.percentile(50), 99_999.5);
});

Deno.test("Histogram: negative values count as 0; huge values are clamped", () => {
  const h = new Histogram();
  h.record(-5);
  assert.equal(h.min, 0);
  assert.equal(h.percentile(100), 0);
  h.record(2 ** 60);
  assert.equal(h.max, Number.MAX_SAFE_INTEGER);
  assert.equal(h.percentile(100), Number.MAX_SAFE_INTEGER);
  assert.equal(h.count, 2);
});

Deno.test("Histogram: record(value, count) equals recording the value count times", () => {
  const a = new Histogram();
  a.record(5_000, 3);
  a.record(70, 0);
  const b = fill([5_000, 5_000, 5_000]);
  assert.deepEqual(a.encode(), b.encode());
});

Deno.test("Histogram: buckets() cover their values with width <= 1/1024 of their low end", () => {
  const values = wideValues(3_000, 11);
  const h = fill(values);
  const buckets = [...h.buckets()];
  assert.equal(buckets.reduce((a, b) => a + b.count, 0), values.length);
  for (const b of buckets) {
    assert.ok(b.highUs >= b.lowUs);
    assert.ok(b.highUs - b.lowUs + 1 <= Math.max(1, b.lowUs / 1024), `${b.lowUs}..${b.highUs}`);
  }
  for (const v of values.slice(0, 200)) {
    const holder = buckets.filter((b) => b.lowUs <= v && v <= b.highUs);
    assert.equal(holder.length, 1, `value ${v}`);
  }
});

Deno.test("Histogram: merge equals recording everything in one histogram", () => {
  const values = wideValues(9_000, 21);
  const rnd = seededRandom(5);
  const parts = [new Histogram(), new Histogram(), new Histogram(), new Histogram()];
  for (const v of values) parts[Math.floor(rnd() * 3)].record(v); // parts[3] stays empty
  const merged = new Histogram();
  for (const part of parts) merged.merge(part);
  const all = fill(values);
  assert.equal(merged.count, all.count);
  assert.equal(merged.min, all.min);
  assert.equal(merged.max, all.max);
  assert.equal(merged.sum, all.sum); // integer values: exact
  assert.ok(Math.abs(merged.stddev! - all.stddev!) <= 1e-9 * all.stddev!);
  assert.deepEqual(merged.encode().buckets, all.encode().buckets);
  for (const p of PERCENTILES) assert.equal(merged.percentile(p), all.percentile(p));
});

Deno.test("Histogram: encode/decode through JSON is lossless", () => {
  const h = fill(wideValues(5_000, 31));
  h.record(0.75);
  const encoded = JSON.parse(JSON.stringify(h.encode())) as EncodedHistogram;
  const copy = Histogram.decode(encoded);
  assert.deepEqual(copy.encode(), h.encode());
  for (const p of PERCENTILES) assert.equal(copy.percentile(p), h.percentile(p));
  assert.equal(copy.mean, h.mean);
  assert.equal(copy.stddev, h.stddev);
  assert.equal(copy.min, h.min);
  // A decoded histogram keeps merging correctly.
  const more = wideValues(100, 32);
  for (const v of more) copy.record(v);
  const reference = fill(more);
  reference.merge(h);
  for (const p of PERCENTILES) assert.equal(copy.percentile(p), reference.percentile(p));
});

Deno.test("Histogram: the encoding is sparse", () => {
  const h = fill([1, 1_000_000, 3_600_000_000]);
  assert.equal(h.encode().buckets.length, 6);
});

Deno.test("Histogram: invalid arguments throw RangeError naming the value", () => {
  const h = new Histogram();
  assert.throws(() => h.record(NaN), { name: "RangeError", message: /current value is NaN/ });
  assert.throws(() => h.record(Infinity), RangeError);
  assert.throws(() => h.record(1, -1), { name: "RangeError", message: /'count'.*-1/ });
  assert.throws(() => h.record(1, 1.5), RangeError);
  assert.throws(() => h.percentile(101), { name: "RangeError", message: /current value is 101/ });
  assert.throws(() => h.percentile(NaN), RangeError);
  assert.equal(h.count, 0);
});

Deno.test("Histogram: decode rejects inconsistent input with TypeError naming the field", () => {
  const good = fill([5, 50_000]).encode();
  const bad = (patch: Partial<Record<keyof EncodedHistogram, unknown>>) =>
    ({ ...good, ...patch }) as EncodedHistogram;
  assert.throws(() => Histogram.decode(bad({ version: 2 })), {
    name: "TypeError",
    message: /'version'/,
  });
  assert.throws(() => Histogram.decode(bad({ count: 3 })), { message: /'count'.*3/ });
  assert.throws(() => Histogram.decode(bad({ buckets: [5, 1, 0, 1] })), {
    message: /buckets\[2\]/,
  });
  assert.throws(() => Histogram.decode(bad({ buckets: [5] })), { message: /'buckets'/ });
  assert.throws(() => Histogram.decode(bad({ min: null })), { message: /'min'/ });
  assert.throws(() => Histogram.decode(bad({ buckets: [1e9, 2] })), { message: /buckets\[0\]/ });
  assert.throws(() => Histogram.decode(null as unknown as EncodedHistogram), TypeError);
});
