/**
 * The `merge` command: one result from several runs or shards, merged exactly.
 *
 * @module
 */
import { formatReport } from "../report/console.ts";
import { mergeResults } from "../report/merge.ts";
import type { CliIo } from "./io.ts";
import { writeReportFiles } from "./outputs.ts";
import { readResultFile } from "./read_result.ts";
import type { MergeCommandOptions } from "./results_options.ts";
import type { ToolInfo } from "./run.ts";

/**
 * Runs `batchbench merge A.json B.json ... [--sequential] [--output-json F] ...`: prints the merged
 * summary on stdout and writes the asked files. Shards that ran at the same time (the default) are
 * aligned on their wall-clock start; `--sequential` lays runs end to end (see `mergeResults`).
 *
 * @param o Validated options.
 * @param io The outside world.
 * @param tool Tool facts for the merged meta.
 * @returns 0, or 2 when an output file could not be written. Input errors are thrown.
 */
export async function mergeCommand(
  o: MergeCommandOptions,
  io: CliIo,
  tool: ToolInfo,
): Promise<number> {
  const inputs = [];
  for (const file of o.inputs) inputs.push({ file, result: await readResultFile(io, file) });
  const report = mergeResults(inputs, {
    mode: o.mode,
    tool: { name: "batchbench", version: tool.version },
  });
  io.out(formatReport(report, { color: !io.env("NO_COLOR") && io.stdoutIsTerminal }));
  return await writeReportFiles(report, o, io) ? 0 : 2;
}
