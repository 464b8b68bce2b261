/**
 * SSE hot-path benchmark: our {@linkcode SseDecoder} against npm `eventsource-parser`, on a realistic
 * OpenAI chat stream (100 responses x 1000 events) delivered in three chunkings: one event per read
 * (a server flushing every token), 16 KiB reads (events coalesced under load) and 7-byte reads (worst
 * case). Each parser is timed alone ("decode") and with the same OpenAI handling
 * ({@linkcode OpenAIStreamReader}: JSON.parse per event) behind it ("decode+json"). Prints the median
 * ns/event over the repetitions and the ratio eventsource-parser / ours (> 1: ours is faster).
 *
 * Usage: `deno run -A bench/sse_bench.ts [--reps 7] [--responses 100] [--events 1000]`
 *
 * @module
 */

// Only the benchmark uses it (mapped in deno.json, never imported by the library).
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { SseDecoder, type SseEvent } from "../lib/stream/sse.ts";
import { OpenAIStreamReader } from "../lib/stream/openai.ts";

function flag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const REPS = flag("reps", 7);
const RESPONSES = flag("responses", 100);
const EVENTS = flag("events", 1000);

const WORDS = [
  " the",
  " model",
  " is",
  " fast",
  ",",
  " café",
  " 漢字",
  " and",
  " 🙂",
  " tokens",
  ".",
];

/** One realistic vLLM-style chat completion stream of `events` content events. */
function chatStream(seed: number, events: number): Uint8Array {
  const head =
    `{"id":"chatcmpl-${seed.toString(16).padStart(8, "0")}","object":"chat.completion.chunk",` +
    `"created":1710000000,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":`;
  const tail = `,"logprobs":null,"finish_reason":null}]}`;
  let text = `data: ${head}{"role":"assistant","content":""}${tail}\n\n`;
  for (let i = 0; i < events; i++) {
    text += `data: ${head}{"content":${
      JSON.stringify(WORDS[(seed + i * 7) % WORDS.length])
    }}${tail}\n\n`;
  }
  text += `data: ${head}{},"logprobs":null,"finish_reason":"stop"}]}\n\n`;
  text += `data: {"id":"chatcmpl-x","object":"chat.completion.chunk","choices":[],` +
    `"usage":{"prompt_tokens":100,"completion_tokens":${events},"total_tokens":${
      100 + events
    }}}\n\n`;
  text += "data: [DONE]\n\n";
  return new TextEncoder().encode(text);
}

/** Splits a stream into reads: one per event (`"event"`), or fixed sizes in bytes. */
function chunk(bytes: Uint8Array, size: number | "event"): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (size === "event") {
    let from = 0;
    for (let i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] === 10 && bytes[i + 1] === 10) {
        out.push(bytes.subarray(from, i + 2));
        from = i + 2;
      }
    }
    if (from < bytes.length) out.push(bytes.subarray(from));
    return out;
  }
  for (let from = 0; from < bytes.length; from += size) {
    out.push(bytes.subarray(from, from + size));
  }
  return out;
}

type Run = (responses: Uint8Array[][], withJson: boolean) => number;

/** Ours: bytes -> SseDecoder -> (OpenAIStreamReader). Returns a checksum (events or tokens). */
const ours: Run = (responses, withJson) => {
  let check = 0;
  for (const reads of responses) {
    const decoder = new SseDecoder();
    const reader = new OpenAIStreamReader();
    for (let t = 0; t < reads.length; t++) {
      const events = decoder.push(reads[t]);
      if (withJson) { for (let i = 0; i < events.length; i++) reader.onEvent(events[i], t); }
      else check += events.length;
    }
    const rest = decoder.end();
    if (withJson) {
      for (let i = 0; i < rest.length; i++) reader.onEvent(rest[i], reads.length);
      check += reader.finish(reads.length).outputTokens;
    } else check += rest.length;
  }
  return check;
};

/** eventsource-parser: bytes -> streaming TextDecoder -> parser.feed -> (OpenAIStreamReader). */
const theirs: Run = (responses, withJson) => {
  let check = 0;
  for (const reads of responses) {
    const decoder = new TextDecoder();
    const reader = new OpenAIStreamReader();
    let t = 0;
    const parser = createParser({
      onEvent: withJson
        ? (e: EventSourceMessage) => {
          const event: SseEvent = { event: e.event ?? "message", data: e.data, id: e.id };
          reader.onEvent(event, t);
        }
        : () => check++,
    });
    for (t = 0; t < reads.length; t++) parser.feed(decoder.decode(reads[t], { stream: true }));
    parser.feed(decoder.decode());
    if (withJson) check += reader.finish(reads.length).outputTokens;
  }
  return check;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const streams = Array.from({ length: RESPONSES }, (_, i) => chatStream(i, EVENTS));
const eventsPerResponse = EVENTS + 3; // role chunk + content + finish + usage; [DONE] counted below
const totalEvents = RESPONSES * (eventsPerResponse + 1);
const totalBytes = streams.reduce((n, s) => n + s.length, 0);
console.log(
  `${RESPONSES} responses x ${eventsPerResponse + 1} events = ${totalEvents} events, ` +
    `${(totalBytes / 1e6).toFixed(1)} MB, ${REPS} reps (median), Deno ${Deno.version.deno}`,
);
console.log("chunking      mode         ours ns/ev  eventsource-parser ns/ev  ratio");

for (const size of ["event", 16384, 7] as const) {
  const responses = streams.map((s) => chunk(s, size));
  for (const withJson of [false, true]) {
    const expect = withJson ? RESPONSES * EVENTS : totalEvents;
    const times: Record<string, number[]> = { ours: [], theirs: [] };
    for (let rep = -1; rep < REPS; rep++) { // rep -1 warms up
      for (const [name, run] of [["ours", ours], ["theirs", theirs]] as const) {
        const t0 = performance.now();
        const check = run(responses, withJson);
        const ms = performance.now() - t0;
        if (check !== expect) throw new Error(`${name} checksum is ${check}, expected ${expect}`);
        if (rep >= 0) times[name].push((ms * 1e6) / totalEvents);
      }
    }
    const a = median(times.ours);
    const b = median(times.theirs);
    const label = size === "event" ? "1 event/read" : `${size} B reads`;
    console.log(
      `${label.padEnd(14)}${(withJson ? "decode+json" : "decode").padEnd(13)}` +
        `${a.toFixed(0).padStart(10)}  ${b.toFixed(0).padStart(24)}  ${
          (b / a).toFixed(2).padStart(5)
        }`,
    );
  }
}
