import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { loadPromptBodies, promptBody, readJsonl } from "../../lib/workload/jsonl.ts";
import { InputError } from "../../lib/errors.ts";

function streamOf(...parts: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(typeof p === "string" ? enc.encode(p) : p);
      c.close();
    },
  });
}

Deno.test("BOM, CRLF, blank lines, a last line without newline, lines split across chunks", async () => {
  const got = [];
  for await (const l of readJsonl(streamOf('\uFEFF{"a":1}\r\n\r\n  \n{"a"', ':2}\n{"a":3}'), "f")) {
    got.push([l.line, l.value]);
  }
  assertEquals(got, [[1, { a: 1 }], [4, { a: 2 }], [5, { a: 3 }]]);
});

Deno.test("a multi-byte character split across chunks is decoded", async () => {
  const bytes = new TextEncoder().encode('{"text":"é漢"}\n');
  const got = [];
  for await (const l of readJsonl(streamOf(bytes.slice(0, 10), bytes.slice(10)), "f")) {
    got.push(l.value);
  }
  assertEquals(got, [{ text: "é漢" }]);
});

Deno.test("malformed JSON names file:line", async () => {
  const e = await assertRejects(
    () => loadPromptBodies(streamOf('{"text":"a"}\n\n{"text": nope}\n'), "p.jsonl", "m"),
    InputError,
  );
  assertEquals([e.file, e.line], ["p.jsonl", 3]);
  assert(e.message.startsWith("p.jsonl:3: line is not valid JSON"), e.message);
});

Deno.test("invalid UTF-8 and empty files are input errors", async () => {
  await assertRejects(
    () => loadPromptBodies(streamOf(new Uint8Array([0x7b, 0xff, 0x7d, 10])), "b.jsonl", "m"),
    InputError,
    "not valid UTF-8",
  );
  await assertRejects(
    () => loadPromptBodies(streamOf("\n \r\n"), "e.jsonl", "m"),
    InputError,
    "e.jsonl: holds no records",
  );
});

Deno.test("record shapes: text string, text messages, messages, batch body; own model wins", () => {
  assertEquals(promptBody({ text: "hi" }, "m", "f", 1), {
    model: "m",
    messages: [{ role: "user", content: "hi" }],
  });
  const msgs = [{ role: "system", content: "s" }, { role: "user", content: "u" }];
  assertEquals(promptBody({ text: msgs, model: "own" }, "m", "f", 1), {
    model: "own",
    messages: msgs,
  });
  assertEquals(promptBody({ messages: msgs }, "m", "f", 1).messages, msgs);
  const batch = {
    custom_id: "r1",
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: "b", messages: msgs, temperature: 0 },
  };
  assertEquals(promptBody(batch, "m", "f", 1), { model: "b", messages: msgs, temperature: 0 });
});

Deno.test("missing or mistyped text is an input error naming file:line and the field", () => {
  const cases: [unknown, string][] = [
    [{ prompt: "x" }, 'has no "text" field'],
    [{ text: 5 }, '"text" that is neither a string'],
    [{ text: "" }, 'empty "text"'],
    [{ text: [{ content: "x" }] }, '"text[0]" without a string "role"'],
    [["x"], "must be a JSON object"],
    [{ text: "x", model: 3 }, '"model" that is not a non-empty string'],
  ];
  for (const [value, msg] of cases) {
    const e = assertThrows(() => promptBody(value, "m", "p.jsonl", 7), InputError, msg);
    assert(e.message.startsWith("p.jsonl:7:"), e.message);
  }
});
