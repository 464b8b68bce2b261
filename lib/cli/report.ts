/**
 * The `report` command: rebuilds a run's summary and result files from its request log
 * (`--log-requests`), with the same figures as the run's own report.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { Aggregator } from "../metrics/aggregate.ts";
import { formatReport } from "../report/console.ts";
import { recordToCsvRow, requestsCsvHeader } from "../report/csv.ts";
import { buildReport } from "../report/report.ts";
import type { LineSink } from "../report/request_log.ts";
import { headerSlo, readRequestLog } from "../report/request_log_read.ts";
import type { CliIo } from "./io.ts";
import { openSink, writeReportFiles } from "./outputs.ts";
import type { ReportCommandOptions } from "./results_options.ts";

/**
 * Runs `batchbench report LOG`: every record of the log goes through the same aggregation as during
 * the run (goodput against the run's SLOs from the log's header unless `--goodput` is given); the
 * summary goes to stdout and the asked files are written. A log without an end line (the run was
 * killed) is reported as interrupted.
 *
 * @param o Validated options.
 * @param io The outside world.
 * @returns The exit code: 0, or 2 when an output file could not be written. Input errors are thrown.
 */
export async function reportCommand(o: ReportCommandOptions, io: CliIo): Promise<number> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = await io.openRead(o.log);
  } catch (e) {
    const why = (e as Error).name === "NotFound" ? "does not exist" : (e as Error).message;
    throw new InputError(o.log, 0, `cannot be read (report LOG): ${why}`);
  }
  let csv: LineSink | undefined;
  if (o.outputRequestsCsv) {
    csv = await openSink(io, "--output-requests-csv", o.outputRequestsCsv);
    csv.writeLine(requestsCsvHeader());
  }
  let agg: Aggregator | undefined;
  const aggregator = (slo = o.slo) => agg ??= new Aggregator({ slo });
  let summary;
  try {
    summary = await readRequestLog(stream, o.log, (record) => {
      aggregator().add(record);
      csv?.writeLine(recordToCsvRow(record));
    }, (header) => aggregator(o.slo ?? headerSlo(header)));
  } finally {
    csv?.close();
  }
  if (summary.truncatedLastLine) {
    io.err(`warning: ${o.log}: the last line was cut short (the run was killed); skipped\n`);
  }
  if (!summary.end) {
    io.err(`warning: ${o.log}: no end line (the run did not finish); reported as interrupted\n`);
  }
  const report = buildReport(aggregator(), {
    interrupted: summary.end?.interrupted ?? true,
    clientHealth: summary.end?.client_health ?? undefined,
    meta: summary.end?.meta ?? summary.header?.meta ?? {},
  });
  io.out(formatReport(report, { color: !io.env("NO_COLOR") && io.stdoutIsTerminal }));
  return await writeReportFiles(report, o, io) ? 0 : 2;
}
