import assert from "node:assert/strict";
import {
  DEFAULT_MAX_EVENT_BYTES,
  SseDecoder,
  type SseEvent,
  SseEventTooLargeError,
  SseInvalidUtf8Error,
} from "../../lib/stream/sse.ts";
import { decodeSplit, FIXTURES, prng } from "./_fixtures.ts";

const enc = new TextEncoder();

function decode(text: string, cuts: number[] = []): SseEvent[] {
  return decodeSplit(enc.encode(text), cuts);
}

function msg(data: string, id?: string): SseEvent {
  return { event: "message", data, id };
}

Deno.test("fixtures decode, unsplit, to their expected events", () => {
  for (const f of FIXTURES) {
    assert.deepEqual(decodeSplit(f.bytes), f.events, f.name);
  }
});

Deno.test("fixtures split at every byte position decode to the same events", () => {
  for (const f of FIXTURES) {
    for (let cut = 0; cut <= f.bytes.length; cut++) {
      assert.deepEqual(decodeSplit(f.bytes, [cut]), f.events, `${f.name}, cut at ${cut}`);
    }
  }
});

Deno.test("fixtures split into random pieces (seeded) and single bytes decode the same", () => {
  const random = prng(20240611);
  for (const f of FIXTURES) {
    const n = f.bytes.length;
    assert.deepEqual(
      decodeSplit(f.bytes, Array.from({ length: n - 1 }, (_, i) => i + 1)),
      f.events,
      `${f.name}, 1-byte pieces`,
    );
    for (let trial = 0; trial < 200; trial++) {
      const pieces = 2 + Math.floor(random() * 12);
      const cuts = Array.from({ length: pieces - 1 }, () => Math.floor(random() * (n + 1)))
        .sort((a, b) => a - b);
      assert.deepEqual(decodeSplit(f.bytes, cuts), f.events, `${f.name}, cuts ${cuts}`);
    }
  }
});

Deno.test("LF, CRLF and lone CR line endings all end lines and events", () => {
  const expected = [msg("a"), msg("b")];
  assert.deepEqual(decode("data: a\n\ndata: b\n\n"), expected);
  assert.deepEqual(decode("data: a\r\n\r\ndata: b\r\n\r\n"), expected);
  assert.deepEqual(decode("data: a\r\rdata: b\r\r"), expected);
  assert.deepEqual(decode("data: a\r\n\rdata: b\n\r\n"), expected);
});

Deno.test("a CR ending one chunk and its LF starting the next make one line ending", () => {
  // Were the LF a second line ending, the blank line would dispatch "a" alone.
  assert.deepEqual(decode("data: a\r\ndata: b\r\n\r\n", [8]), [msg("a\nb")]);
  assert.deepEqual(decode("data: a\r\ndata: b\r\n\r\n", [8, 8, 8]), [msg("a\nb")]);
  // A lone CR at a chunk end followed by a non-LF byte is still a line ending.
  assert.deepEqual(decode("data: a\rdata: b\r\r", [8]), [msg("a\nb")]);
});

Deno.test("comment lines are ignored, also between data lines", () => {
  assert.deepEqual(decode(": keep-alive\n\n:\ndata: x\n: ping\ndata: y\n\n"), [msg("x\ny")]);
});

Deno.test("multi-line data joins with newlines; a colon-less 'data' line adds an empty line", () => {
  assert.deepEqual(decode("data: a\ndata: b\ndata\n\n"), [msg("a\nb\n")]);
  assert.deepEqual(decode("data\n\n"), [msg("")]);
  assert.deepEqual(decode("data:\n\n"), [msg("")]);
});

Deno.test("only one leading space is stripped from a value", () => {
  assert.deepEqual(decode("data:x\n\ndata: x\n\ndata:  x\n\n"), [msg("x"), msg("x"), msg(" x")]);
  assert.deepEqual(decode("data: a: b\n\n"), [msg("a: b")]);
});

Deno.test("a BOM is stripped only at the very start of the stream, even when split", () => {
  const text = "\uFEFFdata: a\n\n";
  assert.deepEqual(decode(text), [msg("a")]);
  assert.deepEqual(decode(text, [1, 2]), [msg("a")]);
  // A second BOM makes an unknown field name: that line is ignored.
  assert.deepEqual(decode("\uFEFF\uFEFFdata: a\n\ndata: b\n\n"), [msg("b")]);
  assert.deepEqual(decode("data: a\n\n\uFEFFdata: b\n\n"), [msg("a")]);
  // The BOM of an empty-looking start: a comment.
  assert.deepEqual(decode("\uFEFF: c\ndata: a\n\n", [2]), [msg("a")]);
});

Deno.test("event and id fields; the last event id persists, empty id resets, NUL id is ignored", () => {
  const events = decode(
    "event: add\nid: 7\ndata: 1\n\ndata: 2\n\nid: 8\0\ndata: 3\n\nid\ndata: 4\n\nid: 9\nid:\ndata: 5\n\n",
  );
  assert.deepEqual(events, [
    { event: "add", data: "1", id: "7" },
    msg("2", "7"),
    msg("3", "7"),
    msg("4"),
    msg("5"),
  ]);
});

Deno.test("the event type does not leak into the next event; events without data are dropped", () => {
  assert.deepEqual(decode("event: a\n\ndata: x\n\nevent: b\nid: 3\n\n"), [msg("x")]);
  assert.deepEqual(decode("event\ndata: x\n\n"), [msg("x")]);
});

Deno.test("unknown fields, retry and colon-less unknown lines are ignored", () => {
  assert.deepEqual(decode("foo: bar\nretry: 10\nDATA: no\ndatas: no\nnoise\ndata: ok\n\n"), [
    msg("ok"),
  ]);
});

Deno.test("many colon-less lines in one chunk decode correctly", () => {
  const text = "x\n".repeat(1000) + "data: ok\n\n";
  assert.deepEqual(decode(text), [msg("ok")]);
});

Deno.test("end() dispatches an event left without its blank line, then resets the decoder", () => {
  const decoder = new SseDecoder();
  assert.deepEqual([...decoder.push(enc.encode("data: a\n\ndata: b"))], [msg("a")]);
  assert.deepEqual([...decoder.end()], [msg("b")]);
  assert.deepEqual([...decoder.end()], []);
  // Reset: a BOM is stripped again and the last event id is forgotten.
  assert.deepEqual([...decoder.push(enc.encode("\uFEFFid: 1\ndata: c\n"))], []);
  assert.deepEqual([...decoder.end()], [msg("c", "1")]);
  assert.deepEqual([...decoder.push(enc.encode("data: d\n\n"))], [msg("d")]);
});

Deno.test("end() after a complete stream, after a comment, or on nothing returns no event", () => {
  assert.deepEqual(decode("data: a\n\n"), [msg("a")]);
  assert.deepEqual(decode(": tail"), []);
  assert.deepEqual(decode(""), []);
  assert.deepEqual(decode("event: x"), []);
});

Deno.test("push() returns a reused array; the events themselves stay valid", () => {
  const decoder = new SseDecoder();
  const first = decoder.push(enc.encode("data: a\n\n"));
  const kept = first[0];
  const second = decoder.push(enc.encode("data: b\n\n"));
  assert.equal(second, first);
  assert.deepEqual(kept, msg("a"));
  assert.deepEqual(second, [msg("b")]);
  assert.deepEqual(decoder.push(new Uint8Array(0)), []);
});

Deno.test("invalid UTF-8 becomes U+FFFD, whatever the split", () => {
  const bytes = new Uint8Array([
    ...enc.encode("data: a"),
    0xff,
    0xe6,
    0xbc, // a truncated 3-byte sequence, then the line ends
    ...enc.encode("\n\ndata: "),
    0xf0,
    0x9f,
    0x99,
    0x82, // 🙂 split anywhere
    ...enc.encode("\n\n"),
  ]);
  const expected = [msg("a\uFFFD\uFFFD"), msg("🙂")];
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(decodeSplit(bytes, [cut]), expected, `cut at ${cut}`);
  }
});

Deno.test("a single event split inside a multi-byte character decodes intact", () => {
  const bytes = enc.encode("data: 漢🙂é\n\n");
  for (let a = 0; a <= bytes.length; a++) {
    for (let b = a; b <= bytes.length; b++) {
      assert.deepEqual(decodeSplit(bytes, [a, b]), [msg("漢🙂é")], `cuts ${a},${b}`);
    }
  }
});

Deno.test("an endless line throws SseEventTooLargeError once over maxEventBytes", () => {
  const decoder = new SseDecoder({ maxEventBytes: 100 });
  decoder.push(enc.encode("data: " + "x".repeat(60)));
  decoder.push(enc.encode("x".repeat(34))); // 100 bytes buffered: still fine
  assert.throws(() => decoder.push(enc.encode("x")), SseEventTooLargeError);
});

Deno.test("SseEventTooLargeError carries the limit and the size reached", () => {
  const decoder = new SseDecoder({ maxEventBytes: 100 });
  try {
    decoder.push(enc.encode("data: " + "x".repeat(200)));
    assert.fail("expected a throw");
  } catch (err) {
    assert.ok(err instanceof SseEventTooLargeError);
    assert.equal(err.maxEventBytes, 100);
    assert.equal(err.eventBytes, 206);
    assert.match(err.message, /maxEventBytes \(100\).*current size is 206/);
  }
  // The decoder was reset and decodes a new stream.
  assert.deepEqual([...decoder.push(enc.encode("data: ok\n\n"))], [msg("ok")]);
});

Deno.test("an endless event of many complete data lines throws too", () => {
  const decoder = new SseDecoder({ maxEventBytes: 1000 });
  const line = enc.encode("data: " + "y".repeat(94) + "\n"); // 94 + 1 chars of data per line
  assert.throws(() => {
    for (let i = 0; i < 20; i++) decoder.push(line);
  }, SseEventTooLargeError);
  const big = new SseDecoder({ maxEventBytes: 1000 });
  assert.throws(() => big.push(enc.encode(("data: " + "y".repeat(94) + "\n").repeat(20))), {
    name: "SseEventTooLargeError",
  });
});

Deno.test("many small events adding up to more than maxEventBytes are fine", () => {
  const decoder = new SseDecoder({ maxEventBytes: 64 });
  const chunk = enc.encode("data: 0123456789012345678901234567890123456789\n\n".repeat(50));
  assert.equal(decoder.push(chunk).length, 50);
});

Deno.test("the default limit is 1 MiB and a non-positive limit is rejected", () => {
  assert.equal(DEFAULT_MAX_EVENT_BYTES, 1024 * 1024);
  const decoder = new SseDecoder();
  const payload = "z".repeat(DEFAULT_MAX_EVENT_BYTES - 10);
  assert.deepEqual(decoder.push(enc.encode(`data: ${payload}\n\n`))[0].data.length, payload.length);
  assert.throws(() => new SseDecoder({ maxEventBytes: 0 }), {
    name: "RangeError",
    message: /'maxEventBytes' must be a positive number: current value is 0/,
  });
});

Deno.test("fatal: valid multi-byte text split anywhere decodes; invalid UTF-8 throws", () => {
  const good = enc.encode("data: 漢🙂é\r\n\r\ndata: x\r\n\r\n");
  for (let cut = 0; cut <= good.length; cut++) {
    const decoder = new SseDecoder({ fatal: true });
    const events = [...decoder.push(good.subarray(0, cut)), ...decoder.push(good.subarray(cut))];
    assert.deepEqual([...events, ...decoder.end()], [msg("漢🙂é"), msg("x")], `cut at ${cut}`);
  }
  const bad = new Uint8Array([...enc.encode("data: a"), 0xe6, 0xbc, ...enc.encode("\n\n")]);
  for (let cut = 0; cut <= bad.length; cut++) {
    const decoder = new SseDecoder({ fatal: true });
    assert.throws(() => {
      decoder.push(bad.subarray(0, cut));
      decoder.push(bad.subarray(cut));
      decoder.end();
    }, SseInvalidUtf8Error);
  }
  // A character cut by the end of the stream is invalid too.
  const cutShort = new SseDecoder({ fatal: true });
  cutShort.push(new Uint8Array([...enc.encode("data: "), 0xf0, 0x9f]));
  assert.throws(() => cutShort.end(), { name: "SseInvalidUtf8Error" });
});
