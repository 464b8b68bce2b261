import assert from "node:assert/strict";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import { reportToHtml } from "../../lib/report/html.ts";
import { reportToJson } from "../../lib/report/json.ts";
import { buildReport } from "../../lib/report/report.ts";
import { sampleHtmlReport } from "./_html_sample.ts";

const count = (html: string, re: RegExp) => html.match(re)?.length ?? 0;

/** The markup of the chart named `name`. */
function chart(html: string, name: string): string {
  const m = html.match(new RegExp(`<svg class="chart[^"]*" data-chart="${name}"[\\s\\S]*?</svg>`));
  assert.ok(m, `no chart ${name}`);
  return m[0];
}

Deno.test("html: self-contained, offline, every chart drawn from the report", () => {
  const report = sampleHtmlReport();
  const html = reportToHtml(report);
  assert.ok(html.startsWith("<!doctype html>"));
  assert.ok(!/(src|href)=["']?https?:/i.test(html), "no external resource");
  assert.ok(!/<script(?![^>]*application\/json)/i.test(html), "no executable script");
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  for (const name of ["ttft", "itl", "tpot", "e2el"]) {
    const svg = chart(html, name);
    assert.ok(count(svg, /<rect class="bar s-dist"/g) >= 5, `${name} bars`);
    assert.equal(count(svg, /<line class="marker"/g), 3, `${name} p50/p90/p99`);
  }
  const seconds = report.timeline.seconds.length;
  assert.ok(seconds >= 8);
  assert.match(
    chart(html, "throughput"),
    /<path class="line s-ok" d="M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){7,}"/,
  );
  assert.match(chart(html, "concurrency"), /<path class="line s-conc" d="M/);
  const requests = chart(html, "requests");
  assert.ok(count(requests, /class="bar s-ok"/g) >= seconds - 1);
  assert.ok(count(requests, /class="bar s-fail"/g) >= 1, "errors per second");
  const failures = chart(html, "failures");
  assert.ok(failures.includes(">timeout<") && failures.includes(">http_5xx<"));
});

Deno.test("html: text from servers and configs is escaped; the result JSON is embedded intact", () => {
  const report = sampleHtmlReport();
  const html = reportToHtml(report);
  assert.ok(!html.includes("<script>alert("), "error excerpts are escaped");
  assert.ok(html.includes("&lt;script&gt;alert("));
  assert.ok(!html.includes("<b>model</b>"));
  const embedded = html.match(
    /<script type="application\/json" id="batchbench-result">([\s\S]*?)<\/script>/,
  );
  assert.ok(embedded);
  assert.deepEqual(JSON.parse(embedded[1]), JSON.parse(JSON.stringify(reportToJson(report))));
});

Deno.test("html: an empty run still renders, with n/a and 'no data' instead of charts", () => {
  const html = reportToHtml(buildReport(new Aggregator()));
  assert.ok(html.includes("No failures."));
  assert.ok(count(html, /class="chart empty"/g) >= 7);
  assert.ok(html.includes("n/a"));
  assert.ok(!html.includes("NaN") && !html.includes("Infinity"));
});
