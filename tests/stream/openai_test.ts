import assert from "node:assert/strict";
import {
  MAX_EXCERPT_CHARS,
  OpenAIStreamReader,
  type ResponseSummary,
  summarizeJsonBody,
} from "../../lib/stream/openai.ts";
import { SseDecoder } from "../../lib/stream/sse.ts";
import { CHAT_DATA, COMPLETION_DATA, FIXTURES } from "./_fixtures.ts";

type Delta = Record<string, unknown>;

function chat(delta: Delta, finish: string | null = null, extra: Delta = {}): string {
  return JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
}

/** Feeds data payloads at the given times (default: 10, 20, 30 ...) and finishes at `endMs`. */
function read(
  data: readonly string[],
  options: ConstructorParameters<typeof OpenAIStreamReader>[0] = {},
  times?: number[],
  endMs = 1000,
): ResponseSummary {
  const reader = new OpenAIStreamReader(options);
  data.forEach((d, i) => reader.onEvent({ event: "message", data: d }, times?.[i] ?? (i + 1) * 10));
  return reader.finish(endMs);
}

Deno.test("a chat stream: TTFT skips the role-only chunk, ITL per output event, usage wins", () => {
  const s = read(CHAT_DATA);
  assert.equal(s.outcome, "success");
  assert.equal(s.error, undefined);
  assert.equal(s.firstOutputMs, 20); // the role-only chunk at 10 (with content "") does not count
  assert.equal(s.firstAnswerMs, 20);
  assert.equal(s.lastOutputMs, 60);
  assert.deepEqual(s.itlMs, [10, 10, 10, 10]);
  assert.equal(s.terminalMs, 90); // [DONE]
  assert.equal(s.endMs, 1000);
  assert.equal(s.outputTokens, 6);
  assert.equal(s.outputTokensSource, "usage");
  assert.equal(s.promptTokens, 12);
  assert.equal(s.finishReason, "stop");
  assert.equal(s.outputChars, "Café 漢字 🙂!".length);
  assert.equal(s.text, undefined);
});

Deno.test("a completions stream: text counts, empty text does not", () => {
  const s = read(COMPLETION_DATA);
  assert.equal(s.outcome, "success");
  assert.equal(s.firstOutputMs, 10);
  assert.deepEqual(s.itlMs, [10, 10]);
  assert.equal(s.lastOutputMs, 30);
  assert.equal(s.finishReason, "length");
  assert.equal(s.outputTokens, 3);
  assert.equal(s.outputTokensSource, "chunks");
  assert.equal(s.terminalMs, 50);
});

Deno.test("timestamps are the caller's arrival times, never read at parse time", () => {
  const t0 = 1e12;
  const s = read([chat({ content: "a" }), chat({ content: "b" }), "[DONE]"], {}, [
    t0,
    t0 + 0.25,
    t0 + 0.5,
  ], t0 + 1);
  assert.equal(s.firstOutputMs, t0);
  assert.deepEqual(s.itlMs, [0.25]);
  assert.equal(s.terminalMs, t0 + 0.5);
  assert.equal(s.endMs, t0 + 1);
});

Deno.test("empty strings, null content and usage-only chunks are not output", () => {
  const s = read([
    chat({ role: "assistant" }),
    chat({ content: "" }),
    chat({ content: null, reasoning_content: "" }),
    JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 0 } }),
    chat({ content: "x" }),
    chat({}, "stop"),
    "[DONE]",
  ]);
  assert.equal(s.firstOutputMs, 50);
  assert.deepEqual(s.itlMs, []);
  assert.equal(s.outputTokens, 0); // the last usage seen, even when zero
  assert.equal(s.outcome, "success");
});

Deno.test("reasoning first: TTFT at the first reasoning event, first answer later", () => {
  const s = read([
    chat({ role: "assistant" }),
    chat({ reasoning_content: "Let me" }),
    chat({ reasoning: " think" }),
    chat({ content: "42" }),
    chat({}, "stop"),
    "[DONE]",
  ], { keepText: true });
  assert.equal(s.firstOutputMs, 20);
  assert.equal(s.firstAnswerMs, 40);
  assert.deepEqual(s.itlMs, [10, 10]);
  assert.equal(s.outputTokens, 3);
  assert.equal(s.reasoningText, "Let me think");
  assert.equal(s.text, "42");
});

Deno.test("reasoning only: no first answer time", () => {
  const s = read([chat({ reasoning_content: "hmm" }, "length"), "[DONE]"]);
  assert.equal(s.outcome, "success");
  assert.equal(s.firstOutputMs, 10);
  assert.equal(s.firstAnswerMs, undefined);
});

Deno.test("tool-call arguments are output; a call with only a name is not", () => {
  const call = (fn: Delta) => ({ tool_calls: [{ index: 0, function: fn }] });
  const s = read([
    chat(call({ name: "get_weather", arguments: "" })),
    chat(call({ arguments: '{"city":' })),
    chat(call({ arguments: '"Paris"}' })),
    chat({}, "tool_calls"),
    "[DONE]",
  ], { keepText: true });
  assert.equal(s.firstOutputMs, 20);
  assert.deepEqual(s.itlMs, [10]);
  assert.equal(s.finishReason, "tool_calls");
  assert.equal(s.text, '{"city":"Paris"}');
});

Deno.test("usage on the last choice chunk, and the last usage seen wins", () => {
  const s = read([
    chat({ content: "a" }, null, { usage: { prompt_tokens: 5, completion_tokens: 1 } }),
    chat({ content: "b" }, "stop", { usage: { prompt_tokens: 5, completion_tokens: 2 } }),
    JSON.stringify({ choices: [], usage: null }),
    "[DONE]",
  ]);
  assert.equal(s.outputTokens, 2);
  assert.equal(s.outputTokensSource, "usage");
  assert.equal(s.promptTokens, 5);
});

Deno.test("without usage: countTokens over reasoning and answer, else output events", () => {
  const data = [
    chat({ reasoning_content: "ab" }),
    chat({ content: "cde" }),
    chat({}, "stop"),
    "[DONE]",
  ];
  const counted: string[] = [];
  const s = read(data, {
    countTokens: (t) => {
      counted.push(t);
      return t.length;
    },
  });
  assert.equal(s.outputTokens, 5);
  assert.equal(s.outputTokensSource, "tokenizer");
  assert.deepEqual(counted, ["ab", "cde"]);
  assert.equal(s.text, undefined); // counted, but not kept
  const plain = read(data);
  assert.equal(plain.outputTokens, 2);
  assert.equal(plain.outputTokensSource, "chunks");
});

Deno.test("a finish_reason without [DONE] is a success ending at the last event after it", () => {
  const s = read([
    chat({ content: "a" }),
    chat({}, "stop"),
    JSON.stringify({ choices: [], usage: { completion_tokens: 1 } }),
  ]);
  assert.equal(s.outcome, "success");
  assert.equal(s.terminalMs, 30);
  assert.equal(s.outputTokens, 1);
});

Deno.test("neither [DONE] nor finish_reason: stream_truncated, even with output", () => {
  const s = read([chat({ role: "assistant" }), chat({ content: "a" }), chat({ content: "b" })]);
  assert.equal(s.outcome, "stream_truncated");
  assert.equal(s.error?.kind, "stream_truncated");
  assert.match(s.error!.message, /without \[DONE\] or finish_reason after 3 data events \(2 with/);
  assert.equal(s.terminalMs, undefined);
  assert.equal(s.firstOutputMs, 20); // what was measured is still reported
  const nothing = new OpenAIStreamReader().finish(5);
  assert.equal(nothing.outcome, "stream_truncated");
  assert.equal(nothing.endMs, 5);
});

Deno.test("finished with no output: empty_response", () => {
  const s = read([chat({ role: "assistant", content: "" }), chat({}, "stop"), "[DONE]"]);
  assert.equal(s.outcome, "empty_response");
  assert.equal(s.error?.kind, "empty_response");
  assert.match(s.error!.message, /no output \(finish_reason "stop"/);
  assert.equal(s.firstOutputMs, undefined);
  assert.equal(s.terminalMs, undefined);
  assert.equal(read(["[DONE]"]).outcome, "empty_response");
});

Deno.test("an in-band error object is a stream_error, even after output and before [DONE]", () => {
  const s = read([
    chat({ content: "a" }),
    JSON.stringify({ error: { object: "error", message: "CUDA out of memory", code: 500 } }),
    "[DONE]",
  ]);
  assert.equal(s.outcome, "stream_error");
  assert.deepEqual(s.error, {
    kind: "stream_error",
    message: "server error in stream: CUDA out of memory",
  });
  assert.equal(s.terminalMs, undefined);
  const top = read([JSON.stringify({ object: "error", message: "bad", type: "BadRequestError" })]);
  assert.equal(top.error?.message, "server error in stream: bad");
  const str = read([JSON.stringify({ error: "overloaded" }), "[DONE]"]);
  assert.equal(str.error?.message, "server error in stream: overloaded");
});

Deno.test("an `event: error` is a stream_error with the message excerpt", () => {
  const reader = new OpenAIStreamReader();
  reader.onEvent({ event: "message", data: chat({ content: "a" }) }, 1);
  reader.onEvent({ event: "error", data: '{"error":{"message":"shutting down"}}' }, 2);
  reader.onEvent({ event: "message", data: "[DONE]" }, 3);
  const s = reader.finish(4);
  assert.equal(s.outcome, "stream_error");
  assert.equal(s.error?.message, "server error event: shutting down");
  const raw = new OpenAIStreamReader();
  raw.onEvent({ event: "error", data: "upstream closed" }, 1);
  assert.equal(raw.finish(2).error?.message, "server error event: upstream closed");
});

Deno.test("error messages are cut to 300 characters", () => {
  const s = read([JSON.stringify({ error: { message: "x".repeat(5000) } })]);
  assert.equal(s.error!.message.length, MAX_EXCERPT_CHARS);
  assert.equal(MAX_EXCERPT_CHARS, 300);
  assert.ok(s.error!.message.endsWith("…"));
  const bad = read(["{" + "y".repeat(1000)]);
  assert.equal(bad.error!.message.length, 300);
});

Deno.test("invalid JSON or a non-object in a data event is a protocol_error", () => {
  const s = read([chat({ content: "a" }), '{"choices": [', "[DONE]"]);
  assert.equal(s.outcome, "protocol_error");
  assert.equal(s.error?.message, 'invalid JSON in stream event: {"choices": [');
  assert.equal(read(["42", "[DONE]"]).outcome, "protocol_error");
  assert.equal(read(["null", "[DONE]"]).outcome, "protocol_error");
});

Deno.test("the first failure wins and later events are ignored", () => {
  const s = read([
    "not json",
    JSON.stringify({ error: { message: "later" } }),
    chat({ content: "a" }),
  ]);
  assert.equal(s.outcome, "protocol_error");
  assert.equal(s.firstOutputMs, undefined);
});

Deno.test("events after [DONE] are ignored and done turns true", () => {
  const reader = new OpenAIStreamReader();
  reader.onEvent({ event: "message", data: chat({ content: "a" }) }, 1);
  assert.equal(reader.done, false);
  reader.onEvent({ event: "message", data: "[DONE]" }, 2);
  assert.equal(reader.done, true);
  reader.onEvent({ event: "message", data: "garbage" }, 3);
  reader.onEvent({ event: "message", data: chat({ content: "b" }) }, 4);
  const s = reader.finish(5);
  assert.equal(s.outcome, "success");
  assert.equal(s.lastOutputMs, 1);
  assert.equal(s.terminalMs, 2);
});

Deno.test("events of other types are ignored", () => {
  const reader = new OpenAIStreamReader();
  reader.onEvent({ event: "ping", data: "not json" }, 1);
  reader.onEvent({ event: "message", data: chat({ content: "a" }, "stop") }, 2);
  const s = reader.finish(3);
  assert.equal(s.outcome, "success");
  assert.equal(s.firstOutputMs, 2);
});

Deno.test("several choices in one event make one output event", () => {
  const data = JSON.stringify({
    choices: [{ index: 0, delta: { content: "a" } }, { index: 1, delta: { content: "b" } }],
  });
  const s = read([data, data, chat({}, "stop"), "[DONE]"]);
  assert.deepEqual(s.itlMs, [10]);
  assert.equal(s.outputTokens, 2);
  assert.equal(s.outputChars, 4);
});

Deno.test("SSE decoding + reading gives the same summary whatever the byte split", () => {
  for (const f of FIXTURES.slice(0, 5)) {
    const summarize = (cut: number) => {
      const decoder = new SseDecoder();
      const reader = new OpenAIStreamReader({ keepText: true });
      let n = 0;
      for (const part of [f.bytes.subarray(0, cut), f.bytes.subarray(cut)]) {
        for (const e of decoder.push(part)) reader.onEvent(e, ++n);
      }
      for (const e of decoder.end()) reader.onEvent(e, ++n);
      return reader.finish(n + 1);
    };
    const whole = summarize(f.bytes.length);
    assert.equal(whole.outcome, "success", f.name);
    assert.ok(whole.text === "Café 漢字 🙂!" || whole.text === "Once upon a tíme 🙂", f.name);
    for (let cut = 0; cut <= f.bytes.length; cut += 7) {
      assert.deepEqual(summarize(cut), whole, `${f.name}, cut at ${cut}`);
    }
  }
});

Deno.test("JSON body: chat message content, usage and finish reason", () => {
  const body = JSON.stringify({
    object: "chat.completion",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "Bonjour é", reasoning_content: "think" },
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: 9, completion_tokens: 4 },
  });
  const s = summarizeJsonBody(body, 250, { keepText: true });
  assert.equal(s.outcome, "success");
  assert.equal(s.firstOutputMs, 250);
  assert.equal(s.firstAnswerMs, 250);
  assert.equal(s.lastOutputMs, 250);
  assert.equal(s.terminalMs, 250);
  assert.equal(s.endMs, 250);
  assert.deepEqual(s.itlMs, []);
  assert.equal(s.outputTokens, 4);
  assert.equal(s.outputTokensSource, "usage");
  assert.equal(s.promptTokens, 9);
  assert.equal(s.finishReason, "stop");
  assert.equal(s.outputChars, 14);
  assert.equal(s.text, "Bonjour é");
  assert.equal(s.reasoningText, "think");
});

Deno.test("JSON body: completions text, tool calls, token counting fallbacks", () => {
  const text = summarizeJsonBody(JSON.stringify({ choices: [{ text: "abc" }] }), 1);
  assert.equal(text.outcome, "success");
  assert.equal(text.outputTokens, 1);
  assert.equal(text.outputTokensSource, "chunks");
  const tools = summarizeJsonBody(
    JSON.stringify({
      choices: [{
        message: { content: null, tool_calls: [{ function: { name: "f", arguments: "{}" } }] },
      }],
    }),
    1,
    { countTokens: (t) => t.length * 10 },
  );
  assert.equal(tools.outcome, "success");
  assert.equal(tools.outputTokens, 20);
  assert.equal(tools.outputTokensSource, "tokenizer");
  const reasoningOnly = summarizeJsonBody(
    JSON.stringify({ choices: [{ message: { content: "", reasoning: "r" } }] }),
    3,
  );
  assert.equal(reasoningOnly.firstOutputMs, 3);
  assert.equal(reasoningOnly.firstAnswerMs, undefined);
});

Deno.test("JSON body: error object, invalid JSON and no output are failures", () => {
  const err = summarizeJsonBody('{"error":{"message":"model not loaded","code":503}}', 7);
  assert.equal(err.outcome, "stream_error");
  assert.equal(err.error?.message, "server error in body: model not loaded");
  assert.equal(err.terminalMs, undefined);
  assert.equal(err.endMs, 7);
  const top = summarizeJsonBody('{"object":"error","message":"too long"}', 7);
  assert.equal(top.error?.message, "server error in body: too long");
  const bad = summarizeJsonBody("<html>502 Bad Gateway</html>", 7);
  assert.equal(bad.outcome, "protocol_error");
  assert.equal(bad.error?.message, "invalid JSON body: <html>502 Bad Gateway</html>");
  assert.equal(summarizeJsonBody("[1]", 7).outcome, "empty_response");
  assert.equal(summarizeJsonBody("7", 7).outcome, "protocol_error");
  const empty = summarizeJsonBody(
    '{"choices":[{"message":{"content":""},"finish_reason":"length"}]}',
    7,
  );
  assert.equal(empty.outcome, "empty_response");
  assert.equal(empty.finishReason, "length");
  assert.equal(empty.firstOutputMs, undefined);
  assert.equal(empty.outputTokens, 0);
});
