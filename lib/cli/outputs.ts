/**
 * The files a command writes from a report (`--output-json`, `--output-csv`, `--output-html`) and the
 * per-request files written as requests end (`--log-requests`, `--output-requests-csv`).
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { Slo } from "../metrics/slo.ts";
import type { RequestRecord } from "../record.ts";
import {
  recordToCsvRow,
  reportToCsvRow,
  requestsCsvHeader,
  summaryCsvHeader,
} from "../report/csv.ts";
import { reportToHtml } from "../report/html.ts";
import { reportToJson } from "../report/json.ts";
import type { BenchmarkReport } from "../report/report.ts";
import { type LineSink, RequestLogWriter } from "../report/request_log.ts";
import type { CliIo } from "./io.ts";

/** Where a report goes; every path is optional. */
export interface ReportFiles {
  /** `--output-json`: the result file (`-` for stdout). */
  outputJson?: string;
  /** `--output-csv`: one summary row appended per run (header when the file is new or empty). */
  outputCsv?: string;
  /** `--output-html`: the self-contained HTML report. */
  outputHtml?: string;
}

/**
 * Writes the report's files. A file that cannot be written is reported on stderr (naming the flag and
 * the path) and does not stop the others.
 *
 * @param report The report.
 * @param files Where to write.
 * @param io The outside world.
 * @returns True when every file was written.
 */
export async function writeReportFiles(
  report: BenchmarkReport,
  files: ReportFiles,
  io: CliIo,
): Promise<boolean> {
  let ok = true;
  const attempt = async (flag: string, path: string | undefined, write: (p: string) => unknown) => {
    if (!path) return;
    try {
      await write(path);
    } catch (e) {
      ok = false;
      io.err(`error: cannot write ${flag} ${path}: ${(e as Error).message}\n`);
    }
  };
  await attempt("--output-json", files.outputJson, async (path) => {
    const text = JSON.stringify(reportToJson(report), null, 2) + "\n";
    if (path === "-") io.out(text);
    else await io.writeText(path, text);
  });
  await attempt("--output-csv", files.outputCsv, async (path) => {
    const existing = await readIfExists(io, path);
    const header = summaryCsvHeader();
    const firstLine = existing?.split("\n", 1)[0].replace(/\r$/, "");
    if (firstLine && firstLine !== header) {
      io.err(
        `warning: ${path} has other columns than this batchbench writes; appending anyway\n`,
      );
    }
    const needsNewline = existing !== undefined && existing.length > 0 && !existing.endsWith("\n");
    const head = firstLine ? (needsNewline ? "\n" : "") : `${header}\n`;
    await io.writeText(path, `${head}${reportToCsvRow(report)}\n`, { append: true });
  });
  await attempt(
    "--output-html",
    files.outputHtml,
    (path) => io.writeText(path, reportToHtml(report)),
  );
  return ok;
}

/** Per-request outputs, written as each request ends. */
export interface RecordSinks {
  /** The runner's `onRecord` callback, or undefined when no per-request output was asked for. */
  onRecord?: (record: RequestRecord) => void;
  /** Writes the log's end line and closes every file (pass no report when the run failed). */
  close(report?: BenchmarkReport): void;
}

/**
 * Opens the per-request files: the JSON Lines log (with its header) and the per-request CSV (with its
 * header). Both are written synchronously line by line, so they are complete up to the last request
 * that ended, whatever happens next.
 *
 * @param files `--log-requests` and `--output-requests-csv` paths.
 * @param header The run's description and SLOs, for the log's header line.
 * @param io The outside world.
 * @returns The sinks.
 * @throws {ConfigError} Naming the flag when a file cannot be opened (before any request is sent).
 */
export async function openRecordSinks(
  files: { logRequests?: string; outputRequestsCsv?: string },
  header: { meta?: Record<string, unknown>; slo?: Slo },
  io: CliIo,
): Promise<RecordSinks> {
  const log = files.logRequests
    ? new RequestLogWriter(await openSink(io, "--log-requests", files.logRequests), header)
    : undefined;
  let csv: LineSink | undefined;
  try {
    csv = files.outputRequestsCsv
      ? await openSink(io, "--output-requests-csv", files.outputRequestsCsv)
      : undefined;
  } catch (e) {
    log?.close();
    throw e;
  }
  csv?.writeLine(requestsCsvHeader());
  const sinks: ((r: RequestRecord) => void)[] = [];
  if (log) sinks.push(log.onRecord);
  if (csv) sinks.push((r) => csv.writeLine(recordToCsvRow(r)));
  return {
    onRecord: sinks.length === 0
      ? undefined
      : sinks.length === 1
      ? sinks[0]
      : (r) => sinks.forEach((sink) => sink(r)),
    close(report) {
      if (report) {
        log?.end({
          interrupted: report.interrupted,
          clientHealth: report.clientHealth,
          meta: report.meta,
        });
      } else log?.close();
      csv?.close();
    },
  };
}

/**
 * Opens a file for synchronous line writes, naming the flag when it cannot be.
 *
 * @param io The outside world.
 * @param flag The flag that named the file, for the message.
 * @param path The file.
 * @returns The sink.
 * @throws {ConfigError} Naming the flag and the path.
 */
export async function openSink(io: CliIo, flag: string, path: string): Promise<LineSink> {
  try {
    return await io.openLineSink(path);
  } catch (e) {
    throw new ConfigError(flag, `cannot be opened for writing (${(e as Error).message})`, path);
  }
}

async function readIfExists(io: CliIo, path: string): Promise<string | undefined> {
  try {
    return await io.readText(path);
  } catch (e) {
    if ((e as Error).name === "NotFound") return undefined;
    throw e;
  }
}
