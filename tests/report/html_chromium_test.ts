// The HTML report rendered by a real browser (headless Chromium): the charts are drawn and laid out,
// and the page loads nothing from anywhere. Skipped loudly when Chromium is absent (.ci/run installs it).
import assert from "node:assert/strict";
import { reportToHtml } from "../../lib/report/html.ts";
import { sampleHtmlReport } from "./_html_sample.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});
const hasChromium = CHROMIUM !== undefined;
if (!hasChromium) {
  console.warn(
    "\n!!! SKIPPING the headless Chromium test of the HTML report: no /usr/bin/chromium " +
      "(apt-get install -y chromium; .ci/run does it)\n",
  );
}

async function chromium(args: string[], dir: string): Promise<{ stdout: string; stderr: string }> {
  const out = await new Deno.Command(CHROMIUM!, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${dir}/profile`,
      "--enable-logging=stderr",
      "--v=0",
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return { stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test({
  name: "html: headless Chromium draws every chart of the report, offline",
  ignore: !hasChromium,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "batchbench_html_" });
    try {
      const page = `${dir}/report.html`;
      await Deno.writeTextFile(page, reportToHtml(sampleHtmlReport()));
      const { stdout: dom, stderr } = await chromium(
        ["--window-size=1280,2400", "--dump-dom", `file://${page}`],
        dir,
      );
      // The DOM as the browser built it: every chart is an SVG element with its marks.
      for (const name of ["ttft", "itl", "tpot", "e2el", "throughput", "requests", "concurrency"]) {
        const svg = dom.match(
          new RegExp(`<svg class="chart" data-chart="${name}"[\\s\\S]*?</svg>`),
        );
        assert.ok(svg, `chart ${name} is in the rendered DOM`);
        assert.ok(
          /<rect class="bar|<path class="line[^"]*" d="M/.test(svg[0]),
          `${name} has marks`,
        );
      }
      assert.match(dom, /<svg class="chart hbars" data-chart="failures"[\s\S]*?>timeout</);
      assert.match(dom, /<title>batchbench report<\/title>/);
      assert.ok(
        !/Content Security Policy|Refused to|net::ERR/.test(stderr),
        `the page asked for nothing: ${stderr}`,
      );
      // Laid out and painted: the screenshot is a real, non-blank image of the whole report.
      const png = `${dir}/report.png`;
      await chromium([
        "--window-size=1280,2400",
        "--hide-scrollbars",
        `--screenshot=${png}`,
        `file://${page}`,
      ], dir);
      const bytes = await Deno.readFile(png);
      assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
      assert.ok(bytes.length > 50_000, `a detailed image, not a blank page: ${bytes.length} bytes`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
