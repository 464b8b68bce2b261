/**
 * Realistic OpenAI-compatible SSE streams for the stream tests, with the events each must decode to.
 *
 * @module
 */

import { SseDecoder, type SseEvent } from "../../lib/stream/sse.ts";

/** A stream's bytes and the events it must decode to. */
export interface StreamFixture {
  name: string;
  bytes: Uint8Array;
  events: SseEvent[];
}

/** How a fixture writes its lines. */
interface Layout {
  eol: string;
  bom?: boolean;
  noSpace?: boolean;
  comments?: boolean;
}

const encoder = new TextEncoder();

function chatChunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return JSON.stringify({
    id: "chatcmpl-7f3a",
    object: "chat.completion.chunk",
    created: 1_710_000_000,
    model: "meta-llama/Llama-3.1-8B-Instruct",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

function completionChunk(text: string, finish: string | null = null): string {
  return JSON.stringify({
    id: "cmpl-91b2",
    object: "text_completion",
    created: 1_710_000_000,
    model: "Qwen/Qwen2.5-0.5B",
    choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
  });
}

const USAGE = JSON.stringify({
  id: "chatcmpl-7f3a",
  object: "chat.completion.chunk",
  choices: [],
  usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
});

/** Data payloads of a chat stream with multi-byte text (é, 漢, 🙂) and a usage-only final chunk. */
export const CHAT_DATA: readonly string[] = [
  chatChunk({ role: "assistant", content: "" }),
  chatChunk({ content: "Caf" }),
  chatChunk({ content: "é " }),
  chatChunk({ content: "漢字" }),
  chatChunk({ content: " 🙂" }),
  chatChunk({ content: "!" }),
  chatChunk({}, "stop"),
  USAGE,
  "[DONE]",
];

/** Data payloads of a completions stream. */
export const COMPLETION_DATA: readonly string[] = [
  completionChunk("Once"),
  completionChunk(" upon"),
  completionChunk(" a tíme 🙂"),
  completionChunk("", "length"),
  "[DONE]",
];

function build(name: string, data: readonly string[], layout: Layout): StreamFixture {
  const { eol } = layout;
  const prefix = layout.noSpace ? "data:" : "data: ";
  let text = layout.bom ? "\uFEFF" : "";
  if (layout.comments) text += `: keep-alive${eol}${eol}`;
  data.forEach((d, i) => {
    text += `${prefix}${d}${eol}`;
    if (layout.comments && i % 3 === 1) text += `:${eol}: ping 漢${eol}`;
    text += eol;
  });
  const events = data.map((d) => ({ event: "message", data: d, id: undefined }));
  return { name, bytes: encoder.encode(text), events };
}

/** A hand-written stream using every field kind: event types, ids, multi-line data, unknown fields. */
function mixed(): StreamFixture {
  const text = '\uFEFF: hello\r\nretry: 1000\r\nid: 1\r\nevent: delta\r\ndata: {"a":"é"}\r\n\r\n' +
    "foo: bar\rdata:line1\rdata: line2 漢\rdata\r\r" +
    'event: error\nid\ndata: {"error":{"message":"boom 🙂"}}\n\n' +
    "event: ignored-no-data\n\n" +
    "data: last without blank line";
  const events: SseEvent[] = [
    { event: "delta", data: '{"a":"é"}', id: "1" },
    { event: "message", data: "line1\nline2 漢\n", id: "1" },
    { event: "error", data: '{"error":{"message":"boom 🙂"}}', id: undefined },
    { event: "message", data: "last without blank line", id: undefined },
  ];
  return {
    name: "mixed fields, CRLF/CR/LF, no final blank line",
    bytes: encoder.encode(text),
    events,
  };
}

/** Every fixture: chat and completions streams in LF, CRLF and CR, with comments, BOM, `data:`. */
export const FIXTURES: readonly StreamFixture[] = [
  build("chat LF", CHAT_DATA, { eol: "\n" }),
  build("chat CRLF + comments + BOM", CHAT_DATA, { eol: "\r\n", comments: true, bom: true }),
  build("chat CR + comments, data: without space", CHAT_DATA, {
    eol: "\r",
    comments: true,
    noSpace: true,
  }),
  build("completions CRLF", COMPLETION_DATA, { eol: "\r\n" }),
  build("completions CR + BOM", COMPLETION_DATA, { eol: "\r", bom: true }),
  mixed(),
];

/**
 * Decodes `bytes` delivered as the given pieces (cut at `cuts`, ascending byte offsets).
 *
 * @param bytes The stream.
 * @param cuts Offsets where one read ends and the next begins.
 * @returns Every event, copied out of the decoder's reused array, including those of `end()`.
 */
export function decodeSplit(bytes: Uint8Array, cuts: readonly number[] = []): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...decoder.push(bytes.subarray(from, cut)));
    from = cut;
  }
  events.push(...decoder.end());
  return events;
}

/** Seeded randomness so random splits are repeatable. */
export { seededRandom as prng } from "../../lib/random.ts";
