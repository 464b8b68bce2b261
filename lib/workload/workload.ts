/**
 * What to send: a {@linkcode Workload} turns each planned request into a body. The plan decides when;
 * the workload decides what. Records from a file, synthetic prompts and multi-turn sessions are all
 * workloads.
 *
 * @module
 */
import type { BenchmarkConfig, JsonBody } from "../config.ts";
import { seededRandom } from "../random.ts";
import { applyBackendOutputTokens, type Backend } from "./backend.ts";
import { applyOutputTokens, drawOutputTokens } from "./body.ts";
import { drawLength, type LengthDist } from "./lengths.ts";

/** Which request a workload is asked for. */
export interface WorkTicket {
  /** 0-based number of the request in the run (warm-up included), in send order. */
  seq: number;
  /** The user (closed loop) or concurrency lane (open loop) sending it. */
  user: number;
  /** 0-based index of the request within its user's loop (closed loop), or `seq` (open loop). */
  iteration: number;
}

/** One request to send. */
export interface WorkItem {
  /** The JSON body. */
  body: JsonBody;
  /** Output tokens the body asks for, when it asks (recorded to compare with what came back). */
  requestedOutputTokens?: number;
  /** Closed loop: wait this long (ms) before sending, e.g. a user's think time between turns. */
  delayMs?: number;
}

/** How a request ended, told back to the workload (multi-turn sessions grow their history). */
export interface WorkResult {
  /** True when the request succeeded. */
  ok: boolean;
  /** The answer text, when the workload asked for it (`keepText`). */
  text?: string;
}

/** A source of request bodies. */
export interface Workload {
  /**
   * The request for a ticket, or `undefined` when this user (closed loop) or the run (open loop)
   * has nothing more to send.
   */
  next(ticket: WorkTicket): WorkItem | undefined;
  /** Called when a request ended (optional). */
  done?(ticket: WorkTicket, result: WorkResult): void;
  /** True when `done` needs the answer text (the runner then keeps it). */
  readonly keepText?: boolean;
  /** Facts placed in the report's meta (e.g. the tokenizer used). */
  readonly describe?: Record<string, unknown>;
}

/** One record of a dataset: a body, and the output length the dataset asks for, if any. */
export interface WorkRecord {
  /** The request body (model, messages or prompt, ...). */
  body: JsonBody;
  /** Output tokens this record asks for (e.g. the length of a ShareGPT reply). */
  outputTokens?: number;
}

/** Options of {@linkcode recordWorkload}. */
export interface RecordWorkloadOptions {
  /** The records (at least one). */
  records: readonly WorkRecord[];
  /**
   * `per-user`: user i always sends record i (the seed's contract; needs a record per user).
   * `cycle`: request k sends record `k mod n` (in order, cycled). `random`: each request draws a
   * record uniformly (seeded).
   *
   * @default {"cycle"}
   */
  order?: "per-user" | "cycle" | "random";
  /** Output lengths drawn per request; wins over the records' own lengths. */
  outputLengths?: LengthDist;
  /** Which fields carry the output length. @default {"default"} */
  backend?: Backend;
  /** True for a legacy `/v1/completions` endpoint (only changes the `openai` backend's field). */
  completions?: boolean;
  /** Seed of the random draws (record order, output lengths). @default {0} */
  seed?: number;
}

/**
 * A workload over a list of records, with output-length control. Draws depend only on the seed and
 * the request's number, so a request gets the same record and length whatever the timing.
 *
 * @example Usage
 * ```ts
 * import { recordWorkload } from "./workload.ts";
 * const w = recordWorkload({
 *   records: [{ body: { model: "m", prompt: "a" } }, { body: { model: "m", prompt: "b" } }],
 *   outputLengths: { kind: "fixed", value: 4 },
 *   backend: "vllm",
 * });
 * const item = w.next({ seq: 3, user: 0, iteration: 3 })!;
 * console.log(item.body.prompt, item.body.max_tokens, item.requestedOutputTokens); // b 4 4
 * ```
 *
 * @param o The records and how to use them.
 * @returns The workload.
 */
export function recordWorkload(o: RecordWorkloadOptions): Workload {
  const records = o.records;
  if (records.length === 0) throw new RangeError("Cannot build workload as there are no records");
  const order = o.order ?? "cycle";
  const seed = o.seed ?? 0;
  const backend = o.backend ?? "default";
  return {
    next({ seq, user }) {
      const index = order === "per-user"
        ? user % records.length
        : order === "random"
        ? Math.floor(drawFor(seed, 1, seq) * records.length)
        : seq % records.length;
      const record = records[index];
      const tokens = o.outputLengths
        ? drawLength(o.outputLengths, seededRandom(mix(seed, 2, seq)))
        : record.outputTokens;
      if (tokens === undefined) return { body: record.body };
      return {
        body: applyBackendOutputTokens(record.body, tokens, backend, o.completions),
        requestedOutputTokens: tokens,
      };
    },
  };
}

/**
 * The workload a plain {@linkcode BenchmarkConfig} describes (the seed's behaviour): user i sends
 * `bodyFor(i)` (open loop: request k sends `bodyFor(k mod users)`), with `withOutputTokens` applied
 * from one seeded stream in send order.
 *
 * @example Usage
 * ```ts
 * import { BenchmarkConfig, RunMode } from "../config.ts";
 * import { configWorkload } from "./workload.ts";
 * const config = BenchmarkConfig.tryNew("http://h/v1/chat/completions", null, 2, RunMode.finite(1), { model: "m" })
 *   .withOutputTokens(3);
 * console.log(configWorkload(config, false).next({ seq: 0, user: 1, iteration: 0 })?.requestedOutputTokens); // 3
 * ```
 *
 * @param config The configuration.
 * @param open True for an open-loop plan (bodies are cycled by request number).
 * @returns The workload.
 */
export function configWorkload(config: BenchmarkConfig, open: boolean): Workload {
  const fixed = Array.from({ length: config.userCount }, (_, u) => config.bodyFor(u));
  const length = config.outputLength;
  const random = seededRandom(length?.seed ?? 0);
  return {
    next({ seq, user }) {
      const body = fixed[(open ? seq : user) % fixed.length];
      if (!length) return { body };
      const tokens = drawOutputTokens(length, random);
      return { body: applyOutputTokens(body, tokens), requestedOutputTokens: tokens };
    },
  };
}

/**
 * A 32-bit seed derived from a base seed, a stream number and an index (so that independent draws
 * never share a generator).
 *
 * @example Usage
 * ```ts
 * import { mix } from "./workload.ts";
 * console.log(mix(0, 1, 2) === mix(0, 1, 2), mix(0, 1, 2) === mix(0, 1, 3)); // true false
 * ```
 *
 * @param seed Base seed.
 * @param stream Stream number.
 * @param index Index within the stream.
 * @returns A 32-bit unsigned seed.
 */
export function mix(seed: number, stream: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x85ebca6b, 0xc2b2ae35);
  h = Math.imul(h ^ (stream + 0x27d4eb2f), 0x165667b1);
  h = Math.imul(h ^ (index >>> 0), 0x9e3779b1) ^ Math.floor(index / 4294967296);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

function drawFor(seed: number, stream: number, index: number): number {
  return seededRandom(mix(seed, stream, index))();
}
