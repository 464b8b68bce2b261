/**
 * Reads a per-request log back (`batchbench report LOG`), streamed line by line in constant memory,
 * every record checked with its file:line.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { readLines } from "../lines.ts";
import type { Slo } from "../metrics/slo.ts";
import { OUTCOME_KINDS, type OutcomeKind, type RequestRecord } from "../record.ts";
import {
  REQUEST_LOG_FORMAT,
  REQUEST_LOG_VERSION,
  type RequestLogEnd,
  type RequestLogHeader,
} from "./request_log.ts";

/** What {@linkcode readRequestLog} found beside the records. */
export interface RequestLogSummary {
  /** The header line, when the log has one. */
  header?: RequestLogHeader;
  /** The end line, when the run ended (normally or after a first Ctrl-C). */
  end?: RequestLogEnd;
  /** Records read. */
  records: number;
  /** True when the last line was cut short (the run was killed while writing it) and was skipped. */
  truncatedLastLine: boolean;
}

/**
 * Reads a request log, calling `onRecord` with every record in file order. Blank lines and a BOM are
 * fine; a last line cut short is skipped and reported. Anything else wrong throws an
 * {@linkcode InputError} naming `file:line`.
 *
 * @example Usage
 * ```ts
 * import { readRequestLog } from "./request_log_read.ts";
 * const text = '{"type":"header","format":"batchbench-request-log","version":1,"meta":{},"slo":null}\n' +
 *   '{"user":0,"iteration":0,"attempts":1,"outcome":"success","startMs":0,"endMs":9,' +
 *   '"lastAttemptStartMs":0,"retryDelayMs":0,"itlMs":[2],"e2eMs":9,"outputTokens":2,' +
 *   '"outputTokensSource":"usage","ttftMs":5}\n{"user":1,"iter';
 * const seen: string[] = [];
 * const summary = await readRequestLog(new Blob([text]).stream(), "run.jsonl", (r) => seen.push(r.outcome));
 * console.log(seen, summary.records, summary.truncatedLastLine); // [ "success" ] 1 true
 * ```
 *
 * @param stream The log's bytes.
 * @param file The file's name, for messages.
 * @param onRecord Called with every record.
 * @param onHeader Called with the header line, before any record.
 * @returns The header, the end line and counts.
 * @throws {InputError} Naming `file:line` and what is wrong.
 */
export async function readRequestLog(
  stream: ReadableStream<Uint8Array>,
  file: string,
  onRecord: (record: RequestRecord) => void,
  onHeader?: (header: RequestLogHeader) => void,
): Promise<RequestLogSummary> {
  const summary: RequestLogSummary = { records: 0, truncatedLastLine: false };
  for await (const { text, line, last } of readLines(stream, file, { tolerateCutEnd: true })) {
    const trimmed = text.trim();
    if (trimmed === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      if (last) {
        summary.truncatedLastLine = true;
        break;
      }
      throw new InputError(file, line, `is not valid JSON (${(e as Error).message})`);
    }
    if (!isObject(value)) throw new InputError(file, line, "is not a JSON object");
    if (summary.end) throw new InputError(file, line, "comes after the log's end line");
    if (value.type === "header") {
      if (summary.header || summary.records > 0) {
        throw new InputError(file, line, "is a header after the log's start (one log per run)");
      }
      summary.header = parseHeader(value, file, line);
      onHeader?.(summary.header);
    } else if (value.type === "end") {
      summary.end = parseEnd(value, file, line);
    } else if (value.type !== undefined) {
      throw new InputError(file, line, `has an unknown type: ${JSON.stringify(value.type)}`);
    } else {
      onRecord(parseLogRecord(value, file, line));
      summary.records++;
    }
  }
  return summary;
}

/**
 * The goodput SLOs of a log's header, in the library's form.
 *
 * @example Usage
 * ```ts
 * import { headerSlo } from "./request_log_read.ts";
 * console.log(headerSlo({ type: "header", format: "batchbench-request-log", version: 1, meta: {},
 *   slo: { ttft_ms: 500, e2el_ms: 9000 } })); // { ttftMs: 500, e2elMs: 9000 }
 * ```
 *
 * @param header The header, if any.
 * @returns The SLOs, or undefined when none were set.
 */
export function headerSlo(header: RequestLogHeader | undefined): Slo | undefined {
  const wire = header?.slo;
  if (!wire) return undefined;
  const slo: Slo = {};
  if (wire.ttft_ms !== undefined) slo.ttftMs = wire.ttft_ms;
  if (wire.tpot_ms !== undefined) slo.tpotMs = wire.tpot_ms;
  if (wire.e2el_ms !== undefined) slo.e2elMs = wire.e2el_ms;
  if (wire.itl_ms !== undefined) slo.itlMs = wire.itl_ms;
  return Object.keys(slo).length > 0 ? slo : undefined;
}

const TOKEN_SOURCES = ["usage", "tokenizer", "chunks"];

/**
 * Checks one parsed record line.
 *
 * @example Usage
 * ```ts
 * import { parseLogRecord } from "./request_log_read.ts";
 * try {
 *   parseLogRecord({ user: 0, outcome: "oops" }, "run.jsonl", 7);
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // run.jsonl:7: line has an invalid 'iteration': current value is undefined
 * }
 * ```
 *
 * @param v The parsed line.
 * @param file File name, for messages.
 * @param line Line number, for messages.
 * @returns The record.
 * @throws {InputError} Naming the first invalid field.
 */
export function parseLogRecord(
  v: Record<string, unknown>,
  file: string,
  line: number,
): RequestRecord {
  const bad = (key: string): never => {
    const shown = JSON.stringify(v[key]) ?? "undefined";
    throw new InputError(file, line, `has an invalid '${key}': current value is ${shown}`);
  };
  for (const key of ["user", "iteration", "attempts"]) {
    if (!Number.isSafeInteger(v[key]) || (v[key] as number) < 0) bad(key);
  }
  if (!OUTCOME_KINDS.includes(v.outcome as OutcomeKind)) bad("outcome");
  for (const key of ["startMs", "endMs", "lastAttemptStartMs", "retryDelayMs", "e2eMs"]) {
    if (!isFiniteNumber(v[key])) bad(key);
  }
  if ((v.endMs as number) < (v.startMs as number)) bad("endMs");
  for (const key of ["intendedMs", "ttftMs", "ttfatMs", "promptTokens", "requestedOutputTokens"]) {
    if (v[key] !== undefined && !isFiniteNumber(v[key])) bad(key);
  }
  if (!Array.isArray(v.itlMs) || !v.itlMs.every(isFiniteNumber)) bad("itlMs");
  if (!isFiniteNumber(v.outputTokens) || v.outputTokens < 0) bad("outputTokens");
  if (!TOKEN_SOURCES.includes(v.outputTokensSource as string)) bad("outputTokensSource");
  if (v.error !== undefined && !isObject(v.error)) bad("error");
  return v as unknown as RequestRecord;
}

function parseHeader(v: Record<string, unknown>, file: string, line: number): RequestLogHeader {
  if (v.format !== REQUEST_LOG_FORMAT) {
    throw new InputError(
      file,
      line,
      `is not a batchbench request log header: format is ${v.format}`,
    );
  }
  if (v.version !== REQUEST_LOG_VERSION) {
    throw new InputError(
      file,
      line,
      `has log version ${v.version}; this batchbench reads version ${REQUEST_LOG_VERSION}`,
    );
  }
  if (!isObject(v.meta)) throw new InputError(file, line, "has no 'meta' object");
  if (v.slo !== null && v.slo !== undefined) {
    if (!isObject(v.slo) || !Object.values(v.slo).every((x) => isFiniteNumber(x) && x > 0)) {
      throw new InputError(file, line, `has invalid 'slo': ${JSON.stringify(v.slo)}`);
    }
  }
  return { ...v, slo: v.slo ?? null } as unknown as RequestLogHeader;
}

function parseEnd(v: Record<string, unknown>, file: string, line: number): RequestLogEnd {
  if (typeof v.interrupted !== "boolean") {
    throw new InputError(file, line, `has invalid 'interrupted': ${JSON.stringify(v.interrupted)}`);
  }
  if (v.client_health !== null && v.client_health !== undefined && !isObject(v.client_health)) {
    throw new InputError(file, line, "has invalid 'client_health'");
  }
  if (v.meta !== undefined && !isObject(v.meta)) {
    throw new InputError(file, line, "has invalid 'meta'");
  }
  return { ...v, client_health: v.client_health ?? null } as unknown as RequestLogEnd;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}
