/**
 * Command lines of the commands that work on results: `report LOG`, `compare BASE NEW`, `merge A B ...`.
 * Pure: every problem is a {@linkcode ConfigError} that names the flag.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../errors.ts";
import type { Slo } from "../metrics/slo.ts";
import { parseThreshold, type Threshold } from "../report/compare.ts";
import type { MergeMode } from "../report/merge.ts";
import type { ReportFiles } from "./outputs.ts";
import { parseGoodput } from "./options.ts";

/** `batchbench report LOG [...]`: rebuild the summary and result files from a request log. */
export interface ReportCommandOptions extends ReportFiles {
  /** The request log (`--log-requests` of a run). */
  log: string;
  /** Goodput SLOs; default: the run's, from the log's header. */
  slo?: Slo;
  /** `--output-requests-csv`: the log as a per-request CSV. */
  outputRequestsCsv?: string;
}

/** `batchbench compare BASE NEW [--fail-on T ...]`. */
export interface CompareCommandOptions {
  /** The base result file. */
  base: string;
  /** The new result file. */
  next: string;
  /** Regression thresholds. */
  thresholds: Threshold[];
}

/** `batchbench merge A B ... [--sequential] [outputs]`. */
export interface MergeCommandOptions extends ReportFiles {
  /** The result files to merge, in order. */
  inputs: string[];
  /** How they relate in time. */
  mode: MergeMode;
}

/** A parsed results command. */
export type ResultsCommand =
  | { command: "help" }
  | { command: "report"; options: ReportCommandOptions }
  | { command: "compare"; options: CompareCommandOptions }
  | { command: "merge"; options: MergeCommandOptions };

const OUTPUT_FLAGS = {
  "output-json": { type: "string" },
  "output-csv": { type: "string" },
  "output-html": { type: "string" },
} as const;

/**
 * Parses the command line of `report`, `compare` and `merge`; returns undefined for any other command.
 *
 * @example Usage
 * ```ts
 * import { parseResultsCommand } from "./results_options.ts";
 * const cmd = parseResultsCommand(["compare", "a.json", "b.json", "--fail-on", "failed:+0"]);
 * if (cmd?.command === "compare") console.log(cmd.options.thresholds[0].metric); // failed
 * console.log(parseResultsCommand(["--jsonl", "p.jsonl"])); // undefined
 * ```
 *
 * @param argv Arguments after the program name.
 * @returns The command, or undefined when the first argument is not one of these commands.
 * @throws {ConfigError} Naming the flag at fault.
 */
export function parseResultsCommand(argv: readonly string[]): ResultsCommand | undefined {
  const [command, ...args] = argv;
  switch (command) {
    case "report": {
      const { values, positionals } = parse(args, {
        ...OUTPUT_FLAGS,
        "output-requests-csv": { type: "string" },
        goodput: { type: "string", multiple: true },
      });
      if (values.help) return { command: "help" };
      if (positionals.length !== 1) {
        throw new ConfigError(
          "report",
          "needs exactly one request log: report LOG",
          positionals,
          "rebuild the report",
        );
      }
      return {
        command: "report",
        options: {
          log: positionals[0],
          slo: parseGoodput(values.goodput as string[] | undefined),
          ...outputs(values),
          outputRequestsCsv: values["output-requests-csv"] as string | undefined,
        },
      };
    }
    case "compare": {
      const { values, positionals } = parse(args, {
        "fail-on": { type: "string", multiple: true },
      });
      if (values.help) return { command: "help" };
      if (positionals.length !== 2) {
        throw new ConfigError(
          "compare",
          "needs two result files: compare BASE.json NEW.json",
          positionals,
          "compare results",
        );
      }
      return {
        command: "compare",
        options: {
          base: positionals[0],
          next: positionals[1],
          thresholds: ((values["fail-on"] ?? []) as string[]).map(parseThreshold),
        },
      };
    }
    case "merge": {
      const { values, positionals } = parse(args, {
        ...OUTPUT_FLAGS,
        sequential: { type: "boolean", default: false },
      });
      if (values.help) return { command: "help" };
      if (positionals.length < 1) {
        throw new ConfigError(
          "merge",
          "needs result files: merge A.json B.json ...",
          positionals,
          "merge results",
        );
      }
      return {
        command: "merge",
        options: {
          inputs: positionals,
          mode: values.sequential ? "sequential" : "concurrent",
          ...outputs(values),
        },
      };
    }
    default:
      return undefined;
  }
}

type Values = Record<string, string | boolean | string[] | undefined>;

function outputs(values: Values): ReportFiles {
  return {
    outputJson: values["output-json"] as string | undefined,
    outputCsv: values["output-csv"] as string | undefined,
    outputHtml: values["output-html"] as string | undefined,
  };
}

function parse(
  args: string[],
  options: Record<string, unknown>,
): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h", default: false } } as never,
      strict: true,
      allowPositionals: true,
    });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (e) {
    const message = (e as Error).message;
    const flag = message.match(/'(--?[\w-]+)/)?.[1] ?? "arguments";
    throw new ConfigError(flag, `is not valid: ${message.replace(/\.\s*To specify.*$/s, "")}`);
  }
}
