/**
 * From flags to a configuration: reads the dataset (JSONL, ShareGPT or synthetic), builds the
 * workload and the load shape, and describes the workload on stderr before the run.
 *
 * @module
 */
import { BenchmarkConfig, type JsonBody, RunMode } from "../config.ts";
import { ConfigError, InputError } from "../errors.ts";
import type { LoadShape } from "../schedule/plan.ts";
import { BACKEND_FIELDS } from "../workload/backend.ts";
import {
  chatBody,
  type ChatMessage,
  isCompletionsEndpoint,
  toCompletionsBody,
  withStreaming,
} from "../workload/body.ts";
import { loadPromptBodies } from "../workload/jsonl.ts";
import { formatLengthDist, type LengthDist } from "../workload/lengths.ts";
import { sessionWorkload } from "../workload/sessions.ts";
import { firstExchange, parseShareGpt } from "../workload/sharegpt.ts";
import { formatLengthSummary, summarizeLengths, syntheticPrompts } from "../workload/synthetic.ts";
import { loadTokenizer } from "../workload/tokenizer.ts";
import { recordWorkload, type Workload, type WorkRecord } from "../workload/workload.ts";
import type { CliIo } from "./io.ts";
import type { CliOptions } from "./options.ts";

/** Default number of ShareGPT conversations used (vLLM's `--num-prompts`). */
export const DEFAULT_SHAREGPT_PROMPTS = 1000;
/** Default number of synthetic prompts when nothing else sets it. */
export const DEFAULT_SYNTHETIC_PROMPTS = 100;

/** A configuration built from flags, and what to show and record about its workload. */
export interface RunSetup {
  /** The configuration (load shape and workload set). */
  config: BenchmarkConfig;
  /** Lines describing the workload, shown on stderr before the run. */
  summary: string[];
}

/**
 * Builds the configuration of `run`, `demo` and each `sweep` step from validated flags.
 *
 * @param o Validated options.
 * @param io The outside world (files).
 * @param shape Overrides of the load shape (the sweep's steps).
 * @returns The configuration and the workload summary.
 * @throws {ConfigError} Naming the flag at fault.
 * @throws {InputError} Naming the file (and line) at fault.
 */
export async function buildRunSetup(
  o: CliOptions,
  io: CliIo,
  shape?: { load: LoadShape; users?: number },
): Promise<RunSetup> {
  const L = o.load;
  const completions = isCompletionsEndpoint(o.url);
  const finish = (b: JsonBody) => withStreaming(completions ? toCompletionsBody(b) : b, o.stream);
  const outputLengths: LengthDist | undefined = o.outputTokens !== undefined
    ? (o.outputVary > 0
      ? { kind: "uniform", min: o.outputTokens - o.outputVary, max: o.outputTokens + o.outputVary }
      : { kind: "fixed", value: o.outputTokens })
    : L.outputLengths;
  const load: LoadShape = shape?.load ?? cliLoadShape(o);
  const open = load.arrivals !== undefined;
  const summary: string[] = [];
  const describe: Record<string, unknown> = { dataset: L.dataset, backend: L.backend };

  let records: WorkRecord[] = [];
  let conversations: ChatMessage[][] | undefined;
  let base: JsonBody = { model: o.model };
  let perRecordLengths = false;
  if (L.dataset === "jsonl") {
    const bodies = await readJsonlBodies(o.jsonl, o.model, io);
    if (L.multiTurn) {
      conversations = bodies.map((b, i) => {
        if (!Array.isArray(b.messages)) {
          throw new InputError(o.jsonl, 0, `record ${i + 1} has no messages for --multi-turn`);
        }
        return b.messages as ChatMessage[];
      });
      const { messages: _, ...rest } = bodies[0];
      base = rest;
    } else records = bodies.map((body) => ({ body }));
    describe.path = o.jsonl;
  } else if (L.dataset === "sharegpt") {
    const path = L.datasetPath!;
    let text: string;
    try {
      text = await io.readText(path);
    } catch (e) {
      throw new InputError(path, 0, `cannot be read (--dataset-path): ${(e as Error).message}`);
    }
    const parsed = parseShareGpt(text, path);
    const used = parsed.conversations.slice(0, L.numPrompts ?? DEFAULT_SHAREGPT_PROMPTS);
    describe.path = path;
    describe.conversations = used.length;
    if (L.multiTurn) conversations = used;
    else {
      const tokenizer = await loadTokenizer();
      describe.tokenizer = tokenizer.name;
      records = used.map((c) => {
        const x = firstExchange(c);
        const record: WorkRecord = { body: chatBody(x.messages, o.model) };
        if (x.reply) record.outputTokens = Math.max(1, tokenizer.count(x.reply));
        return record;
      });
      perRecordLengths = true;
      const inputs = used.map((c) =>
        firstExchange(c).messages.reduce((n, m) => n + tokenizer.count(String(m.content)), 0)
      );
      summary.push(
        `input tokens (${tokenizer.name}): ${formatLengthSummary(summarizeLengths(inputs))}`,
      );
    }
    summary.unshift(
      `workload: ${used.length} ShareGPT conversations from ${path}` +
        (parsed.skipped > 0 ? ` (${parsed.skipped} without a user turn skipped)` : ""),
    );
  } else {
    const tokenizer = await loadTokenizer();
    const count = L.numPrompts ??
      (load.maxRequests !== undefined
        ? Math.min(load.maxRequests + warmupCount(load), 10_000)
        : o.users ?? DEFAULT_SYNTHETIC_PROMPTS);
    const prompts = syntheticPrompts({
      count,
      inputLengths: L.inputTokens,
      outputLengths,
      prefixRatio: L.prefixRatio,
      seed: o.seed,
      tokenizer,
    });
    records = prompts.map((p) => {
      const record: WorkRecord = { body: chatBody(p.text, o.model) };
      if (p.outputTokens !== undefined) record.outputTokens = p.outputTokens;
      return record;
    });
    perRecordLengths = true;
    Object.assign(describe, {
      tokenizer: tokenizer.name,
      prompts: count,
      input_tokens: formatLengthDist(L.inputTokens),
      prefix_ratio: L.prefixRatio,
    });
    summary.push(
      `workload: ${count} synthetic prompts, input ${formatLengthDist(L.inputTokens)} tokens ` +
        `measured with ${tokenizer.name}`,
      `input tokens: ${formatLengthSummary(summarizeLengths(prompts.map((p) => p.inputTokens)))}`,
    );
    if (L.prefixRatio > 0) {
      const prefix = summarizeLengths(prompts.map((p) => p.prefixTokens));
      summary.push(`shared prefix (ratio ${L.prefixRatio}): ${formatLengthSummary(prefix)}`);
    }
  }

  const recordCount = conversations?.length ?? records.length;
  const users = open ? 1 : shape?.users ?? o.users ?? recordCount;
  const perUser = !open && !L.randomRequests && load.durationMs === undefined &&
    load.maxRequests === undefined && !L.multiTurn;
  if (perUser && users > recordCount) {
    const file = L.dataset === "jsonl"
      ? o.jsonl
      : L.dataset === "sharegpt"
      ? L.datasetPath
      : "the synthetic set";
    throw new ConfigError(
      "--users",
      `needs one record per user, but ${file} holds ${recordCount}; add records (--num-prompts), lower --users, or use --duration/--max-requests/--random-requests to cycle them`,
      users,
    );
  }
  if (outputLengths) describe.output_tokens = formatLengthDist(outputLengths);
  if (outputLengths || perRecordLengths) {
    describe.output_fields = BACKEND_FIELDS[L.backend].fields;
  }
  let workload: Workload;
  if (conversations) {
    workload = sessionWorkload({
      conversations,
      base: finish(base),
      users,
      sessionsPerUser: L.requestsPerUserGiven ? o.requestsPerUser : 1,
      thinkTimeMs: L.thinkTimeMs,
      finish: completions ? toCompletionsBody : undefined,
      outputLengths,
      backend: L.backend,
      completions,
      seed: o.seed,
    });
    describe.multi_turn = true;
    describe.think_time_ms = L.thinkTimeMs;
    summary.unshift(
      `workload: ${conversations.length} conversations as multi-turn sessions` +
        (L.thinkTimeMs > 0 ? `, ${L.thinkTimeMs} ms think time between turns` : ""),
    );
  } else {
    records = records.map((r) => ({ ...r, body: finish(r.body) }));
    workload = recordWorkload({
      records,
      order: L.randomRequests ? "random" : perUser ? "per-user" : "cycle",
      outputLengths: L.dataset === "random" ? undefined : outputLengths,
      backend: L.backend,
      completions,
      seed: o.seed,
    });
    describe.order = L.randomRequests ? "random" : perUser ? "per-user" : "cycle";
    const lengths = records.map((r) => r.outputTokens).filter((n): n is number => n !== undefined);
    if (L.dataset !== "jsonl" && lengths.length > 0) {
      summary.push(`output tokens requested: ${formatLengthSummary(summarizeLengths(lengths))}`);
    } else if (outputLengths) {
      summary.push(`output tokens requested: ${formatLengthDist(outputLengths)} per request`);
    }
  }
  const described: Workload = { ...workload, describe };

  const config = BenchmarkConfig.tryNew(
    o.url,
    o.apiKey,
    users,
    RunMode.finite(o.requestsPerUser),
    records[0]?.body ?? finish(base),
  )
    .withRequestTimeout(o.requestTimeoutMs)
    .withRetry(o.maxRetries, o.retryDelayMs)
    .withLoad(load)
    .withWorkload(described);
  return { config, summary };
}

/**
 * The load shape the flags describe.
 *
 * @param o Validated options.
 * @returns The load shape.
 */
export function cliLoadShape(o: CliOptions): LoadShape {
  const L = o.load;
  const shape: LoadShape = {};
  if (L.requestRate !== undefined) {
    shape.arrivals = { rate: L.requestRate, exactRate: L.exactRate };
    if (L.arrival) shape.arrivals.kind = L.arrival;
    if (L.burstiness !== undefined) shape.arrivals.burstiness = L.burstiness;
    if (L.maxConcurrency !== undefined) shape.maxConcurrency = L.maxConcurrency;
  }
  if (L.durationS !== undefined) shape.durationMs = L.durationS * 1000;
  if (L.maxRequests !== undefined) shape.maxRequests = L.maxRequests;
  if (L.warmup) shape.warmup = L.warmup;
  if (L.rampUpS !== undefined) shape.rampUpMs = L.rampUpS * 1000;
  // Sessions end their users by themselves (--requests-per-user counts conversations).
  if (L.multiTurn) shape.untilWorkloadEnds = true;
  return shape;
}

function warmupCount(load: LoadShape): number {
  return load.warmup && "requests" in load.warmup ? load.warmup.requests : 0;
}

async function readJsonlBodies(path: string, model: string, io: CliIo): Promise<JsonBody[]> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = await io.openRead(path);
  } catch (e) {
    const why = (e as Error).name === "NotFound" ? "does not exist" : (e as Error).message;
    throw new InputError(path, 0, `cannot be read (--jsonl): ${why}`);
  }
  return await loadPromptBodies(stream, path, model);
}
