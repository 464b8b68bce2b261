/**
 * The live progress line.
 *
 * @module
 */
import type { Progress } from "../runner.ts";

/**
 * Formats one progress line (no newline).
 *
 * @example Usage
 * ```ts
 * import { formatProgress } from "./progress.ts";
 * console.log(formatProgress({ planned: 10, completed: 5, failed: 1, inFlight: 2, outputTokens: 80, elapsedMs: 2000 }));
 * // 5/10 requests  1 failed  2 in flight  40 tok/s  2.0s
 * ```
 *
 * @param p The progress snapshot.
 * @returns The line.
 */
export function formatProgress(p: Readonly<Progress>): string {
  const secs = p.elapsedMs / 1000;
  const done = p.planned === undefined ? `${p.completed}` : `${p.completed}/${p.planned}`;
  const rate = secs > 0 ? Math.round(p.outputTokens / secs) : 0;
  const left = p.durationMs === undefined
    ? ""
    : `  ${Math.max(0, (p.durationMs - p.elapsedMs) / 1000).toFixed(0)}s left`;
  return `${done} requests  ${p.failed} failed  ${p.inFlight} in flight  ${rate} tok/s  ${
    secs.toFixed(1)
  }s${left}`;
}
