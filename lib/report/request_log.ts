/**
 * The per-request log: one JSON line per request, written as each request ends, so a crash or a
 * second Ctrl-C loses nothing that was measured (the file is valid up to its last complete line).
 *
 * @module
 */
import type { RequestRecord } from "../record.ts";

/** Where log lines go: a synchronous line writer (the CLI backs it with a file). */
export interface LineSink {
  /** Writes one line (without its newline) durably before returning. */
  writeLine(line: string): void;
  /** Closes the sink. */
  close(): void;
}

/**
 * Serialises one record as a log line (JSON, keys as in {@linkcode RequestRecord}).
 *
 * @example Usage
 * ```ts
 * import { recordToLogLine } from "./request_log.ts";
 * const line = recordToLogLine({
 *   user: 0, iteration: 0, attempts: 1, outcome: "success", startMs: 1, endMs: 9,
 *   lastAttemptStartMs: 1, retryDelayMs: 0, itlMs: [2], e2eMs: 8, outputTokens: 2,
 *   outputTokensSource: "usage", ttftMs: 5,
 * });
 * console.log(JSON.parse(line).outcome); // success
 * ```
 *
 * @param record The record.
 * @returns One line of JSON, without a newline.
 */
export function recordToLogLine(record: RequestRecord): string {
  return JSON.stringify(record);
}

/**
 * Returns an `onRecord` callback that appends every record to `sink`.
 *
 * @example Usage
 * ```ts
 * import { requestLogger } from "./request_log.ts";
 * const lines: string[] = [];
 * const log = requestLogger({ writeLine: (l) => lines.push(l), close() {} });
 * console.log(typeof log); // function
 * ```
 *
 * @param sink Where lines go.
 * @returns The callback for `runBenchmark`'s `onRecord`.
 */
export function requestLogger(sink: LineSink): (record: RequestRecord) => void {
  return (record) => sink.writeLine(recordToLogLine(record));
}
