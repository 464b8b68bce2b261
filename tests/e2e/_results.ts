// Helpers for the end-to-end tests of result files: a small, fast demo run against the simulator.
import { runCli } from "./_cli.ts";

export const SMALL_RUN = [
  "-q",
  "--users",
  "4",
  "--requests-per-user",
  "5",
  "--sim-output-tokens",
  "8",
  "--itl-ms",
  "1",
];

export async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "batchbench_results_" });
}

/** Runs the demo and fails with its stderr unless it exits 0. */
export async function demo(args: string[]): Promise<string> {
  const r = await runCli(["demo", ...SMALL_RUN, ...args]);
  if (r.code !== 0) throw new Error(`demo exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(path));
}

/**
 * The figures on which two result files differ. Counts must be equal; times may differ by the
 * histograms' precision (0.1%) plus 2 µs, since the request log rounds times to the microsecond (a
 * TPOT computed from rounded times can move to the next bucket); rates by 1e-5 relative.
 */
export function sameFigures(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  skip: string[] = [],
): string[] {
  const diffs: string[] = [];
  const ignore = new Set(["meta", "aggregate", "client_health", ...skip]);
  for (const [key, va] of Object.entries(a)) {
    if (ignore.has(key)) continue;
    const vb = b[key];
    if (typeof va === "number" && typeof vb === "number") {
      const tolerance = key.endsWith("_ms")
        ? 0.001 * Math.abs(va) + 0.002
        : 1e-5 * Math.max(1, Math.abs(va));
      if (Math.abs(va - vb) > tolerance) diffs.push(`${key}: ${va} vs ${vb}`);
    } else if (!closeEnough(va, vb)) {
      diffs.push(
        `${key}: ${JSON.stringify(va)?.slice(0, 200)} vs ${JSON.stringify(vb)?.slice(0, 200)}`,
      );
    }
  }
  return diffs;
}

/**
 * Deep equality where numbers may differ by rounding: a request log keeps times to the microsecond,
 * so figures rebuilt from it (e.g. a second's mean concurrency, to 3 decimals) can move by 0.001.
 */
function closeEnough(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") {
    return Math.abs(a - b) <= 1e-3 * Math.abs(a) + 0.002;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => closeEnough(x, b[i]));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length &&
      ka.every((k) =>
        closeEnough((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
      );
  }
  return a === b;
}
