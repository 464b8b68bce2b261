/**
 * Compares two result files: the change of every key metric, and regression thresholds
 * (`--fail-on p99_ttft_ms:+10%`) that can gate CI.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { type ResultJson, resultMetric } from "./result_file.ts";

/** Which direction of a metric is an improvement. */
export type Better = "lower" | "higher";

/** A metric shown by {@linkcode compareResults}. */
export interface CompareMetric {
  /** Its key in the result file. */
  key: string;
  /** Which direction is an improvement. */
  better: Better;
}

/** The metrics compared, in table order. */
export const COMPARE_METRICS: readonly CompareMetric[] = [
  { key: "completed", better: "higher" },
  { key: "failed", better: "lower" },
  { key: "failure_rate", better: "lower" },
  { key: "duration", better: "lower" },
  { key: "request_throughput", better: "higher" },
  { key: "request_goodput", better: "higher" },
  { key: "output_throughput", better: "higher" },
  { key: "total_token_throughput", better: "higher" },
  { key: "max_output_tokens_per_s", better: "higher" },
  { key: "mean_concurrency", better: "higher" },
  ...["ttft", "tpot", "itl", "e2el"].flatMap((m) =>
    ["mean", "p50", "p90", "p99"].map((s) => ({ key: `${s}_${m}_ms`, better: "lower" as const }))
  ),
];

/** A regression threshold: `metric:+10%`, `metric:-5%`, `metric:+0`, `metric:+250`. */
export interface Threshold {
  /** The flag's text. */
  text: string;
  /** The metric's key or dotted path in the result file. */
  metric: string;
  /** `+`: a rise beyond `limit` is a regression; `-`: a fall beyond `limit` is. */
  sign: "+" | "-";
  /** The allowed change (non-negative), in percent when `percent`, else in the metric's unit. */
  limit: number;
  /** True when `limit` is relative to the base value. */
  percent: boolean;
}

/**
 * Parses a `--fail-on` value: `METRIC:+N%` (a rise of more than N% fails), `METRIC:-N%` (a fall of more
 * than N% fails), or the same without `%` for an absolute change (`failed:+0`: any new failure fails).
 *
 * @example Usage
 * ```ts
 * import { parseThreshold } from "./compare.ts";
 * console.log(parseThreshold("p99_ttft_ms:+10%"));
 * // { text: "p99_ttft_ms:+10%", metric: "p99_ttft_ms", sign: "+", limit: 10, percent: true }
 * ```
 *
 * @param text The flag's value.
 * @returns The threshold.
 * @throws {ConfigError} Naming `--fail-on` and the value.
 */
export function parseThreshold(text: string): Threshold {
  const m = /^([A-Za-z0-9_.]+):([+-])(\d+(?:\.\d+)?|\.\d+)(%?)$/.exec(text.trim());
  if (!m) {
    throw new ConfigError(
      "--fail-on",
      "must be METRIC:+N% or METRIC:-N% (relative) or METRIC:+N or METRIC:-N (absolute), " +
        "e.g. p99_ttft_ms:+10% or failed:+0",
      text,
      "compare results",
    );
  }
  return {
    text,
    metric: m[1],
    sign: m[2] as "+" | "-",
    limit: Number(m[3]),
    percent: m[4] === "%",
  };
}

/** One metric in both runs. */
export interface ComparisonRow {
  /** The metric's key. */
  metric: string;
  /** Which direction is an improvement. */
  better?: Better;
  /** Its value in the base run (null: n/a). */
  base: number | null;
  /** Its value in the new run (null: n/a). */
  next: number | null;
  /** `next - base`, or null when either is n/a. */
  delta: number | null;
  /** `delta / |base|` in percent; null when n/a or the base is 0 (then infinite unless both are 0). */
  deltaPercent: number | null;
}

/** A threshold checked. */
export interface ThresholdResult {
  /** The threshold. */
  threshold: Threshold;
  /** The metric in both runs. */
  row: ComparisonRow;
  /** True when the change is a regression by this threshold. */
  failed: boolean;
  /** Why, in words. */
  reason: string;
}

/** What {@linkcode compareResults} found. */
export interface Comparison {
  /** The key metrics, then any other metric a threshold names. */
  rows: ComparisonRow[];
  /** Every threshold, checked. */
  thresholds: ThresholdResult[];
  /** True when any threshold failed. */
  regressed: boolean;
}

/**
 * Compares two results and checks thresholds. A metric that is n/a in one run only fails its
 * threshold (something stopped being measured); n/a in both passes.
 *
 * @example Usage
 * ```ts
 * import { compareResults, parseThreshold } from "./compare.ts";
 * const base = { p99_ttft_ms: 100, failed: 0 };
 * const next = { p99_ttft_ms: 115, failed: 0 };
 * const c = compareResults(base, next, [parseThreshold("p99_ttft_ms:+10%"), parseThreshold("failed:+0")]);
 * console.log(c.regressed, c.thresholds.map((t) => t.failed)); // true [ true, false ]
 * ```
 *
 * @param base The base run's result.
 * @param next The new run's result.
 * @param thresholds Regression thresholds.
 * @returns The comparison.
 * @throws {ConfigError} Naming `--fail-on` when a threshold names no numeric metric of either result.
 */
export function compareResults(
  base: ResultJson,
  next: ResultJson,
  thresholds: readonly Threshold[] = [],
): Comparison {
  const present = (key: string) =>
    resultMetric(base, key) !== undefined || resultMetric(next, key) !== undefined;
  const rows = COMPARE_METRICS.filter((m) => present(m.key))
    .map((m) => rowOf(base, next, m.key, m.better));
  const results = thresholds.map((threshold) => {
    if (!present(threshold.metric)) {
      throw new ConfigError(
        "--fail-on",
        "names no numeric metric of the result files (see the JSON keys in the README)",
        threshold.text,
        "compare results",
      );
    }
    let row = rows.find((r) => r.metric === threshold.metric);
    if (!row) {
      row = rowOf(base, next, threshold.metric, undefined);
      rows.push(row);
    }
    return check(threshold, row);
  });
  return { rows, thresholds: results, regressed: results.some((r) => r.failed) };
}

/**
 * Formats a comparison as a text table (and the thresholds' verdicts below it).
 *
 * @example Usage
 * ```ts
 * import { compareResults, formatComparison } from "./compare.ts";
 * const text = formatComparison(compareResults({ completed: 10 }, { completed: 12 }), "a.json", "b.json");
 * console.log(text.split("\n")[2].replace(/ +/g, " ")); // completed 10 12 +2 +20.00% better
 * ```
 *
 * @param c The comparison.
 * @param baseName The base file's name.
 * @param nextName The new file's name.
 * @returns The text, ending with a newline.
 */
export function formatComparison(c: Comparison, baseName: string, nextName: string): string {
  const header = ["metric", "base", "new", "change", "change %", ""];
  const body = c.rows.map((r) => [
    r.metric,
    value(r.base),
    value(r.next),
    r.delta === null ? "n/a" : signed(r.delta),
    r.deltaPercent === null
      ? (r.delta !== null && r.delta !== 0 ? "inf" : "n/a")
      : `${r.deltaPercent >= 0 ? "+" : ""}${r.deltaPercent.toFixed(2)}%`,
    direction(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
      .join("  ").trimEnd();
  const out = [
    `base: ${baseName}    new: ${nextName}`,
    line(header),
    ...body.map(line),
  ];
  if (c.thresholds.length > 0) {
    out.push("");
    for (const t of c.thresholds) {
      out.push(`${t.failed ? "FAIL" : "ok  "}  ${t.threshold.text}: ${t.reason}`);
    }
    out.push(
      c.regressed
        ? `regression: ${
          c.thresholds.filter((t) => t.failed).length
        } of ${c.thresholds.length} thresholds failed`
        : `no regression (${c.thresholds.length} thresholds)`,
    );
  }
  return out.join("\n") + "\n";
}

function rowOf(
  base: ResultJson,
  next: ResultJson,
  metric: string,
  better: Better | undefined,
): ComparisonRow {
  const b = resultMetric(base, metric) ?? null;
  const n = resultMetric(next, metric) ?? null;
  const both = typeof b === "number" && typeof n === "number";
  const delta = both ? n - b : null;
  const deltaPercent = both && b !== 0 ? (100 * (n - b)) / Math.abs(b) : both && n === b ? 0 : null;
  return {
    metric,
    ...(better ? { better } : {}),
    base: b,
    next: n,
    delta,
    deltaPercent,
  };
}

function check(threshold: Threshold, row: ComparisonRow): ThresholdResult {
  const { base, next } = row;
  if (base === null || next === null) {
    const failed = base !== next;
    return {
      threshold,
      row,
      failed,
      reason: failed ? `n/a in the ${base === null ? "base" : "new"} run only` : "n/a in both runs",
    };
  }
  const delta = next - base;
  let change: number;
  let shown: string;
  if (threshold.percent) {
    change = base !== 0
      ? (100 * delta) / Math.abs(base)
      : delta === 0
      ? 0
      : Math.sign(delta) * Infinity;
    shown = Number.isFinite(change)
      ? `${change >= 0 ? "+" : ""}${change.toFixed(2)}%`
      : `${signed(delta)} from 0`;
  } else {
    change = delta;
    shown = signed(delta);
  }
  const failed = threshold.sign === "+" ? change > threshold.limit : change < -threshold.limit;
  const limit = `${threshold.sign}${threshold.limit}${threshold.percent ? "%" : ""}`;
  return {
    threshold,
    row,
    failed,
    reason: `${value(base)} -> ${value(next)} (${shown}; ${failed ? "beyond" : "within"} ${limit})`,
  };
}

function direction(r: ComparisonRow): string {
  if (!r.better || r.delta === null || r.delta === 0) return "";
  if (r.deltaPercent !== null && Math.abs(r.deltaPercent) < 0.005) return "";
  return (r.delta < 0) === (r.better === "lower") ? "better" : "worse";
}

function value(v: number | null | undefined): string {
  if (v === null || v === undefined) return "n/a";
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return v.toFixed(abs >= 100 ? 1 : abs >= 1 ? 2 : 3);
}

function signed(v: number): string {
  return `${v >= 0 ? "+" : ""}${value(v)}`;
}
