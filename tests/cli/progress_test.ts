import assert from "node:assert/strict";
import {
  formatProgress,
  progressEnabled,
  ProgressTracker,
  startProgress,
} from "../../lib/cli/progress.ts";
import { fakeIo } from "./_fake_io.ts";

const VIEW = {
  completed: 120,
  planned: 400,
  failed: 3,
  inFlight: 8,
  requestsPerSecond: 12.34,
  tokensPerSecond: 1234.5,
  elapsedMs: 72_000,
  remainingMs: 3_723_000,
};

Deno.test("formatProgress: every part, in order, plain without colour", () => {
  assert.equal(
    formatProgress(VIEW, { columns: 200 }),
    "120/400 (30%)  3 failed  12.3 req/s  1,235 tok/s  1:12 elapsed  ~1:02:03 left  8 in flight  [###-------]",
  );
  assert.equal(
    formatProgress({ ...VIEW, planned: undefined, remainingMs: undefined }, { columns: 200 }),
    "120 done  3 failed  12.3 req/s  1,235 tok/s  1:12 elapsed  8 in flight",
  );
});

Deno.test("formatProgress: narrow terminals drop the least important parts first", () => {
  for (const columns of [20, 40, 60, 80, 100]) {
    const line = formatProgress(VIEW, { columns });
    assert.ok(line.length <= Math.max(columns - 1, "120/400 (30%)".length), `${columns}: ${line}`);
    assert.ok(line.startsWith("120/400 (30%)"));
  }
  assert.equal(formatProgress(VIEW, { columns: 40 }), "120/400 (30%)  3 failed  12.3 req/s");
});

Deno.test("formatProgress: colour only when asked; failures red only when there are some", () => {
  const colored = formatProgress(VIEW, { color: true, columns: 200 });
  assert.ok(colored.includes("\x1b[31m3 failed\x1b[39m"));
  assert.ok(colored.includes("\x1b[1m120/400\x1b[22m"));
  assert.ok(!formatProgress({ ...VIEW, failed: 0 }, { color: true }).includes("\x1b[31m"));
  assert.ok(!formatProgress(VIEW, { columns: 200 }).includes("\x1b["));
});

Deno.test("ProgressTracker: current throughput over a sliding window, ETA from it, own elapsed clock", () => {
  let now = 1_000;
  const t = new ProgressTracker({ now: () => now, windowMs: 5_000 });
  const snap = (completed: number, extra = {}) => ({
    planned: 100,
    completed,
    failed: 0,
    inFlight: 4,
    outputTokens: completed * 10,
    elapsedMs: 0,
    ...extra,
  });
  // 10 req/s for 10 s...
  for (let s = 1; s <= 10; s++) {
    now = 1_000 + s * 1_000;
    t.update(snap(s * 10));
  }
  assert.equal(t.view().requestsPerSecond, 10);
  // ...then 2 req/s for 6 s: the window forgets the fast start.
  for (let s = 11; s <= 16; s++) {
    now = 1_000 + s * 1_000;
    t.update(snap(100 - 2 * (16 - s) - 20));
  }
  const v = t.view();
  assert.ok(Math.abs(v.requestsPerSecond - 2) < 1e-9, String(v.requestsPerSecond));
  assert.ok(Math.abs(v.tokensPerSecond - 20) < 1e-9);
  assert.equal(v.elapsedMs, 16_000);
  assert.ok(Math.abs(v.remainingMs! - 10_000) < 1e-6, "20 left at 2 req/s");
  // Nothing ends for a while: elapsed keeps moving and the rate decays.
  now += 5_000;
  assert.equal(t.view().elapsedMs, 21_000);
  assert.ok(t.view().requestsPerSecond < 2);
  // Timed runs: the time left is the planned duration left.
  t.update(snap(90, { planned: undefined, durationMs: 30_000 }));
  assert.equal(t.view().remainingMs, 9_000);
});

Deno.test("progress is on only for a terminal without --quiet; NO_COLOR turns colour off", () => {
  assert.equal(progressEnabled({ stderrIsTerminal: true }, false), true);
  assert.equal(progressEnabled({ stderrIsTerminal: true }, true), false);
  assert.equal(progressEnabled({ stderrIsTerminal: false }, false), false);
  assert.equal(startProgress(fakeIo({ terminal: false }), { quiet: false }), undefined);
  assert.equal(startProgress(fakeIo({ terminal: true }), { quiet: true }), undefined);

  const snap = { planned: 4, completed: 1, failed: 1, inFlight: 1, outputTokens: 5, elapsedMs: 0 };
  for (
    const [env, colored] of [[{}, true], [{ NO_COLOR: "1" }, false], [
      { NO_COLOR: "" },
      true,
    ]] as const
  ) {
    const io = fakeIo({ terminal: true, env });
    let now = 0;
    const live = startProgress(io, { quiet: false, tickMs: 0, now: () => now })!;
    live.onProgress(snap);
    now = 50;
    live.onProgress({ ...snap, completed: 2 }); // within 100 ms of the last draw: not drawn
    now = 150;
    live.onProgress({ ...snap, completed: 3 });
    live.stop();
    assert.equal(io.stderr.length, 3, JSON.stringify(io.stderr));
    assert.ok(io.stderr.every((s) => s.startsWith("\r\x1b[2K")), "redrawn in place");
    assert.ok(
      io.stderr[1].replaceAll("\x1b[1m", "").replaceAll("\x1b[22m", "").includes("3/4 (75%)"),
    );
    assert.equal(io.stderr[2], "\r\x1b[2K", "cleared at the end");
    assert.equal(io.stderr[0].includes("\x1b[31m"), colored, JSON.stringify(env));
    assert.equal(io.stdout.length, 0, "never on stdout");
  }
});
