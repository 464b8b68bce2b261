import { assertEquals, assertThrows } from "../_assert.ts";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import { LoadStats } from "../../lib/metrics/load_stats.ts";
import type { RequestRecord } from "../../lib/record.ts";

const rec = (over: Partial<RequestRecord>): RequestRecord => ({
  user: 0,
  iteration: 0,
  attempts: 1,
  outcome: "success",
  startMs: 0,
  endMs: 10,
  lastAttemptStartMs: 0,
  retryDelayMs: 0,
  itlMs: [],
  e2eMs: 10,
  outputTokens: 1,
  outputTokensSource: "usage",
  ...over,
});

Deno.test("load statistics: send and planned rates, stop counts; merged shards equal one run", () => {
  const all = new LoadStats();
  const a = new LoadStats();
  const b = new LoadStats();
  for (let i = 0; i < 11; i++) {
    const r = { attempts: 1, startMs: i * 100 + (i % 3), intendedMs: i * 100 };
    all.add(r);
    (i % 2 ? a : b).add(r);
  }
  const unsent = { attempts: 0, startMs: 1200, intendedMs: 1100 };
  const stopped = { attempts: 1, startMs: 1100, intendedMs: 1100, inFlightAtStop: true };
  for (const s of [all, a]) s.add(unsent);
  for (const s of [all, b]) s.add(stopped);
  a.merge(LoadStats.decode(JSON.parse(JSON.stringify(b.encode()))));
  assertEquals(a.encode(), all.encode());
  assertEquals(all.plannedRate, 10);
  assertEquals(all.sendRate, 11 * 1000 / 1100);
  assertEquals([all.sent, all.unsent, all.inFlightAtStop, all.scheduled], [12, 1, 1, 12]);
  assertEquals(new LoadStats().sendRate, null);
  assertThrows(() => LoadStats.decode({ ...all.encode(), sent: -1 }), TypeError, "sent");
});

Deno.test("the aggregator keeps load statistics (warm-up excluded) through encode and decode", () => {
  const agg = new Aggregator();
  agg.add(rec({ startMs: 0, intendedMs: 0, warmup: true }));
  agg.add(rec({ startMs: 100, intendedMs: 100 }));
  agg.add(rec({ startMs: 300, intendedMs: 200 }));
  agg.add(rec({ attempts: 0, outcome: "cancelled", startMs: 400, intendedMs: 300 }));
  const back = Aggregator.decode(JSON.parse(JSON.stringify(agg.encode())));
  assertEquals(back.load.encode(), agg.load.encode());
  assertEquals([agg.load.sent, agg.load.unsent, agg.load.plannedRate, agg.load.sendRate], [
    2,
    1,
    10,
    5,
  ]);
});
