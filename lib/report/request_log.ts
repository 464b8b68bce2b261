/**
 * The per-request log (`--log-requests`): JSON Lines written as each request ends, so a crash or a
 * second Ctrl-C loses nothing that was measured. Layout:
 *
 * 1. a header line `{"type":"header","format":"batchbench-request-log","version":1,"meta":{...},"slo":...}`
 *    (the run's redacted configuration and environment, and the goodput SLOs in ms);
 * 2. one line per request: a {@linkcode RequestRecord} with the same keys, times in ms rounded to the
 *    microsecond (the histograms' resolution);
 * 3. when the run ends normally or after a first Ctrl-C, an end line
 *    `{"type":"end","interrupted":false,"client_health":{...},"meta":{...}}` (the report's final
 *    `meta`, which may hold more than the header's, e.g. the load plan).
 *
 * Every line is written whole before the next request's, so the file is valid JSON Lines up to its last
 * complete line at any moment; only record lines lack a `type` key.
 *
 * @module
 */
import type { ClientHealth } from "../metrics/health.ts";
import type { Slo } from "../metrics/slo.ts";
import type { RequestRecord } from "../record.ts";

/** The `format` of a request log's header line. */
export const REQUEST_LOG_FORMAT = "batchbench-request-log";

/** The version of the request log's layout. */
export const REQUEST_LOG_VERSION = 1;

/** Where log lines go: a synchronous line writer (the CLI backs it with a file). */
export interface LineSink {
  /** Writes one line (without its newline) durably before returning. */
  writeLine(line: string): void;
  /** Closes the sink. */
  close(): void;
}

/** The first line of a request log. */
export interface RequestLogHeader {
  /** Always `"header"`. */
  type: "header";
  /** Always {@linkcode REQUEST_LOG_FORMAT}. */
  format: string;
  /** The layout's version ({@linkcode REQUEST_LOG_VERSION}). */
  version: number;
  /** The run's description (redacted configuration, environment), as in the result file's `meta`. */
  meta: Record<string, unknown>;
  /** Goodput SLOs in ms (`ttft_ms`, `tpot_ms`, `e2el_ms`, `itl_ms`), or null. */
  slo: Record<string, number> | null;
}

/** The last line of a complete request log. */
export interface RequestLogEnd {
  /** Always `"end"`. */
  type: "end";
  /** True when the run was interrupted (its report is partial). */
  interrupted: boolean;
  /** The client's health during the run, when measured. */
  client_health: ClientHealth | null;
  /** The report's final description of the run, when it differs from the header's. */
  meta?: Record<string, unknown>;
}

const MS_KEYS = [
  "intendedMs",
  "startMs",
  "endMs",
  "lastAttemptStartMs",
  "retryDelayMs",
  "ttftMs",
  "ttfatMs",
  "e2eMs",
] as const;

/**
 * Serialises one record as a log line: JSON with {@linkcode RequestRecord}'s keys, times rounded to µs.
 *
 * @example Usage
 * ```ts
 * import { recordToLogLine } from "./request_log.ts";
 * console.log(recordToLogLine({
 *   user: 0, iteration: 0, attempts: 1, outcome: "success", startMs: 1.23456789, endMs: 9,
 *   lastAttemptStartMs: 1.23456789, retryDelayMs: 0, itlMs: [2.0000004], e2eMs: 7.76543211,
 *   outputTokens: 2, outputTokensSource: "usage", ttftMs: 5,
 * }));
 * // {"user":0,"iteration":0,"attempts":1,"outcome":"success","startMs":1.235,"endMs":9,"lastAttemptStartMs":1.235,"retryDelayMs":0,"itlMs":[2],"e2eMs":7.765,"outputTokens":2,"outputTokensSource":"usage","ttftMs":5}
 * ```
 *
 * @param record The record.
 * @returns One line of JSON, without a newline.
 */
export function recordToLogLine(record: RequestRecord): string {
  const rounded: Record<string, unknown> = { ...record, itlMs: record.itlMs.map(roundUs) };
  for (const key of MS_KEYS) {
    const value = record[key];
    if (typeof value === "number") rounded[key] = roundUs(value);
  }
  return JSON.stringify(rounded);
}

/**
 * Writes a request log: the header at once, a line per record, the end line when the run ends.
 *
 * @example Usage
 * ```ts
 * import { RequestLogWriter } from "./request_log.ts";
 * const lines: string[] = [];
 * const log = new RequestLogWriter({ writeLine: (l) => lines.push(l), close() {} }, {
 *   meta: { model: "m" },
 *   slo: { ttftMs: 500 },
 * });
 * log.end({ interrupted: false, clientHealth: null });
 * console.log(lines);
 * // [
 * //   '{"type":"header","format":"batchbench-request-log","version":1,"meta":{"model":"m"},"slo":{"ttft_ms":500}}',
 * //   '{"type":"end","interrupted":false,"client_health":null}'
 * // ]
 * ```
 */
export class RequestLogWriter {
  #sink: LineSink;
  #closed = false;

  /**
   * Writes the header line.
   *
   * @param sink Where lines go.
   * @param header The run's description and SLOs.
   */
  constructor(
    sink: LineSink,
    header: { meta?: Record<string, unknown>; slo?: Slo } = {},
  ) {
    this.#sink = sink;
    const line: RequestLogHeader = {
      type: "header",
      format: REQUEST_LOG_FORMAT,
      version: REQUEST_LOG_VERSION,
      meta: header.meta ?? {},
      slo: header.slo ? sloWire(header.slo) : null,
    };
    sink.writeLine(JSON.stringify(line));
  }

  /** The `onRecord` callback for `runBenchmark`: appends one record's line. */
  readonly onRecord = (record: RequestRecord): void => {
    if (!this.#closed) this.#sink.writeLine(recordToLogLine(record));
  };

  /**
   * Writes the end line and closes the sink.
   *
   * @param info Whether the run was interrupted, the client's health, the report's final meta.
   */
  end(
    info: {
      interrupted: boolean;
      clientHealth: ClientHealth | null;
      meta?: Record<string, unknown>;
    },
  ): void {
    if (this.#closed) return;
    const line: RequestLogEnd = {
      type: "end",
      interrupted: info.interrupted,
      client_health: info.clientHealth,
      ...(info.meta ? { meta: info.meta } : {}),
    };
    this.#sink.writeLine(JSON.stringify(line));
    this.close();
  }

  /** Closes the sink without an end line (the run failed); idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink.close();
  }
}

function roundUs(ms: number): number {
  return Number.isFinite(ms) ? Math.round(ms * 1000) / 1000 : ms;
}

function sloWire(slo: Slo): Record<string, number> {
  const wire: Record<string, number> = {};
  if (slo.ttftMs !== undefined) wire.ttft_ms = slo.ttftMs;
  if (slo.tpotMs !== undefined) wire.tpot_ms = slo.tpotMs;
  if (slo.e2elMs !== undefined) wire.e2el_ms = slo.e2elMs;
  if (slo.itlMs !== undefined) wire.itl_ms = slo.itlMs;
  return wire;
}
