/**
 * Small static SVG charts for the HTML report: pure functions from numbers to markup, styled by the
 * page's CSS classes (`bar`, `line`, `dot`, `marker`, `grid`, `axis`), every mark with a `<title>` so
 * hovering shows its value without any script.
 *
 * @module
 */

/** One series of a chart. */
export interface ChartSeries {
  /** Legend name. */
  name: string;
  /** One value per x. */
  values: readonly number[];
  /** CSS class of its marks (e.g. `s-ok`, `s-fail`), which sets their colour. */
  className: string;
}

/** What every chart takes. */
export interface ChartFrame {
  /** Identifies the chart (`data-chart` attribute). */
  id: string;
  /** Label of the x axis. */
  xLabel: string;
  /** Label of the y axis. */
  yLabel: string;
  /** Formats a value of the y axis for titles. */
  formatY?: (v: number) => string;
}

const W = 640;
const H = 240;
const ML = 58;
const MR = 14;
const MT = 26;
const MB = 40;
const PW = W - ML - MR;
const PH = H - MT - MB;

/**
 * Round tick values covering `[min, max]` (1, 2, 2.5 or 5 times a power of ten apart).
 *
 * @example Usage
 * ```ts
 * import { niceTicks } from "./svg.ts";
 * console.log(niceTicks(0, 93)); // [ 0, 20, 40, 60, 80, 100 ]
 * console.log(niceTicks(0, 0)); // [ 0, 1 ]
 * ```
 *
 * @param min Lowest value to cover.
 * @param max Highest value to cover.
 * @param count About how many intervals.
 * @returns The ticks, increasing, covering both ends.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min, min + 1];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step * 0.999; v += step) ticks.push(round(v, step));
  if (ticks[ticks.length - 1] < max) ticks.push(round(ticks[ticks.length - 1] + step, step));
  return ticks;
}

/**
 * A line chart over seconds: one polyline (`path.line`) per series, points at the middle of each
 * second, dots when there are few points.
 *
 * @example Usage
 * ```ts
 * import { timeLineChart } from "./svg.ts";
 * const svg = timeLineChart({ id: "tps", xLabel: "s", yLabel: "tok/s" }, [0, 1, 2], [
 *   { name: "output", values: [10, 30, 20], className: "s-ok" },
 * ]);
 * console.log(svg.includes('data-chart="tps"'), svg.includes('class="line s-ok"')); // true true
 * ```
 *
 * @param frame Identity and labels.
 * @param seconds The x values (whole seconds, increasing).
 * @param series The lines.
 * @returns The SVG markup.
 */
export function timeLineChart(
  frame: ChartFrame,
  seconds: readonly number[],
  series: readonly ChartSeries[],
): string {
  if (seconds.length === 0) return empty(frame);
  const x0 = seconds[0];
  const x1 = seconds[seconds.length - 1] + 1;
  const yMax = maxOf(series.map((s) => maxOf(s.values)));
  const yTicks = niceTicks(0, yMax);
  const sx = scale(x0, x1, ML, ML + PW);
  const sy = scale(0, yTicks[yTicks.length - 1], MT + PH, MT);
  const fy = frame.formatY ?? formatNumber;
  const marks = series.map((s) => {
    const points = s.values.map((v, i) => [sx(seconds[i] + 0.5), sy(v)] as const);
    const d = points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${fix(x)} ${fix(y)}`).join(" ");
    const dots = points.length <= 60
      ? points.map(([x, y], i) =>
        `<circle class="dot ${s.className}" cx="${fix(x)}" cy="${fix(y)}" r="3"><title>${
          esc(`${s.name} at ${seconds[i]} s: ${fy(s.values[i])}`)
        }</title></circle>`
      ).join("")
      : "";
    return `<path class="line ${s.className}" d="${d}"><title>${esc(s.name)}</title></path>${dots}`;
  }).join("");
  return svg(frame, axes(frame, timeTicks(x0, x1), sx, yTicks, sy) + marks, series);
}

/**
 * A stacked bar chart over seconds: one bar (`rect.bar`) per second and series, stacked in order.
 *
 * @example Usage
 * ```ts
 * import { timeBarChart } from "./svg.ts";
 * const svg = timeBarChart({ id: "rps", xLabel: "s", yLabel: "req" }, [0, 1], [
 *   { name: "ok", values: [3, 4], className: "s-ok" },
 *   { name: "failed", values: [1, 0], className: "s-fail" },
 * ]);
 * console.log(svg.match(/class="bar /g)?.length); // 3
 * ```
 *
 * @param frame Identity and labels.
 * @param seconds The x values (whole seconds, increasing).
 * @param series The stacked series (zero values draw nothing).
 * @returns The SVG markup.
 */
export function timeBarChart(
  frame: ChartFrame,
  seconds: readonly number[],
  series: readonly ChartSeries[],
): string {
  if (seconds.length === 0) return empty(frame);
  const x0 = seconds[0];
  const x1 = seconds[seconds.length - 1] + 1;
  const totals = seconds.map((_, i) => series.reduce((sum, s) => sum + s.values[i], 0));
  const yTicks = niceTicks(0, Math.max(0, maxOf(totals)));
  const sx = scale(x0, x1, ML, ML + PW);
  const sy = scale(0, yTicks[yTicks.length - 1], MT + PH, MT);
  const fy = frame.formatY ?? formatNumber;
  const width = Math.max(0.5, PW / (x1 - x0) - (x1 - x0 > 100 ? 0 : 1));
  let marks = "";
  seconds.forEach((second, i) => {
    let base = 0;
    for (const s of series) {
      const v = s.values[i];
      if (!(v > 0)) continue;
      const top = sy(base + v);
      const height = sy(base) - top;
      marks += `<rect class="bar ${s.className}" x="${fix(sx(second))}" y="${fix(top)}" width="${
        fix(width)
      }" height="${fix(height)}"><title>${
        esc(`${s.name} at ${second} s: ${fy(v)}`)
      }</title></rect>`;
      base += v;
    }
  });
  return svg(frame, axes(frame, timeTicks(x0, x1), sx, yTicks, sy) + marks, series);
}

/** One bin of a distribution chart. */
export interface Bin {
  /** Lower edge. */
  lo: number;
  /** Upper edge. */
  hi: number;
  /** Values in the bin. */
  count: number;
}

/** A vertical line marking a value (a percentile) on a distribution chart. */
export interface Marker {
  /** Label, e.g. `p99`. */
  label: string;
  /** Position on the x axis. */
  value: number;
}

/**
 * A histogram: one bar (`rect.bar`) per non-empty bin, and a vertical line (`line.marker`) with its
 * label per marker.
 *
 * @example Usage
 * ```ts
 * import { distributionChart } from "./svg.ts";
 * const svg = distributionChart({ id: "ttft", xLabel: "ms", yLabel: "requests" },
 *   [{ lo: 10, hi: 20, count: 5 }, { lo: 20, hi: 30, count: 0 }, { lo: 30, hi: 40, count: 2 }],
 *   [{ label: "p50", value: 15 }]);
 * console.log(svg.match(/class="bar /g)?.length, svg.includes('class="marker"')); // 2 true
 * ```
 *
 * @param frame Identity and labels.
 * @param bins Adjacent bins, increasing.
 * @param markers Values to mark.
 * @returns The SVG markup.
 */
export function distributionChart(
  frame: ChartFrame,
  bins: readonly Bin[],
  markers: readonly Marker[],
): string {
  if (bins.length === 0) return empty(frame);
  const x0 = bins[0].lo;
  const x1 = Math.max(bins[bins.length - 1].hi, x0 + 1e-9);
  const xTicks = niceTicks(x0, x1).filter((t) => t >= x0 && t <= x1);
  const yTicks = niceTicks(0, maxOf(bins.map((b) => b.count)));
  const sx = scale(x0, x1, ML, ML + PW);
  const sy = scale(0, yTicks[yTicks.length - 1], MT + PH, MT);
  let marks = "";
  for (const b of bins) {
    if (b.count <= 0) continue;
    const x = sx(b.lo);
    const w = Math.max(1, sx(b.hi) - x - 0.5);
    const top = sy(b.count);
    marks += `<rect class="bar s-dist" x="${fix(x)}" y="${fix(top)}" width="${fix(w)}" height="${
      fix(MT + PH - top)
    }"><title>${
      esc(`${formatNumber(b.lo)}–${formatNumber(b.hi)} ${frame.xLabel}: ${b.count}`)
    }</title></rect>`;
  }
  markers.forEach((m, i) => {
    if (!(m.value >= x0 && m.value <= x1)) return;
    const x = fix(sx(m.value));
    const right = sx(m.value) > ML + PW * 0.9;
    marks += `<line class="marker" x1="${x}" y1="${MT}" x2="${x}" y2="${MT + PH}"><title>${
      esc(`${m.label}: ${formatNumber(m.value)} ${frame.xLabel}`)
    }</title></line><text class="marker-label" x="${x}" y="${MT + 10 + 11 * i}" ${
      right ? 'dx="-3" text-anchor="end"' : 'dx="3"'
    }>${esc(m.label)}</text>`;
  });
  return svg(frame, axes(frame, xTicks, sx, yTicks, sy) + marks, []);
}

/**
 * Horizontal bars with their labels and values (e.g. failures by kind).
 *
 * @example Usage
 * ```ts
 * import { horizontalBars } from "./svg.ts";
 * const svg = horizontalBars("failures", [{ label: "timeout", value: 3, className: "s-fail" }]);
 * console.log(svg.includes(">timeout<"), svg.includes('class="bar s-fail"')); // true true
 * ```
 *
 * @param id Identifies the chart.
 * @param items The bars, top to bottom.
 * @returns The SVG markup.
 */
export function horizontalBars(
  id: string,
  items: readonly { label: string; value: number; className: string }[],
): string {
  const row = 26;
  const height = Math.max(1, items.length) * row + 8;
  const max = Math.max(1, ...items.map((i) => i.value));
  const labelW = 150;
  const barW = W - labelW - 70;
  const body = items.map((item, k) => {
    const y = 4 + k * row;
    const w = Math.max(1, (item.value / max) * barW);
    return `<text class="label" x="${labelW - 8}" y="${y + 17}" text-anchor="end">${
      esc(item.label)
    }</text><rect class="bar ${item.className}" x="${labelW}" y="${y + 4}" width="${
      fix(w)
    }" height="${row - 8}"><title>${
      esc(`${item.label}: ${item.value}`)
    }</title></rect><text class="value" x="${fix(labelW + w + 6)}" y="${y + 17}">${
      esc(formatNumber(item.value))
    }</text>`;
  }).join("");
  return `<svg class="chart hbars" data-chart="${
    esc(id)
  }" viewBox="0 0 ${W} ${height}" role="img" ` +
    `xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

/**
 * Formats a number for labels: thousands separators, at most 3 significant decimals.
 *
 * @example Usage
 * ```ts
 * import { formatNumber } from "./svg.ts";
 * console.log(formatNumber(12345.678), formatNumber(0.012345), formatNumber(2.5)); // 12,346 0.01235 2.5
 * ```
 *
 * @param v The number.
 * @returns The text.
 */
export function formatNumber(v: number): string {
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : abs >= 1 ? 2 : 3;
  return v.toLocaleString("en-US", {
    maximumFractionDigits: abs > 0 && abs < 0.1 ? 4 : digits,
    maximumSignificantDigits: abs >= 1000 ? undefined : 4,
  });
}

/**
 * Escapes text for HTML and SVG (text and attribute values).
 *
 * @example Usage
 * ```ts
 * import { esc } from "./svg.ts";
 * console.log(esc(`<a href="x">&'`)); // &lt;a href=&quot;x&quot;&gt;&amp;&#39;
 * ```
 *
 * @param text The text.
 * @returns The escaped text.
 */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function svg(frame: ChartFrame, body: string, series: readonly ChartSeries[]): string {
  const legend = series.length > 1
    ? series.map((s, i) =>
      `<g class="legend" transform="translate(${
        ML + i * 110
      } 4)"><rect class="bar ${s.className}" width="10" height="10"/><text x="14" y="9">${
        esc(s.name)
      }</text></g>`
    ).join("")
    : "";
  return `<svg class="chart" data-chart="${esc(frame.id)}" viewBox="0 0 ${W} ${H}" role="img" ` +
    `xmlns="http://www.w3.org/2000/svg">${body}${legend}</svg>`;
}

function axes(
  frame: ChartFrame,
  xTicks: readonly number[],
  sx: (v: number) => number,
  yTicks: readonly number[],
  sy: (v: number) => number,
): string {
  let out = "";
  for (const t of yTicks) {
    const y = fix(sy(t));
    out += `<line class="grid" x1="${ML}" y1="${y}" x2="${ML + PW}" y2="${y}"/>` +
      `<text class="tick" x="${ML - 6}" y="${y}" dy="4" text-anchor="end">${
        esc(formatNumber(t))
      }</text>`;
  }
  for (const t of xTicks) {
    const x = fix(sx(t));
    out += `<line class="axis" x1="${x}" y1="${MT + PH}" x2="${x}" y2="${MT + PH + 4}"/>` +
      `<text class="tick" x="${x}" y="${MT + PH + 16}" text-anchor="middle">${
        esc(formatNumber(t))
      }</text>`;
  }
  out += `<line class="axis" x1="${ML}" y1="${MT + PH}" x2="${ML + PW}" y2="${MT + PH}"/>`;
  out += `<text class="axis-label" x="${ML + PW / 2}" y="${H - 4}" text-anchor="middle">${
    esc(frame.xLabel)
  }</text>`;
  out += `<text class="axis-label" transform="translate(12 ${MT + PH / 2}) rotate(-90)" ` +
    `text-anchor="middle">${esc(frame.yLabel)}</text>`;
  return out;
}

function timeTicks(x0: number, x1: number): number[] {
  return niceTicks(x0, x1, 8).filter((t) => t >= x0 && t <= x1 && Number.isInteger(t));
}

function empty(frame: ChartFrame): string {
  return `<svg class="chart empty" data-chart="${
    esc(frame.id)
  }" viewBox="0 0 ${W} 60" role="img" ` +
    `xmlns="http://www.w3.org/2000/svg"><text class="tick" x="${W / 2}" y="34" ` +
    `text-anchor="middle">no data</text></svg>`;
}

function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

function maxOf(values: readonly number[]): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

function fix(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function round(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(decimals));
}
