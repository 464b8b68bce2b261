import { assertEquals, assertRejects } from "./_assert.ts";
import { readLines } from "../lib/lines.ts";
import { InputError } from "../lib/errors.ts";

function streamOf(...parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      parts.forEach((p) => c.enqueue(p));
      c.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>, tolerateCutEnd = false) {
  const out = [];
  for await (const l of readLines(stream, "f", { tolerateCutEnd })) out.push(l);
  return out;
}

Deno.test("lines split at every byte give the same lines", async () => {
  const bytes = new TextEncoder().encode("\uFEFFé1\r\n\r\n漢🙂\nlast");
  const whole = await collect(streamOf(bytes));
  assertEquals(whole.map((l) => [l.text, l.line, l.last]), [
    ["é1", 1, false],
    ["", 2, false],
    ["漢🙂", 3, false],
    ["last", 4, true],
  ]);
  for (let i = 1; i < bytes.length; i++) {
    assertEquals(await collect(streamOf(bytes.slice(0, i), bytes.slice(i))), whole, `split ${i}`);
  }
});

Deno.test("a character cut at the end: an error, or U+FFFD when tolerated", async () => {
  const bytes = new TextEncoder().encode('{"a":1}\n{"b":"漢');
  const cut = bytes.slice(0, bytes.length - 1);
  await assertRejects(() => collect(streamOf(cut)), InputError, "not valid UTF-8");
  const lines = await collect(streamOf(cut), true);
  assertEquals(lines[1].last, true);
  assertEquals(lines[1].text.endsWith("\uFFFD"), true);
});
