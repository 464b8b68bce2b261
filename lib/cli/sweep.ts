/**
 * The `sweep` command: a synchronous baseline (one user), a maximum-throughput run (every request at
 * once), then N request rates evenly between the two; one table at the end, and with `--goodput`
 * the highest rate that met the SLOs. Each step's result is kept as soon as it ends (the sweep JSON
 * is rewritten after every step).
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { reportToJson } from "../report/json.ts";
import type { BenchmarkReport } from "../report/report.ts";
import { runBenchmark } from "../runner.ts";
import type { LoadShape } from "../schedule/plan.ts";
import type { CliIo, StopSignal } from "./io.ts";
import type { CliOptions } from "./options.ts";
import type { ToolInfo } from "./run.ts";
import { buildRunSetup } from "./workload_setup.ts";

/** Flags of `sweep`. */
export interface SweepFlags {
  /** Rates between the baseline and the maximum throughput. */
  steps: number;
  /** Fraction of requests that must meet every SLO for a step to pass (0..1]. */
  sloAttainment: number;
}

/** `parseArgs` definitions of the sweep flags. */
export const SWEEP_FLAGS = {
  "sweep-steps": { type: "string", default: "4" },
  "slo-attainment": { type: "string", default: "90" },
} as const;

/** Requests per step when `--max-requests` is not given. */
export const DEFAULT_SWEEP_REQUESTS = 50;

/**
 * Validates the sweep flags.
 *
 * @example Usage
 * ```ts
 * import { parseSweepFlags } from "./sweep.ts";
 * console.log(parseSweepFlags({ "sweep-steps": "3", "slo-attainment": "95" }));
 * // { steps: 3, sloAttainment: 0.95 }
 * ```
 *
 * @param values Parsed flag values.
 * @returns The flags.
 * @throws {ConfigError} Naming the flag at fault.
 */
export function parseSweepFlags(values: Record<string, unknown>): SweepFlags {
  const stepsText = String(values["sweep-steps"] ?? "4");
  if (!/^\s*\d+\s*$/.test(stepsText) || Number(stepsText) < 1 || Number(stepsText) > 100) {
    throw new ConfigError("--sweep-steps", "must be an integer from 1 to 100", stepsText);
  }
  const pctText = String(values["slo-attainment"] ?? "90");
  const pct = Number(pctText);
  if (!(pct > 0 && pct <= 100)) {
    throw new ConfigError("--slo-attainment", "must be a percentage in (0, 100]", pctText);
  }
  if (values.duration !== undefined) {
    throw new ConfigError(
      "--duration",
      "does not apply to sweep steps (use --max-requests)",
      values.duration,
    );
  }
  for (const flag of ["request-rate", "users", "ramp-up", "multi-turn"]) {
    if (values[flag] !== undefined && values[flag] !== false) {
      throw new ConfigError(
        `--${flag}`,
        "does not apply to sweep (it chooses the load of each step)",
        values[flag],
      );
    }
  }
  return { steps: Number(stepsText), sloAttainment: pct / 100 };
}

/** One finished step of a sweep. */
export interface SweepStep {
  /** `baseline`, `throughput` or `rate`. */
  kind: "baseline" | "throughput" | "rate";
  /** Target request rate (req/s) of a `rate` step; null otherwise. */
  targetRate: number | null;
  /** The step's report. */
  report: BenchmarkReport;
}

/**
 * Runs a sweep and prints its table; returns the exit code.
 *
 * @param o Validated run options (the load flags other than the rate shape each step).
 * @param flags Sweep flags.
 * @param io The outside world.
 * @param tool Tool facts.
 * @returns The exit code.
 */
export async function sweepCommand(
  o: CliOptions,
  flags: SweepFlags,
  io: CliIo,
  tool: ToolInfo,
): Promise<number> {
  const requests = o.load.maxRequests ?? DEFAULT_SWEEP_REQUESTS;
  const common: LoadShape = { maxRequests: requests };
  if (o.load.warmup) common.warmup = o.load.warmup;
  const rateShape = (rate: number): LoadShape => ({
    ...common,
    arrivals: {
      rate,
      exactRate: o.load.exactRate,
      ...(o.load.arrival ? { kind: o.load.arrival } : {}),
      ...(o.load.burstiness !== undefined ? { burstiness: o.load.burstiness } : {}),
    },
    ...(o.load.maxConcurrency !== undefined ? { maxConcurrency: o.load.maxConcurrency } : {}),
  });
  const stop = new AbortController();
  let signals = 0;
  const unsubscribe = io.onSignal((name: StopSignal) => {
    if (++signals > 1) io.exit(name === "SIGINT" ? 130 : 143);
    io.err(`\n${name}: stopping the sweep after a short grace (again to quit now)\n`);
    stop.abort(name);
  });
  const steps: SweepStep[] = [];
  const total = flags.steps + 2;
  let shownSummary = false;
  const runStep = async (kind: SweepStep["kind"], load: LoadShape, users?: number) => {
    const targetRate = kind === "rate" ? load.arrivals!.rate : null;
    const { config, summary } = await buildRunSetup(o, io, { load, users });
    if (!shownSummary) { for (const line of summary) io.err(`${line}\n`); }
    shownSummary = true;
    const label = kind === "rate" ? `rate ${fixed(targetRate)} req/s` : kind;
    if (!o.quiet) io.err(`sweep step ${steps.length + 1}/${total}: ${label} ...`);
    const report = await runBenchmark(config, {
      signal: stop.signal,
      slo: o.slo,
      seed: o.seed,
      meta: {
        tool: { name: "batchbench", version: tool.version },
        sweep_step: { index: steps.length, kind, target_rate: targetRate },
      },
    });
    steps.push({ kind, targetRate, report });
    if (!o.quiet) {
      io.err(` ${fixed(report.requestsPerSecond)} req/s, ${report.failedRequests} failed\n`);
    }
    if (o.outputJson && o.outputJson !== "-") {
      await io.writeText(o.outputJson, JSON.stringify(sweepJson(steps, flags, o), null, 2) + "\n");
    }
  };
  try {
    await runStep("baseline", common, 1);
    if (!stop.signal.aborted) await runStep("throughput", rateShape(Infinity));
    const lo = steps[0].report.requestsPerSecond ?? 0;
    const hi = steps[1]?.report.requestsPerSecond ?? 0;
    for (const rate of sweepRates(lo, hi, flags.steps)) {
      if (stop.signal.aborted) break;
      await runStep("rate", rateShape(rate));
    }
  } finally {
    unsubscribe();
  }
  io.out(formatSweep(steps, flags, o.slo !== undefined));
  if (o.outputJson === "-") io.out(JSON.stringify(sweepJson(steps, flags, o), null, 2) + "\n");
  if (stop.signal.aborted) return stop.signal.reason === "SIGTERM" ? 143 : 130;
  return steps.some((s) => s.report.successfulRequests > 0) ? 0 : 1;
}

/**
 * The rates of a sweep: `steps` rates evenly spaced strictly between `lo` and `hi` (GuideLLM's
 * sweep). When `hi <= lo`, the rates step up from `lo` by a tenth of it.
 *
 * @example Usage
 * ```ts
 * import { sweepRates } from "./sweep.ts";
 * console.log(sweepRates(1, 9, 3)); // [ 3, 5, 7 ]
 * ```
 *
 * @param lo The baseline's request rate.
 * @param hi The maximum throughput's request rate.
 * @param steps Number of rates.
 * @returns The rates, ascending, each positive.
 */
export function sweepRates(lo: number, hi: number, steps: number): number[] {
  const base = lo > 0 ? lo : 1;
  const width = hi > base ? hi - base : base;
  return Array.from({ length: steps }, (_, k) => base + (width * (k + 1)) / (steps + 1));
}

/**
 * The highest-load step that met the SLOs: its good requests are at least `attainment` of its
 * requests (warm-up excluded). Steps are ordered baseline, rates ascending, throughput.
 *
 * @param steps The finished steps.
 * @param attainment Required fraction (0..1].
 * @returns The step, or undefined when none met them (or no SLO was set).
 */
export function bestStep(steps: readonly SweepStep[], attainment: number): SweepStep | undefined {
  const ordered = [
    ...steps.filter((s) => s.kind === "baseline"),
    ...steps.filter((s) => s.kind === "rate").sort((a, b) => a.targetRate! - b.targetRate!),
    ...steps.filter((s) => s.kind === "throughput"),
  ];
  let best: SweepStep | undefined;
  for (const s of ordered) if (meets(s, attainment)) best = s;
  return best;
}

function meets(s: SweepStep, attainment: number): boolean {
  const g = s.report.goodput;
  const n = s.report.totalRequests;
  return g !== null && n > 0 && g.goodRequests / n >= attainment;
}

/**
 * Formats the sweep table.
 *
 * @param steps The finished steps.
 * @param flags Sweep flags.
 * @param withSlo True when SLOs were set.
 * @returns The text.
 */
export function formatSweep(
  steps: readonly SweepStep[],
  flags: SweepFlags,
  withSlo: boolean,
): string {
  const head = [
    "step",
    "target",
    "sent/s",
    "req/s",
    "out tok/s",
    "TTFT p50",
    "TTFT p99",
    "ITL p50",
    "ITL p99",
    "E2E p50",
    "E2E p99",
    "goodput",
    "failed",
  ];
  const rows = steps.map((s) => {
    const r = s.report;
    return [
      s.kind,
      s.kind === "rate" ? fixed(s.targetRate) : s.kind === "throughput" ? "inf" : "1 user",
      fixed(r.load.sendRate),
      fixed(r.requestsPerSecond),
      fixed(r.completionTokensPerSecond, 1),
      fixed(r.ttft.p50Ms, 1),
      fixed(r.ttft.p99Ms, 1),
      fixed(r.itl.p50Ms, 1),
      fixed(r.itl.p99Ms, 1),
      fixed(r.e2el.p50Ms, 1),
      fixed(r.e2el.p99Ms, 1),
      fixed(r.goodput?.requestsPerSecond ?? null),
      `${r.failedRequests}/${r.totalRequests}`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ");
  const out = [
    "=".repeat(20) + " Sweep " + "=".repeat(20),
    "rates in req/s, latencies in ms",
    line(head),
    ...rows.map(line),
  ];
  if (withSlo) {
    const best = bestStep(steps, flags.sloAttainment);
    const pct = `${+(flags.sloAttainment * 100).toFixed(2)}%`;
    out.push(
      best
        ? `Highest load meeting the SLOs (>= ${pct} of requests good): ${
          best.kind === "rate" ? `${fixed(best.targetRate)} req/s` : best.kind
        } (delivered ${fixed(best.report.requestsPerSecond)} req/s, goodput ${
          fixed(best.report.goodput?.requestsPerSecond ?? null)
        } req/s)`
        : `No step met the SLOs (>= ${pct} of requests good).`,
    );
  }
  return out.join("\n") + "\n";
}

/**
 * The sweep as JSON: every finished step's full result, and the best step when SLOs were set.
 *
 * @param steps The finished steps.
 * @param flags Sweep flags.
 * @param o Run options.
 * @returns A JSON-safe object.
 */
export function sweepJson(
  steps: readonly SweepStep[],
  flags: SweepFlags,
  o: CliOptions,
): Record<string, unknown> {
  const best = o.slo ? bestStep(steps, flags.sloAttainment) : undefined;
  return {
    format: "batchbench-sweep",
    sweep_steps: flags.steps,
    slo_attainment: flags.sloAttainment,
    best_step: best ? steps.indexOf(best) : null,
    best_rate: best ? (best.kind === "rate" ? best.targetRate : best.kind) : null,
    steps: steps.map((s) => ({
      kind: s.kind,
      target_rate: s.targetRate,
      result: reportToJson(s.report),
    })),
  };
}

function fixed(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(digits);
}
