// ShareGPT parsing and multi-turn sessions as the server sees them.
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { RunMode } from "../../lib/config.ts";
import { InputError } from "../../lib/errors.ts";
import { sessionWorkload } from "../../lib/workload/sessions.ts";
import { firstExchange, parseShareGpt } from "../../lib/workload/sharegpt.ts";
import { config, harness } from "../_manual_run.ts";

const SAMPLE = new URL("../../examples/sharegpt_sample.json", import.meta.url);

Deno.test("ShareGPT: roles mapped, conversations without a user turn skipped, errors located", async () => {
  const { conversations, skipped } = parseShareGpt(await Deno.readTextFile(SAMPLE), "s.json");
  assertEquals(conversations.length, 5);
  assertEquals(skipped, 1);
  assertEquals(conversations[1][0], { role: "system", content: "You are a concise assistant." });
  const x = firstExchange(conversations[1]);
  assertEquals(x.messages.map((m) => m.role), ["system", "user"]);
  assertEquals(x.reply, "2, 3 and 5.");
  const lines =
    '{"conversations":[{"from":"human","value":"a"}]}\n{"conversations":[{"from":"x"}]}\n';
  const e = assertThrows(() => parseShareGpt(lines, "c.jsonl"), InputError, "c.jsonl:2");
  assert(e.message.includes("conversations[0]"), e.message);
  assertThrows(() => parseShareGpt("[1,", "bad.json"), InputError, "bad.json");
});

Deno.test("multi-turn: each user resends the growing history with the server's replies, after its think time", async () => {
  const { conversations } = parseShareGpt(await Deno.readTextFile(SAMPLE), "s.json");
  const h = harness({ ttftMs: 10, itlMs: 10, outputTokens: 2 });
  const report = await h.run(
    config(2, RunMode.finite(1)).withLoad({ untilWorkloadEnds: true }).withWorkload(
      sessionWorkload({
        conversations: [conversations[0], conversations[2]],
        base: { model: "m", stream: true, stream_options: { include_usage: true } },
        users: 2,
        thinkTimeMs: 500,
      }),
    ),
  );
  assertEquals(report.successfulRequests, 5, "2 turns + 3 turns");
  const user1 = h.sim.received.filter((r) => JSON.stringify(r.body).includes("good morning")).map((
    r,
  ) => (r.body as { messages: { role: string; content: string }[] }).messages);
  assertEquals(user1.length, 3);
  assertEquals(user1[2], [
    { role: "user", content: "Translate 'good morning' into French." },
    { role: "assistant", content: "tok0 tok1 " },
    { role: "user", content: "And into German?" },
    { role: "assistant", content: "tok0 tok1 " },
    { role: "user", content: "And into Italian?" },
  ]);
  // Each turn after the first starts think time after the previous reply ended (20 ms each).
  const starts = h.records.filter((r) => r.user === 1).map((r) => r.startMs);
  assertEquals(starts, [0, 520, 1040]);
});
