import assert from "node:assert/strict";
import { type Clock, ManualClock } from "../../lib/clock.ts";
import { Histogram } from "../../lib/metrics/histogram.ts";
import { assessClientHealth, LoopLagMonitor } from "../../lib/metrics/health.ts";

/** A ManualClock whose timers fire late by scripted amounts: a busy event loop, simulated exactly. */
class LateClock implements Clock {
  constructor(readonly manual: ManualClock, readonly lateMs: number[]) {}
  now(): number {
    return this.manual.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.manual.sleep(ms + (this.lateMs.shift() ?? 0), signal);
  }
}

Deno.test("LoopLagMonitor: an idle loop has zero lag and is not client-bound", async () => {
  const clock = new ManualClock();
  const monitor = new LoopLagMonitor({ clock, intervalMs: 50 });
  monitor.start();
  monitor.start(); // no second probe
  await clock.advance(1_000);
  const health = monitor.stop();
  assert.deepEqual(health.loopLagMs, { p50: 0, p99: 0, max: 0, samples: 20 });
  assert.equal(health.clientBound, false);
  assert.equal(health.reason, undefined);
  assert.equal(clock.pending, 0, "stop() cancels the pending timer");
});

Deno.test("LoopLagMonitor: late timers are recorded as lag, exactly", async () => {
  const manual = new ManualClock();
  const late = [0, 3, 0, 120, 7];
  const monitor = new LoopLagMonitor({ clock: new LateClock(manual, [...late]), intervalMs: 10 });
  monitor.start();
  await manual.advance(10 * late.length + late.reduce((a, b) => a + b, 0));
  const health = monitor.stop();
  assert.equal(health.loopLagMs.samples, late.length);
  assert.equal(health.loopLagMs.max, 120);
  const p50 = health.loopLagMs.p50!;
  assert.ok(Math.abs(p50 - 3) <= 3 * 0.0005, `p50 ${p50} within 0.05% of 3 ms`);
  assert.equal(health.clientBound, true);
  assert.match(health.reason!, /max 120\.0 ms > 50 ms/);
});

Deno.test("LoopLagMonitor: stop() records a tick that is overdue but has not fired", async () => {
  const manual = new ManualClock();
  const monitor = new LoopLagMonitor({ clock: new LateClock(manual, [1_000]), intervalMs: 50 });
  monitor.start();
  await manual.advance(500); // the timer (due at 50) is still blocked
  const health = monitor.stop();
  assert.equal(health.loopLagMs.samples, 1);
  assert.equal(health.loopLagMs.max, 450);
  await manual.advance(1_000);
  assert.equal(monitor.stop().loopLagMs.samples, 1, "nothing recorded after stop");
});

Deno.test("LoopLagMonitor: thresholds are options", async () => {
  const manual = new ManualClock();
  const monitor = new LoopLagMonitor({
    clock: new LateClock(manual, [20, 20]),
    intervalMs: 10,
    p99LagMs: 30,
    maxLagMs: 30,
  });
  monitor.start();
  await manual.advance(60);
  assert.equal(monitor.stop().clientBound, false);
});

Deno.test("LoopLagMonitor: CPU use over the monitored span", async () => {
  const clock = new ManualClock(1_000);
  let cpuUs = 5_000_000;
  const monitor = new LoopLagMonitor({
    clock,
    cpuUsage: () => ({ user: cpuUs * 0.75, system: cpuUs * 0.25 }),
  });
  monitor.start();
  cpuUs += 1_500_000; // 1.5 s of CPU...
  await clock.advance(2_000); // ...over 2 s of wall time
  const health = monitor.stop();
  assert.equal(health.cpuSeconds, 1.5);
  assert.equal(health.cpuPercent, 75);
  cpuUs += 9_000_000;
  await clock.advance(5_000);
  assert.equal(monitor.snapshot().cpuPercent, 75, "a stopped monitor's numbers are frozen");
});

Deno.test("LoopLagMonitor: without a CPU probe, no CPU fields; bad interval throws", () => {
  const monitor = new LoopLagMonitor({ clock: new ManualClock() });
  const health = monitor.stop();
  assert.equal("cpuSeconds" in health, false);
  assert.equal(health.loopLagMs.p99, null);
  assert.equal(health.clientBound, false);
  assert.throws(() => new LoopLagMonitor({ intervalMs: 0 }), {
    name: "RangeError",
    message: /'intervalMs'.*0/,
  });
});

Deno.test("assessClientHealth: p99 and max thresholds, on merged lag histograms", () => {
  const a = new Histogram();
  a.record(1_000, 98); // 1 ms
  const b = new Histogram();
  b.record(15_000, 2); // 15 ms: the p99 of the merged samples
  a.merge(b);
  const health = assessClientHealth(a);
  assert.equal(health.loopLagMs.p99, 15);
  assert.equal(health.clientBound, true);
  assert.match(health.reason!, /p99 15\.0 ms > 10 ms/);
  assert.equal(assessClientHealth(a, { p99LagMs: 20 }).clientBound, false);
  assert.equal(assessClientHealth(a, { p99LagMs: 20, maxLagMs: 14 }).clientBound, true);
  const cpu = assessClientHealth(new Histogram(), {}, { cpuSeconds: 1, wallMs: 0 });
  assert.equal(cpu.cpuSeconds, 1);
  assert.equal(cpu.cpuPercent, undefined);
});
