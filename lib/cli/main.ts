/**
 * The CLI's table of contents: parse the command line, run the command, map errors to exit codes.
 *
 * @module
 */
import { BatchbenchError, ConfigError } from "../errors.ts";
import { helpText } from "./help.ts";
import type { CliIo } from "./io.ts";
import { type Command, parseCommand } from "./options.ts";
import { demoCommand, runCommand, type ToolInfo } from "./run.ts";
import { simulateCommand } from "./simulate.ts";
import { compareCommand } from "./compare.ts";
import { mergeCommand } from "./merge.ts";
import { reportCommand } from "./report.ts";
import { parseResultsCommand, type ResultsCommand } from "./results_options.ts";
import { sweepCommand } from "./sweep.ts";

/**
 * Runs the CLI and returns its exit code. Bad flags or input: a message on stderr naming the flag or
 * file:line, and exit code 2, before any request is sent.
 *
 * @param argv Arguments after the program name.
 * @param io The outside world.
 * @param tool Tool facts (version).
 * @param defaultJsonl The demo's prompts.
 * @returns The exit code.
 */
export async function cliMain(
  argv: readonly string[],
  io: CliIo,
  tool: ToolInfo,
  defaultJsonl: string,
): Promise<number> {
  try {
    const command: Command | ResultsCommand = parseResultsCommand(argv) ??
      parseCommand(argv, io.env);
    switch (command.command) {
      case "help":
        io.out(helpText(tool.version));
        return 0;
      case "version":
        io.out(`batchbench ${tool.version}\n`);
        return 0;
      case "simulate":
        return await simulateCommand(command.sim, io);
      case "demo":
        return await demoCommand(command.options, command.sim, io, tool, defaultJsonl);
      case "run":
        return await runCommand(command.options, io, tool);
      case "report":
        return await reportCommand(command.options, io);
      case "compare":
        return await compareCommand(command.options, io);
      case "merge":
        return await mergeCommand(command.options, io, tool);
      case "sweep":
        return await sweepCommand(command.options, command.sweep, io, tool);
    }
  } catch (e) {
    if (!(e instanceof BatchbenchError)) throw e;
    io.err(`error: ${e.message}\n`);
    if (e instanceof ConfigError) io.err("Run 'batchbench --help' for the flags.\n");
    return 2;
  }
}
