import assert from "node:assert/strict";
import { ManualClock, realClock } from "../../lib/clock.ts";
import type { StreamStep } from "../../lib/simulator/stream_plan.ts";
import { timedStream } from "../../lib/simulator/timed_stream.ts";

function steps(...list: StreamStep[]): Iterator<StreamStep> {
  return list[Symbol.iterator]();
}

Deno.test("timedStream: writes at due times, reports token writes, ends once", async () => {
  const clock = new ManualClock(100);
  const written: [number, number][] = [];
  let ends = 0;
  const body = timedStream(
    steps({ atMs: 90, data: "a" }, { atMs: 110, data: new Uint8Array([98]), tokenIndex: 0 }, {
      atMs: 120,
      data: "c",
      tokenIndex: 1,
    }),
    { clock, onTokenWritten: (i, t) => written.push([i, t]), onEnd: () => ends++ },
  );
  const text = new Response(body).text();
  for (let i = 0; i < 20; i++) await clock.advance(1);
  assert.equal(await text, "abc");
  assert.deepEqual(written, [[0, 110], [1, 120]]);
  assert.equal(ends, 1);
});

Deno.test("timedStream: hold waits without timers until the end signal closes the stream", async () => {
  const clock = new ManualClock();
  const end = new AbortController();
  const body = timedStream(steps({ atMs: 0, data: "a" }, { hold: true }), {
    clock,
    endSignal: end.signal,
  });
  const text = new Response(body).text();
  await clock.advance(1000);
  assert.equal(clock.pending, 0);
  end.abort();
  assert.equal(await text, "a");
});

Deno.test("timedStream: with the real clock, cancel clears the pending timer", async () => {
  const body = timedStream(steps({ atMs: realClock.now() + 60_000, data: "late" }), {
    clock: realClock,
  });
  const reader = body.getReader();
  const read = reader.read();
  await reader.cancel();
  assert.equal((await read).done, true);
  // The test sanitizer fails this test if the 60 s timer were still pending.
});

Deno.test("timedStream: an already aborted signal errors the stream at once", async () => {
  const body = timedStream(steps({ atMs: 0, data: "a" }), {
    clock: new ManualClock(),
    signal: AbortSignal.abort(new Error("gone")),
  });
  await assert.rejects(new Response(body).text(), /gone/);
});
