import { assertEquals } from "../_assert.ts";
import { learnTemplate, matchTemplate } from "../../lib/stream/chunk_template.ts";
import { OpenAIStreamReader } from "../../lib/stream/openai.ts";
import { seededRandom } from "../../lib/random.ts";

const HEAD = `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",` +
  `"choices":[{"index":0,"delta":`;
const TAIL = `,"logprobs":null,"finish_reason":null}]}`;
const content = (text: string) => `${HEAD}{"content":${JSON.stringify(text)}}${TAIL}`;

Deno.test("template: learned from a content event, matches the same shape with any text", () => {
  const t = learnTemplate(content("a"), JSON.parse(content("a")))!;
  assertEquals(t.field, "content");
  for (
    const text of ["", "x", 'q "quoted"', "line\nbreak", "tab\t", "é漢🙂", "\\", "\u2028", "}]}"]
  ) {
    assertEquals(matchTemplate(t, content(text)), text);
  }
});

Deno.test("template: unsure means undefined, so the caller parses in full", () => {
  const t = learnTemplate(content("a"), JSON.parse(content("a")))!;
  const unsure = [
    `${HEAD}{"content":"a"b"}${TAIL}`, // unescaped quote
    `${HEAD}{"content":"a\nb"}${TAIL}`, // raw control character: invalid JSON
    `${HEAD}{"content":"a\\"}${TAIL}`, // the backslash escapes the closing quote
    `${HEAD}{"content":"a\\x"}${TAIL}`, // invalid escape
    `${HEAD}{"content":"a"}${TAIL} `, // different suffix
    content("a").replace('"created":1', '"created":2'), // different prefix
    `${HEAD}{"content":"a","content":"b"}${TAIL}`, // a second field
  ];
  for (const data of unsure) assertEquals(matchTemplate(t, data), undefined, data);
});

Deno.test("template: not learned from events a template cannot stand for", () => {
  const no = [
    `${HEAD}{"role":"assistant","content":""}${TAIL}`,
    `${HEAD}{"content":"a","reasoning_content":"b"}${TAIL}`,
    `${HEAD}{"content":"a"},"finish_reason":"stop"}]}`,
    `${HEAD}{"tool_calls":[{"function":{"arguments":"x"}}],"content":"a"}${TAIL}`,
    `{"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]}`,
    `{"choices":[{"delta":{"content":"a"}}],"usage":{"completion_tokens":1}}`,
    `{"error":{"message":"x"},"choices":[{"delta":{"content":"a"}}]}`,
    `{"model":"\\"content\\":\\"","choices":[{"delta":{"content":1}}]}`,
  ];
  for (const data of no) assertEquals(learnTemplate(data, JSON.parse(data)), undefined, data);
  // The same key later at another path: the located string is not the field, so no template.
  const tricky = `{"choices":[{"delta":{"content":"a"}}],"meta":{"content":"z"}}`;
  assertEquals(learnTemplate(tricky, JSON.parse(tricky)), undefined);
  // A lookalike inside a string is escaped, so it is never taken for the key.
  const escaped = `{"choices":[{"delta":{"content":"a"}}],"x":"\\"content\\":\\"z\\""}`;
  const t = learnTemplate(escaped, JSON.parse(escaped))!;
  assertEquals(t.prefix, `{"choices":[{"delta":{"content":"`);
});

Deno.test("template: completions text and reasoning fields", () => {
  const text = (t: string) => `{"id":"c","choices":[{"index":0,"text":${JSON.stringify(t)}}]}`;
  const tt = learnTemplate(text("a"), JSON.parse(text("a")))!;
  assertEquals([tt.field, matchTemplate(tt, text("b c"))], ["text", "b c"]);
  const r = (t: string) => `${HEAD}{"reasoning_content":${JSON.stringify(t)}}${TAIL}`;
  const rt = learnTemplate(r("a"), JSON.parse(r("a")))!;
  assertEquals([rt.field, matchTemplate(rt, r("think"))], ["reasoning_content", "think"]);
});

/** Random streams mixing every shape; the fast path must give exactly the summary of full parsing. */
function randomStream(random: () => number): string[] {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const texts = ["", "a", " tok", 'q"', "\n", "\\", "é🙂", "\u0001", "}]}", '","x":"'];
  const events: string[] = [`${HEAD}{"role":"assistant","content":""}${TAIL}`];
  const n = 5 + Math.floor(random() * 30);
  for (let i = 0; i < n; i++) {
    const text = pick(texts) + pick(texts);
    const kind = random();
    if (kind < 0.55) events.push(content(text));
    else if (kind < 0.65) {
      events.push(`${HEAD}{"reasoning_content":${JSON.stringify(text)}}${TAIL}`);
    } else if (kind < 0.72) events.push(content(text).replace('"created":1', '"created":2'));
    else if (kind < 0.78) events.push(`${HEAD}{"content":"${text}"}${TAIL}`); // raw: maybe invalid
    else if (kind < 0.82) events.push(`{"error":{"message":"boom"}}`);
    else if (kind < 0.86) events.push(`${HEAD}{},"finish_reason":"stop"}]}`);
    else if (kind < 0.9) events.push(`{"choices":[],"usage":{"completion_tokens":${i}}}`);
    else events.push(content(text).replace(TAIL, `,"finish_reason":null}]}`));
  }
  if (random() < 0.8) events.push("[DONE]");
  return events;
}

Deno.test("fast path: identical summaries to full parsing on 500 random streams", () => {
  const random = seededRandom(7);
  for (let s = 0; s < 500; s++) {
    const events = randomStream(random);
    const read = (fastPath: boolean) => {
      const reader = new OpenAIStreamReader({ fastPath, keepText: true });
      events.forEach((data, i) => reader.onEvent({ event: "message", data }, i * 10));
      return reader.finish(events.length * 10);
    };
    assertEquals(read(true), read(false), `stream ${s}: ${JSON.stringify(events)}`);
  }
});
