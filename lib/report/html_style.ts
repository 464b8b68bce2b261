/**
 * The HTML report's inline style sheet (light and dark, print-friendly).
 *
 * @module
 */

/** The CSS of the HTML report: page layout, cards, tables, and the chart classes of `svg.ts`. */
export const HTML_STYLE: string = `
:root {
  --bg: #f7f8fa; --panel: #ffffff; --text: #1d2330; --muted: #667085; --line: #e3e6eb;
  --grid: #eceef2; --ok: #2f6fdf; --fail: #d92d20; --cancel: #98a2b3; --conc: #7a5af8;
  --dist: #2f6fdf; --marker: #f79009; --warn-bg: #fef3f2; --warn: #b42318;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1115; --panel: #171a21; --text: #e6e8ee; --muted: #98a2b3; --line: #2a2f3a;
    --grid: #222732; --ok: #5b8ff9; --fail: #f97066; --cancel: #667085; --conc: #9e77ed;
    --dist: #5b8ff9; --marker: #fdb022; --warn-bg: #3a1411; --warn: #fda29b;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 12px; }
.sub, .note, footer { color: var(--muted); }
.note { font-size: 12px; font-weight: normal; }
footer { font-size: 12px; padding: 24px; }
.warning {
  background: var(--warn-bg); color: var(--warn); border: 1px solid var(--warn);
  border-radius: 6px; padding: 8px 12px; font-weight: 600;
}
.ok { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; margin-top: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
.card .value { font-size: 20px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; }
figure { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; margin: 0; padding: 12px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
table { border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th:first-child, .kv th, .kv td, .examples td, .examples th { text-align: left; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; }
table.latency { width: 100%; margin-bottom: 4px; }
table.examples { width: 100%; margin-top: 12px; }
.examples .msg { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-word; }
.kv th { color: var(--muted); font-weight: 500; width: 34%; }
.kv td { word-break: break-all; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart.hbars { max-width: 720px; }
svg.chart text { fill: var(--muted); font-size: 11px; }
svg.chart .grid { stroke: var(--grid); }
svg.chart .axis { stroke: var(--muted); }
svg.chart .axis-label { font-size: 12px; }
svg.chart .legend text { fill: var(--text); }
svg.chart .hbars text.label, svg.chart text.value { fill: var(--text); font-size: 13px; }
.bar.s-ok, .dot.s-ok { fill: var(--ok); }
.bar.s-fail, .dot.s-fail { fill: var(--fail); }
.bar.s-cancel { fill: var(--cancel); }
.bar.s-dist { fill: var(--dist); opacity: .85; }
.dot.s-conc { fill: var(--conc); }
.line { fill: none; stroke-width: 2; stroke-linejoin: round; }
.line.s-ok { stroke: var(--ok); }
.line.s-conc { stroke: var(--conc); }
.marker { stroke: var(--marker); stroke-width: 1.5; stroke-dasharray: 4 3; }
svg.chart .marker-label { fill: var(--marker); font-weight: 600; }
@media print { body { background: #fff; } figure, table, .card { break-inside: avoid; } }
`;
