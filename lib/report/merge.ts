/**
 * Merges result files of several runs or shards into one report, exactly: the encoded aggregates
 * (histograms, counters, time series) are decoded and merged, after placing every input on one clock.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { Aggregator, type EncodedAggregate } from "../metrics/aggregate.ts";
import { type BenchmarkReport, buildReport } from "./report.ts";
import type { ResultJson } from "./result_file.ts";

/** How the inputs relate in time. */
export type MergeMode = "concurrent" | "sequential";

/** One input of {@linkcode mergeResults}. */
export interface MergeInput {
  /** The file's name, for messages and the merged `meta.merged.sources`. */
  file: string;
  /** The parsed result file. */
  result: ResultJson;
}

/** Options of {@linkcode mergeResults}. */
export interface MergeOptions {
  /**
   * `concurrent` (shards that ran at the same time, e.g. on several machines): every input is placed at
   * its wall-clock `meta.started_at` (all at 0 when one has none), and the duration runs from the
   * earliest first send to the latest completion. `sequential` (runs one after another): inputs are
   * laid end to end in the given order, so the duration is the sum of their durations and the gaps
   * between runs do not count.
   *
   * @default {"concurrent"}
   */
  mode?: MergeMode;
  /** Tool facts for the merged `meta.tool`. */
  tool?: { name: string; version: string };
}

/**
 * Merges result files. Counts, tokens and histograms are added losslessly (percentiles of the merge are
 * those of one run holding every request, within the histograms' 0.1%); per-second series are aligned
 * to whole seconds. The merged `meta` keeps the configuration and environment keys on which every input
 * agrees (in concurrent mode `users` is summed), the mode and every source; `interrupted` is true when
 * any input was. Client health is not merged (it is per machine): each source lists `client_bound`.
 *
 * @example Usage
 * ```ts
 * import { Aggregator } from "../metrics/aggregate.ts";
 * import { reportToJson } from "./json.ts";
 * import { mergeResults } from "./merge.ts";
 * import { buildReport } from "./report.ts";
 * const shard = (startedAt: string) => {
 *   const agg = new Aggregator();
 *   agg.add({
 *     user: 0, iteration: 0, attempts: 1, outcome: "success", startMs: 0, endMs: 1000,
 *     lastAttemptStartMs: 0, retryDelayMs: 0, ttftMs: 100, itlMs: [900], e2eMs: 1000,
 *     outputTokens: 2, outputTokensSource: "usage",
 *   });
 *   return reportToJson(buildReport(agg, { meta: { started_at: startedAt } }));
 * };
 * const a = { file: "a.json", result: shard("2025-01-01T00:00:00.000Z") };
 * const b = { file: "b.json", result: shard("2025-01-01T00:00:00.500Z") };
 * console.log(mergeResults([a, b]).durationMs); // 1500
 * console.log(mergeResults([a, b], { mode: "sequential" }).durationMs); // 2000
 * ```
 *
 * @param inputs The parsed result files, at least one.
 * @param options Mode and tool facts.
 * @returns The merged report.
 * @throws {InputError} Naming the file whose aggregate is invalid or whose SLOs differ.
 */
export function mergeResults(
  inputs: readonly MergeInput[],
  options: MergeOptions = {},
): BenchmarkReport {
  if (inputs.length === 0) throw new InputError("merge", 0, "needs at least one result file");
  const mode = options.mode ?? "concurrent";
  const starts = inputs.map((i) => startedAtMs(i.result));
  const wallClock = starts.every((s) => s !== undefined);
  const origin = wallClock ? Math.min(...(starts as number[])) : 0;
  let total: Aggregator | undefined;
  let previousEndMs = 0;
  inputs.forEach((input, k) => {
    const encoded = input.result.aggregate as EncodedAggregate;
    let offsetMs: number;
    if (mode === "sequential") {
      const firstStart = (encoded as { first_start_ms?: number | null })?.first_start_ms ?? 0;
      offsetMs = k === 0 ? 0 : previousEndMs - firstStart;
    } else offsetMs = wallClock ? (starts[k] as number) - origin : 0;
    let agg: Aggregator;
    try {
      agg = Aggregator.decode(shiftAggregate(encoded, offsetMs));
    } catch (e) {
      throw new InputError(input.file, 0, `has an invalid 'aggregate': ${(e as Error).message}`);
    }
    if (!total) total = agg;
    else {
      try {
        total.merge(agg);
      } catch (e) {
        throw new InputError(input.file, 0, `cannot be merged: ${(e as Error).message}`);
      }
    }
    previousEndMs = total.lastEndMs ?? previousEndMs;
  });
  const sources = inputs.map((i) => ({
    file: i.file,
    started_at: (i.result.meta as Record<string, unknown> | undefined)?.started_at ?? null,
    duration_ms: typeof i.result.duration_ms === "number" ? i.result.duration_ms : null,
    total_requests: typeof i.result.total_requests === "number" ? i.result.total_requests : null,
    interrupted: i.result.interrupted === true,
    client_bound: (i.result.client_health as { client_bound?: boolean } | null)?.client_bound ??
      null,
    config: (i.result.meta as Record<string, unknown> | undefined)?.config ?? null,
  }));
  const metas = inputs.map((i) => (i.result.meta ?? {}) as Record<string, unknown>);
  const config = common(metas.map((m) => m.config));
  if (mode === "concurrent") {
    const users = metas.map((m) => (m.config as Record<string, unknown> | undefined)?.users);
    if (users.every((u) => typeof u === "number")) {
      config.users = (users as number[]).reduce((a, b) => a + b, 0);
    }
  }
  const meta: Record<string, unknown> = {
    tool: options.tool ?? metas[0].tool ?? null,
    started_at: wallClock
      ? new Date(mode === "sequential" ? starts[0]! : origin).toISOString()
      : null,
    environment: common(metas.map((m) => m.environment)),
    config,
    merged: { mode, wall_clock_aligned: mode === "sequential" || wallClock, sources },
  };
  return buildReport(total!, {
    interrupted: inputs.some((i) => i.result.interrupted === true),
    meta,
  });
}

function startedAtMs(result: ResultJson): number | undefined {
  const meta = result.meta as Record<string, unknown> | undefined;
  const ms = typeof meta?.started_at === "string" ? Date.parse(meta.started_at) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The encoded aggregate with every time moved by `offsetMs` (series by whole seconds). */
function shiftAggregate(encoded: EncodedAggregate, offsetMs: number): EncodedAggregate {
  if (offsetMs === 0 || typeof encoded !== "object" || encoded === null) return encoded;
  const shift = (v: number | null) => typeof v === "number" ? v + offsetMs : v;
  const seconds = Math.round(offsetMs / 1000);
  const ts = encoded.time_series;
  return {
    ...encoded,
    first_start_ms: shift(encoded.first_start_ms),
    last_end_ms: shift(encoded.last_end_ms),
    failure_examples: Array.isArray(encoded.failure_examples)
      ? encoded.failure_examples.map((f) => ({ ...f, start_ms: shift(f.start_ms) as number }))
      : encoded.failure_examples,
    ...(isObject(encoded.load) ? { load: shiftTimes(encoded.load, offsetMs) } : {}),
    time_series: ts && Array.isArray(ts.rows)
      ? {
        ...ts,
        rows: ts.rows.map((row) => Array.isArray(row) ? [row[0] + seconds, ...row.slice(1)] : row),
      }
      : ts,
  };
}

/** The object with every finite number under a `*_ms` key moved by `offsetMs`. */
function shiftTimes<T extends object>(o: T, offsetMs: number): T {
  const out: Record<string, unknown> = { ...(o as Record<string, unknown>) };
  for (const [key, v] of Object.entries(out)) {
    if (key.endsWith("_ms") && typeof v === "number" && Number.isFinite(v)) out[key] = v + offsetMs;
  }
  return out as T;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The keys on which every object agrees (deep equality through JSON). */
function common(values: unknown[]): Record<string, unknown> {
  const objects = values.map((v) =>
    v && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : {}
  );
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(objects[0])) {
    const text = JSON.stringify(value);
    if (objects.every((o) => Object.hasOwn(o, key) && JSON.stringify(o[key]) === text)) {
      out[key] = value;
    }
  }
  return out;
}
