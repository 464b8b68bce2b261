/**
 * The human-readable summary of a {@linkcode BenchmarkReport}, laid out like `vllm bench serve`'s.
 *
 * @module
 */

import type { Distribution } from "./distribution.ts";
import { type BenchmarkReport, FAILURE_KINDS } from "./report.ts";
import type { Slo } from "../metrics/slo.ts";

/** Options of {@linkcode formatReport}. */
export interface FormatReportOptions {
  /**
   * Use ANSI colours (bold headings, red warnings, yellow failures).
   *
   * @default {false}
   */
  color?: boolean;
  /**
   * Example failures shown per kind.
   *
   * @default {3}
   */
  examplesPerKind?: number;
}

const WIDTH = 50;
const LABEL_WIDTH = 40;
const MESSAGE_CHARS = 160;

/**
 * Formats a report as text: vLLM's "Serving Benchmark Result" layout (same labels, so the numbers can
 * be compared line by line) plus failures by kind and the failure rate beside every latency section,
 * P90/P99 percentiles, goodput when SLOs are set, and the client's health with a loud warning when the
 * client was the bottleneck. Empty populations print as `n/a`.
 *
 * @example Usage
 * ```ts
 * import { Aggregator } from "../metrics/aggregate.ts";
 * import { buildReport } from "./report.ts";
 * import { formatReport } from "./console.ts";
 * const text = formatReport(buildReport(new Aggregator(), {}));
 * console.log(text.split("\n")[0]); // ============ Serving Benchmark Result ============
 * console.log(text.includes("Mean TTFT (ms):                          n/a")); // true
 * ```
 *
 * @param report The report.
 * @param options Colour and example count.
 * @returns The text, lines separated by `\n`, ending with a newline.
 */
export function formatReport(report: BenchmarkReport, options: FormatReportOptions = {}): string {
  const paint = painter(options.color ?? false);
  const out: string[] = [];
  const line = (label: string, value: string) => out.push(`${label.padEnd(LABEL_WIDTH)} ${value}`);
  const heading = (title: string, fill: string) => out.push(paint.bold(center(title, fill)));
  const warn = (text: string) => out.push(paint.red(`!!! ${text}`));

  heading(" Serving Benchmark Result ", "=");
  if (report.interrupted) warn("Run interrupted: these results are partial.");
  if (report.clientHealth?.clientBound) warn(clientBoundWarning(report.clientHealth.reason));
  line("Successful requests:", int(report.successfulRequests));
  const failed = int(report.failedRequests);
  line("Failed requests:", report.failedRequests > 0 ? paint.yellow(failed) : failed);
  line("Cancelled requests:", int(report.cancelledRequests));
  line("Failure rate (%):", percent(report.failureRate));
  if (report.attempts !== report.totalRequests) line("Total attempts:", int(report.attempts));
  if (report.warmupRequests > 0) line("Warm-up requests (excluded):", int(report.warmupRequests));
  line("Benchmark duration (s):", fixed(report.totalDurationSecs));
  line("Total input tokens:", int(report.totalPromptTokens));
  line("Total generated tokens:", int(report.totalCompletionTokens));
  line("Request throughput (req/s):", fixed(report.requestsPerSecond));
  if (report.goodput) {
    line("Request goodput (req/s):", fixed(report.goodput.requestsPerSecond));
    line("Goodput SLOs (ms):", sloText(report.goodput.slo));
  }
  line("Output token throughput (tok/s):", fixed(report.completionTokensPerSecond));
  line("Total Token throughput (tok/s):", fixed(report.totalTokenThroughput));
  line("Output token source (requests):", tokenSources(report));
  if (report.outputLength.requests > 0) {
    const o = report.outputLength;
    line("Output length exact/fewer/more:", `${o.exact} / ${o.fewer} / ${o.more}`);
    if (o.fewer + o.more > 0) warn(outputLengthWarning(report));
  }

  const failuresBeside = failuresText(report);
  const section = (title: string, short: string, d: Distribution, always = true) => {
    if (!always && d.count === 0) return;
    heading(title, "-");
    line(`Mean ${short} (ms):`, fixed(d.meanMs));
    line(`Median ${short} (ms):`, fixed(d.p50Ms));
    line(`P90 ${short} (ms):`, fixed(d.p90Ms));
    line(`P99 ${short} (ms):`, fixed(d.p99Ms));
    line("Failed requests (not included):", failuresBeside);
  };
  section("Time to First Token", "TTFT", report.ttft);
  section("Time to First Answer Token", "TTFAT", report.ttfat, false);
  section("Time per Output Token (excl. 1st token)", "TPOT", report.tpot);
  section("Inter-token Latency", "ITL", report.itl);
  section("End-to-end Latency", "E2EL", report.e2el);
  section("E2E Latency from Scheduled Time", "Scheduled E2EL", report.e2elIntended, false);
  if (report.queue.count > 0) {
    heading("Schedule (open loop)", "-");
    const target = report.meta.load as { request_rate?: unknown } | undefined;
    if (target?.request_rate != null) {
      line("Target request rate (req/s):", String(target.request_rate));
    }
    line("Planned request rate (req/s):", fixed(report.load.plannedRate));
    line("Delivered send rate (req/s):", fixed(report.load.sendRate));
    const q = report.queue;
    line(
      "Dispatch lateness p50/p99/max (ms):",
      `${fixed(q.p50Ms)} / ${fixed(q.p99Ms)} / ${fixed(q.maxMs)}`,
    );
    line("Mean queue delay (ms):", fixed(q.meanMs));
  }
  if (report.load.inFlightAtStop > 0 || report.load.unsentRequests > 0) {
    line("In flight at the stop (got the grace):", int(report.load.inFlightAtStop));
    line("Never sent (stopped first, cancelled):", int(report.load.unsentRequests));
  }

  if (report.failedRequests > 0) {
    heading("Failures", "-");
    const perKind = options.examplesPerKind ?? 3;
    for (const kind of FAILURE_KINDS) {
      const count = report.failuresByKind[kind];
      if (count === 0) continue;
      line(`${kind}:`, paint.yellow(int(count)));
      const examples = report.failures.filter((f) => f.kind === kind).slice(0, perKind);
      for (const f of examples) {
        const status = f.status === undefined ? "" : `, status ${f.status}`;
        const tries = `${f.attempts} attempt${f.attempts === 1 ? "" : "s"}`;
        out.push(
          `  user ${f.user}, iteration ${f.iteration}${status}, ${tries}: ${short(f.message)}`,
        );
      }
    }
  }

  const health = report.clientHealth;
  if (health) {
    heading("Client Health", "-");
    const lag = health.loopLagMs;
    line(
      "Event-loop lag p50/p99/max (ms):",
      `${fixed(lag.p50)} / ${fixed(lag.p99)} / ${fixed(lag.max)}`,
    );
    if (health.cpuPercent !== undefined) line("Client CPU (%):", fixed(health.cpuPercent));
    if (health.clientBound) warn(clientBoundWarning(health.reason));
  }
  out.push(paint.bold("=".repeat(WIDTH)));
  return out.join("\n") + "\n";
}

function outputLengthWarning(report: BenchmarkReport): string {
  const o = report.outputLength;
  const backend = typeof report.meta.backend === "string" ? report.meta.backend : "default";
  return `Output length: ${o.fewer + o.more} of ${o.requests} requests did not get the length ` +
    `they asked for (${o.deliveredTokens} of ${o.requestedTokens} tokens delivered): the server ` +
    `ignored the length fields of --backend ${backend}, or stopped at EOS; pick its --backend.`;
}

function clientBoundWarning(reason: string | undefined): string {
  return `CLIENT-BOUND: the benchmark client was the bottleneck${reason ? ` (${reason})` : ""}; ` +
    "latencies include client delay. Use fewer users or more workers.";
}

function failuresText(report: BenchmarkReport): string {
  const cancelled = report.cancelledRequests > 0 ? `, ${report.cancelledRequests} cancelled` : "";
  return `${report.failedRequests} (${percent(report.failureRate)}%)${cancelled}`;
}

function tokenSources(report: BenchmarkReport): string {
  const parts = Object.entries(report.outputTokenSources)
    .filter(([, n]) => n > 0)
    .map(([source, n]) => `${source} ${n}`);
  return parts.length > 0 ? parts.join(", ") : "n/a";
}

function sloText(slo: Slo): string {
  const parts: string[] = [];
  if (slo.ttftMs !== undefined) parts.push(`ttft<=${slo.ttftMs}`);
  if (slo.tpotMs !== undefined) parts.push(`tpot<=${slo.tpotMs}`);
  if (slo.e2elMs !== undefined) parts.push(`e2el<=${slo.e2elMs}`);
  if (slo.itlMs !== undefined) parts.push(`itl<=${slo.itlMs}`);
  return parts.join(" ");
}

/** Python's `"{s:{c}^{n}}"`: centred, the odd fill character on the right. */
function center(title: string, fill: string): string {
  const pad = Math.max(0, WIDTH - title.length);
  const left = Math.floor(pad / 2);
  return fill.repeat(left) + title + fill.repeat(pad - left);
}

function fixed(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(2);
}

function percent(rate: number | null): string {
  return rate === null ? "n/a" : (rate * 100).toFixed(2);
}

function int(n: number): string {
  return String(n);
}

function short(message: string): string {
  const flat = message.replace(/\s+/g, " ").trim();
  return flat.length > MESSAGE_CHARS ? `${flat.slice(0, MESSAGE_CHARS - 1)}…` : flat;
}

function painter(color: boolean) {
  const wrap = (code: string) => (s: string) => color ? `\x1b[${code}m${s}\x1b[0m` : s;
  return { bold: wrap("1"), red: wrap("1;31"), yellow: wrap("33") };
}
