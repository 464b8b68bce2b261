import assert from "node:assert/strict";
import { seededRandom } from "../../lib/simulator/prng.ts";

Deno.test("seededRandom: deterministic per (seed, stream), independent streams, in [0, 1)", () => {
  const take = (seed: number, stream: number) => {
    const r = seededRandom(seed, stream);
    return Array.from({ length: 1000 }, () => r());
  };
  const a = take(1, 0);
  assert.deepEqual(take(1, 0), a);
  assert.notDeepEqual(take(1, 1), a);
  assert.notDeepEqual(take(2, 0), a);
  assert.ok(a.every((x) => x >= 0 && x < 1));
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  assert.ok(mean > 0.45 && mean < 0.55, `mean ${mean}`);
});
