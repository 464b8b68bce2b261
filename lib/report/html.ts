/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script, no network) that opens
 * offline anywhere, even where scripts are blocked (CI artifact viewers): the summary, the latency
 * distributions from the histograms, throughput, concurrency and errors over time, failures by kind, and
 * the configuration. The full result file is embedded as JSON (`script#batchbench-result`).
 *
 * @module
 */
import { Histogram } from "../metrics/histogram.ts";
import { latencyBins } from "./bins.ts";
import type { Distribution } from "./distribution.ts";
import { reportToJson } from "./json.ts";
import { type BenchmarkReport, FAILURE_KINDS } from "./report.ts";
import { HTML_STYLE } from "./html_style.ts";
import {
  distributionChart,
  esc,
  formatNumber,
  horizontalBars,
  timeBarChart,
  timeLineChart,
} from "./svg.ts";

/** Options of {@linkcode reportToHtml}. */
export interface HtmlReportOptions {
  /**
   * The page's title.
   *
   * @default {"batchbench report"}
   */
  title?: string;
  /**
   * Example failures shown per kind.
   *
   * @default {5}
   */
  examplesPerKind?: number;
}

/**
 * Renders a report as one self-contained HTML page. Every chart is an inline `<svg class="chart">` with
 * a `data-chart` name (`ttft`, `itl`, `tpot`, `e2el`, `throughput`, `requests`, `concurrency`,
 * `failures`); bars are `rect.bar`, lines `path.line`, percentile markers `line.marker`.
 *
 * @example Usage
 * ```ts
 * import { Aggregator } from "../metrics/aggregate.ts";
 * import { buildReport } from "./report.ts";
 * import { reportToHtml } from "./html.ts";
 * const agg = new Aggregator();
 * agg.add({
 *   user: 0, iteration: 0, attempts: 1, outcome: "success", startMs: 0, endMs: 120,
 *   lastAttemptStartMs: 0, retryDelayMs: 0, ttftMs: 20, itlMs: [50, 50], e2eMs: 120,
 *   outputTokens: 3, outputTokensSource: "usage",
 * });
 * const html = reportToHtml(buildReport(agg));
 * console.log(html.startsWith("<!doctype html>"), html.includes('data-chart="ttft"')); // true true
 * ```
 *
 * @param report The report.
 * @param options Title and failure examples.
 * @returns The page.
 */
export function reportToHtml(report: BenchmarkReport, options: HtmlReportOptions = {}): string {
  const meta = report.meta as Record<string, unknown>;
  const config = asRecord(meta.config);
  const tool = asRecord(meta.tool);
  const title = options.title ?? "batchbench report";
  const subtitle = [
    config.model,
    config.endpoint,
    meta.started_at,
    `${formatNumber(report.totalDurationSecs)} s`,
  ].filter((v) => v !== undefined && v !== null).map((v) => esc(String(v))).join(" · ");
  const result = reportToJson(report);
  const json = JSON.stringify(result).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="sub">${subtitle}</p>
${warnings(report)}
</header>
<main>
${summaryCards(report)}
<section id="latency">
<h2>Latency <span class="note">successful requests; failure rate ${
    pct(report.failureRate)
  } beside them</span></h2>
${latencyTable(report)}
<div class="grid">
${distributionFigure(report, "ttft", "Time to first token (TTFT)")}
${distributionFigure(report, "itl", "Inter-token latency (ITL)")}
${distributionFigure(report, "tpot", "Time per output token (TPOT)")}
${distributionFigure(report, "e2el", "End-to-end latency (E2E)")}
</div>
</section>
<section id="timeline">
<h2>Over time <span class="note">per second of the run</span></h2>
<div class="grid">
${timeFigures(report)}
</div>
</section>
<section id="failures">
<h2>Failures <span class="note">${report.failedRequests} failed, ${report.cancelledRequests} cancelled, of ${report.totalRequests} requests</span></h2>
${failures(report, options.examplesPerKind ?? 5)}
</section>
<section id="tokens">
<h2>Tokens</h2>
${tokens(report)}
</section>
<section id="config">
<h2>Configuration and environment</h2>
${keyValues(meta)}
</section>
</main>
<footer>batchbench ${esc(String(tool.version ?? ""))} · result schema v${
    String(result.schema_version)
  } · the full result file is embedded in this page as <code>script#batchbench-result</code></footer>
<script type="application/json" id="batchbench-result">${json}</script>
</body>
</html>
`;
}

function warnings(r: BenchmarkReport): string {
  const out: string[] = [];
  if (r.interrupted) out.push("Run interrupted: these results are partial.");
  if (r.clientHealth?.clientBound) {
    out.push(
      `The client was the bottleneck (${r.clientHealth.reason ?? "event-loop lag"}): ` +
        "latencies include client delay.",
    );
  }
  if (r.successfulRequests === 0 && r.totalRequests > 0) out.push("Every request failed.");
  return out.map((w) => `<p class="warning">${esc(w)}</p>`).join("\n");
}

function summaryCards(r: BenchmarkReport): string {
  const cards: [string, string, string?][] = [
    ["Requests", `${num(r.successfulRequests)} / ${num(r.totalRequests)}`, "successful / total"],
    ["Failure rate", pct(r.failureRate), `${num(r.failedRequests)} failed`],
    ["Duration", `${formatNumber(r.totalDurationSecs)} s`, "first send to last completion"],
    ["Request throughput", rate(r.requestsPerSecond, "req/s")],
    ["Output throughput", rate(r.completionTokensPerSecond, "tok/s"), peak(r)],
    ["Total token throughput", rate(r.totalTokenThroughput, "tok/s")],
    ["Mean concurrency", opt(r.meanConcurrency), `peak ${opt(r.peakConcurrency)} in one second`],
    ["TTFT p50 / p99", `${ms(r.ttft.p50Ms)} / ${ms(r.ttft.p99Ms)}`, "ms"],
    ["ITL p50 / p99", `${ms(r.itl.p50Ms)} / ${ms(r.itl.p99Ms)}`, "ms"],
    ["E2E p50 / p99", `${ms(r.e2el.p50Ms)} / ${ms(r.e2el.p99Ms)}`, "ms"],
  ];
  if (r.goodput) {
    cards.splice(6, 0, [
      "Goodput",
      rate(r.goodput.requestsPerSecond, "req/s"),
      `${num(r.goodput.goodRequests)} requests met every SLO`,
    ]);
  }
  return `<section class="cards">${
    cards.map(([label, value, note]) =>
      `<div class="card"><div class="label">${esc(label)}</div><div class="value">${
        esc(value)
      }</div>${note ? `<div class="note">${esc(note)}</div>` : ""}</div>`
    ).join("")
  }</section>`;
}

function latencyTable(r: BenchmarkReport): string {
  const rows: [string, Distribution, boolean][] = [
    ["TTFT", r.ttft, true],
    ["Time to first answer token", r.ttfat, false],
    ["ITL", r.itl, true],
    ["TPOT", r.tpot, true],
    ["E2E", r.e2el, true],
    ["E2E from intended send", r.e2elIntended, false],
    ["Queue (client-side delay)", r.queue, false],
  ];
  const head = ["", "count", "mean", "std", "min", "p50", "p90", "p95", "p99", "p99.9", "max"];
  const body = rows.filter(([, d, always]) => always || d.count > 0).map(([name, d]) =>
    `<tr><th>${esc(name)}</th><td>${num(d.count)}</td>${
      [d.meanMs, d.stdMs, d.minMs, d.p50Ms, d.p90Ms, d.p95Ms, d.p99Ms, d.p999Ms, d.maxMs]
        .map((v) => `<td>${ms(v)}</td>`).join("")
    }</tr>`
  ).join("");
  return `<table class="latency"><thead><tr>${
    head.map((h) => `<th>${h}</th>`).join("")
  }</tr></thead><tbody>${body}</tbody></table><p class="note">milliseconds</p>`;
}

function distributionFigure(
  r: BenchmarkReport,
  name: "ttft" | "itl" | "tpot" | "e2el",
  caption: string,
): string {
  const h = Histogram.decode(r.aggregate.histograms[name]);
  const { bins, above } = latencyBins(h);
  const d = r[name];
  const markers = [
    { label: "p50", value: d.p50Ms },
    { label: "p90", value: d.p90Ms },
    { label: "p99", value: d.p99Ms },
  ].filter((m): m is { label: string; value: number } => m.value !== null);
  const chart = distributionChart(
    { id: name, xLabel: "ms", yLabel: name === "itl" ? "gaps" : "requests" },
    bins,
    markers,
  );
  const note = above > 0
    ? ` · ${num(above)} values above ${ms(bins.at(-1)?.hi ?? null)} ms not drawn`
    : "";
  return `<figure><figcaption>${esc(caption)} <span class="note">n = ${num(d.count)}${
    esc(note)
  }</span></figcaption>${chart}</figure>`;
}

function timeFigures(r: BenchmarkReport): string {
  const t = r.timeline;
  const throughput = timeLineChart(
    { id: "throughput", xLabel: "seconds since start", yLabel: "output tokens / s" },
    t.seconds,
    [{ name: "output tokens/s", values: t.outputTokens, className: "s-ok" }],
  );
  const requests = timeBarChart(
    { id: "requests", xLabel: "seconds since start", yLabel: "requests ended / s" },
    t.seconds,
    [
      { name: "successful", values: t.completed, className: "s-ok" },
      { name: "failed", values: t.failed, className: "s-fail" },
      { name: "cancelled", values: t.cancelled, className: "s-cancel" },
    ],
  );
  const concurrency = timeLineChart(
    { id: "concurrency", xLabel: "seconds since start", yLabel: "requests in flight" },
    t.seconds,
    [{ name: "mean in flight", values: t.concurrency, className: "s-conc" }],
  );
  const errors = t.failed.reduce((a, b) => a + b, 0);
  return [
    figure("Output throughput", `peak ${opt(r.maxOutputTokensPerSecond)} tok/s`, throughput),
    figure("Requests and errors", `${num(errors)} errors`, requests),
    figure("Concurrency", `mean ${opt(r.meanConcurrency)}`, concurrency),
  ].join("\n");
}

function failures(r: BenchmarkReport, perKind: number): string {
  const kinds = FAILURE_KINDS.filter((k) => r.failuresByKind[k] > 0);
  const items: { label: string; value: number; className: string }[] = kinds.map((k) => ({
    label: k,
    value: r.failuresByKind[k],
    className: "s-fail",
  }));
  if (r.cancelledRequests > 0) {
    items.push({ label: "cancelled", value: r.cancelledRequests, className: "s-cancel" });
  }
  if (items.length === 0) {
    return `<p class="ok">No failures.</p>`;
  }
  const shown = new Map<string, number>();
  const examples = r.failures.filter((f) => {
    const n = shown.get(f.kind) ?? 0;
    shown.set(f.kind, n + 1);
    return n < perKind;
  });
  const rows = examples.map((f) =>
    `<tr><td>${esc(f.kind)}</td><td>${
      f.status ?? ""
    }</td><td>${f.user}/${f.iteration}</td><td>${f.attempts}</td><td class="msg">${
      esc(f.message)
    }</td></tr>`
  ).join("");
  const table = rows
    ? `<table class="examples"><thead><tr><th>kind</th><th>status</th><th>user/iteration</th><th>attempts</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>`
    : "";
  return `<figure>${horizontalBars("failures", items)}</figure>${table}`;
}

function tokens(r: BenchmarkReport): string {
  const src = r.outputTokenSources;
  return keyValues({
    "input tokens": num(r.totalPromptTokens),
    "output tokens": num(r.totalCompletionTokens),
    "total tokens": num(r.totalTokens),
    "input tokens reported by": `${r.promptTokensReported} of ${r.successfulRequests} requests`,
    "output tokens counted from":
      `server usage ${src.usage}, tokenizer ${src.tokenizer}, chunks ${src.chunks}`,
    "attempts": `${r.attempts} (${r.retriedRequests} requests retried)`,
  });
}

function keyValues(record: Record<string, unknown>): string {
  const rows: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else {
      const shown = value === null || value === undefined
        ? "—"
        : typeof value === "string"
        ? value
        : JSON.stringify(value);
      rows.push(`<tr><th>${esc(path)}</th><td>${esc(shown)}</td></tr>`);
    }
  };
  walk(record, "");
  return rows.length ? `<table class="kv"><tbody>${rows.join("")}</tbody></table>` : "<p>—</p>";
}

function figure(caption: string, note: string, chart: string): string {
  return `<figure><figcaption>${esc(caption)} <span class="note">${
    esc(note)
  }</span></figcaption>${chart}</figure>`;
}

function peak(r: BenchmarkReport): string {
  return r.maxOutputTokensPerSecond === null
    ? ""
    : `peak ${formatNumber(r.maxOutputTokensPerSecond)} tok/s in one second`;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" ? v as Record<string, unknown> : {};
}

function ms(v: number | null): string {
  return v === null ? "n/a" : v.toFixed(2);
}

function opt(v: number | null): string {
  return v === null ? "n/a" : formatNumber(v);
}

function rate(v: number | null, unit: string): string {
  return v === null ? "n/a" : `${formatNumber(v)} ${unit}`;
}

function pct(v: number | null): string {
  return v === null ? "n/a" : `${(100 * v).toFixed(2)}%`;
}

function num(v: number): string {
  return v.toLocaleString("en-US");
}
