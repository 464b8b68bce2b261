/**
 * The `compare` command: the change of every key metric between two result files, and regression
 * thresholds that make it exit 1 (to gate CI).
 *
 * @module
 */
import { compareResults, formatComparison } from "../report/compare.ts";
import type { CliIo } from "./io.ts";
import { readResultFile } from "./read_result.ts";
import type { CompareCommandOptions } from "./results_options.ts";

/**
 * Runs `batchbench compare BASE NEW [--fail-on METRIC:+N% ...]`: prints the table on stdout.
 *
 * @param o Validated options.
 * @param io The outside world.
 * @returns 0 when no threshold failed, 1 on a regression. Unreadable files and thresholds naming no
 *   metric are thrown (exit code 2).
 */
export async function compareCommand(o: CompareCommandOptions, io: CliIo): Promise<number> {
  const base = await readResultFile(io, o.base);
  const next = await readResultFile(io, o.next);
  const comparison = compareResults(base, next, o.thresholds);
  io.out(formatComparison(comparison, o.base, o.next));
  return comparison.regressed ? 1 : 0;
}
