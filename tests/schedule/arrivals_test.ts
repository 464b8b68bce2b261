import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { ConfigError } from "../../lib/errors.ts";
import { seededRandom } from "../../lib/random.ts";
import {
  drawGapMs,
  gammaSample,
  planArrivals,
  resolveArrivals,
} from "../../lib/schedule/arrivals.ts";

function stats(xs: ArrayLike<number>) {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  const mean = sum / xs.length;
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i] - mean) ** 2;
  return { mean, cv: Math.sqrt(sq / xs.length) / mean };
}

Deno.test("constant arrivals are exactly 1/rate apart", () => {
  const t = planArrivals({ rate: 8, kind: "constant" }, 5, seededRandom(0));
  assertEquals([...t], [0, 125, 250, 375, 500]);
});

Deno.test("exact rate: the last of n arrivals lands at (n-1)/rate, for every shape", () => {
  for (const p of [{ kind: "poisson" as const }, { kind: "gamma" as const, burstiness: 0.3 }]) {
    const t = planArrivals({ rate: 20, ...p }, 401, seededRandom(5));
    assertEquals(t[0], 0);
    assert(Math.abs(t[400] - 20_000) < 1e-6, `${t[400]}`);
    for (let i = 1; i < t.length; i++) assert(t[i] >= t[i - 1], "non-decreasing");
  }
});

Deno.test("gamma gaps: mean 1/rate, coefficient of variation 1/sqrt(burstiness) (vLLM's meaning)", () => {
  for (const burstiness of [0.25, 1, 4]) {
    const p = resolveArrivals({ rate: 10, kind: "gamma", burstiness });
    const random = seededRandom(11);
    const gaps = Float64Array.from({ length: 40_000 }, () => drawGapMs(p, random));
    const s = stats(gaps);
    assert(Math.abs(s.mean - 100) < 3, `mean ${s.mean} for burstiness ${burstiness}`);
    const cv = 1 / Math.sqrt(burstiness);
    assert(Math.abs(s.cv - cv) < 0.05 * cv, `cv ${s.cv}, expected ${cv}`);
  }
});

Deno.test("poisson is gamma with shape 1; i.i.d. draws without exact rate are reproducible", () => {
  const a = planArrivals({ rate: 5, exactRate: false }, 50, seededRandom(3));
  const b = planArrivals(
    { rate: 5, kind: "gamma", burstiness: 1, exactRate: false },
    50,
    seededRandom(3),
  );
  assertEquals([...a], [...b]);
  const c = planArrivals({ rate: 5, exactRate: false }, 50, seededRandom(4));
  assert(a[49] !== c[49], "another seed, another schedule");
  assert(gammaSample(seededRandom(1), 0.5) > 0);
});

Deno.test("an infinite rate sends everything at 0; bad processes are named", () => {
  assertEquals([...planArrivals({ rate: Infinity }, 3, seededRandom(0))], [0, 0, 0]);
  assertThrows(() => resolveArrivals({ rate: 0 }), ConfigError, "requestRate");
  assertThrows(
    () => resolveArrivals({ rate: 1, kind: "poisson", burstiness: 2 }),
    ConfigError,
    "burstiness",
  );
  assertEquals(resolveArrivals({ rate: 1, burstiness: 2 }).kind, "gamma");
});
