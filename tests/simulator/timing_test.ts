import assert from "node:assert/strict";
import { eventTimes } from "../../lib/simulator/timing.ts";

Deno.test("eventTimes: arrival + ttft, then + gap, without jitter", () => {
  const times = eventTimes(50, { ttftMs: 20, gapMs: 5, jitterMs: 0, random: () => 0 });
  assert.deepEqual([0, 1, 2, 3].map(() => times.next().value), [70, 75, 80, 85]);
});

Deno.test("eventTimes: jitter spans +-jitterMs and delays never go negative", () => {
  const lowest = eventTimes(0, { ttftMs: 10, gapMs: 2, jitterMs: 4, random: () => 0 });
  assert.deepEqual([0, 1, 2].map(() => lowest.next().value), [6, 6, 6]);
  const highest = eventTimes(0, { ttftMs: 10, gapMs: 2, jitterMs: 4, random: () => 0.999999 });
  const [a, b] = [highest.next().value, highest.next().value];
  assert.ok(Math.abs(a - 14) < 1e-3 && Math.abs(b - a - 6) < 1e-3, `${a} ${b}`);
});
