/**
 * Reads a result file through the CLI's outside world.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { parseResultFile, type ResultJson } from "../report/result_file.ts";
import type { CliIo } from "./io.ts";

/**
 * Reads and checks a result file (`--output-json` of a run, `report` or `merge`).
 *
 * @param io The outside world.
 * @param path The file.
 * @returns The parsed result.
 * @throws {InputError} Naming the file when it cannot be read or is not a result file.
 */
export async function readResultFile(io: CliIo, path: string): Promise<ResultJson> {
  let text: string;
  try {
    text = await io.readText(path);
  } catch (e) {
    const why = (e as Error).name === "NotFound" ? "does not exist" : (e as Error).message;
    throw new InputError(path, 0, `cannot be read: ${why}`);
  }
  return parseResultFile(text, path);
}
