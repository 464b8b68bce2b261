/**
 * Reads a result file (`--output-json`) back, for `compare` and `merge`.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { REPORT_SCHEMA_VERSION, RESULT_FORMAT } from "./json.ts";

/** A parsed result file: the JSON object {@linkcode reportToJson} wrote. */
export type ResultJson = Record<string, unknown>;

/**
 * Parses a result file's text and checks that it is a batchbench result of a version this code reads.
 *
 * @example Usage
 * ```ts
 * import { parseResultFile } from "./result_file.ts";
 * try {
 *   parseResultFile('{"completed": 3}', "old.json");
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // old.json: is not a batchbench result file ("format" is not "batchbench-result")
 * }
 * ```
 *
 * @param text The file's text.
 * @param file The file's name, for messages.
 * @returns The parsed result.
 * @throws {InputError} Naming the file and what is wrong.
 */
export function parseResultFile(text: string, file: string): ResultJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, 0, `is not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(file, 0, "is not a JSON object");
  }
  const json = value as ResultJson;
  if (json.format !== RESULT_FORMAT) {
    throw new InputError(
      file,
      0,
      `is not a batchbench result file ("format" is not "${RESULT_FORMAT}")`,
    );
  }
  if (json.schema_version !== REPORT_SCHEMA_VERSION) {
    throw new InputError(
      file,
      0,
      `has schema_version ${
        JSON.stringify(json.schema_version)
      }; this batchbench reads ${REPORT_SCHEMA_VERSION}`,
    );
  }
  return json;
}

/**
 * Looks a metric up in a result: a top-level key (`p99.9_ttft_ms` included), or a dotted path into an
 * object (`failures_by_kind.timeout`). Only numbers and null count.
 *
 * @example Usage
 * ```ts
 * import { resultMetric } from "./result_file.ts";
 * const r = { "p99.9_ttft_ms": 12, failures_by_kind: { timeout: 2 }, mean_tpot_ms: null, meta: {} };
 * console.log(resultMetric(r, "p99.9_ttft_ms"), resultMetric(r, "failures_by_kind.timeout")); // 12 2
 * console.log(resultMetric(r, "mean_tpot_ms"), resultMetric(r, "meta")); // null undefined
 * ```
 *
 * @param result The result.
 * @param name The metric's key or path.
 * @returns The number, null (n/a), or undefined when there is no such numeric metric.
 */
export function resultMetric(result: ResultJson, name: string): number | null | undefined {
  const pick = (v: unknown) => typeof v === "number" || v === null ? v : undefined;
  if (Object.hasOwn(result, name)) return pick(result[name]);
  let v: unknown = result;
  for (const part of name.split(".")) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return pick(v);
}
