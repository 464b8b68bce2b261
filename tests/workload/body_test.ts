import { assert, assertEquals } from "../_assert.ts";
import {
  applyOutputTokens,
  chatBody,
  drawOutputTokens,
  isCompletionsEndpoint,
  toCompletionsBody,
  withStreaming,
} from "../../lib/workload/body.ts";
import { seededRandom } from "../../lib/random.ts";

Deno.test("output tokens set max_completion_tokens and nvext.ignore_eos, keeping other nvext", () => {
  const body = applyOutputTokens({ model: "m", nvext: { greed_sampling: true } }, 7);
  assertEquals(body, {
    model: "m",
    max_completion_tokens: 7,
    nvext: { greed_sampling: true, ignore_eos: true },
  });
});

Deno.test("output vary draws uniformly in [N-V, N+V], at least 1, reproducibly", () => {
  const random = seededRandom(3);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    seen.add(drawOutputTokens({ tokens: 10, vary: 3, seed: 3 }, random));
  }
  assertEquals([...seen].sort((a, b) => a - b), [7, 8, 9, 10, 11, 12, 13]);
  const low = new Set<number>();
  for (let i = 0; i < 500; i++) low.add(drawOutputTokens({ tokens: 2, vary: 5, seed: 0 }, random));
  assert(Math.min(...low) === 1 && Math.max(...low) === 7, [...low].join(","));
  const a = seededRandom(9), b = seededRandom(9);
  const draw = (r: () => number) =>
    Array.from({ length: 20 }, () => drawOutputTokens({ tokens: 50, vary: 10, seed: 9 }, r));
  assertEquals(draw(a), draw(b));
});

Deno.test("streaming on asks for usage; off removes stream_options", () => {
  const on = withStreaming(chatBody("x", "m"), true);
  assertEquals(on.stream, true);
  assertEquals(on.stream_options, { include_usage: true });
  const off = withStreaming(on, false);
  assertEquals(off.stream, false);
  assertEquals("stream_options" in off, false);
});

Deno.test("completions endpoints get a prompt instead of messages", () => {
  assert(isCompletionsEndpoint(new URL("http://h/base/v1/completions/")));
  assert(!isCompletionsEndpoint(new URL("http://h/v1/chat/completions")));
  const body = toCompletionsBody({
    model: "m",
    messages: [{ role: "system", content: "a" }, { role: "user", content: "b" }],
    stream: true,
  });
  assertEquals(body, { model: "m", prompt: "a\nb", stream: true });
});
