/**
 * Typed errors. Every error batchbench throws carries a stable `code` so callers (and the CLI's exit
 * codes) never have to match on message text. Messages follow one voice: what failed, then the current
 * value.
 *
 * @module
 */

/** Stable machine-readable codes for {@linkcode BatchbenchError}. */
export type ErrorCode = "config" | "input";

/**
 * Base class of every error thrown by batchbench.
 *
 * @example Usage
 * ```ts
 * import { BatchbenchError } from "./errors.ts";
 * const err = new BatchbenchError("config", "Cannot start benchmark");
 * console.log(err.code); // "config"
 * ```
 */
export class BatchbenchError extends Error {
  /** Stable code of the error. */
  readonly code: ErrorCode;
  /**
   * Creates an error.
   *
   * @param code Stable code of the error.
   * @param message Human-readable message; never contains secrets.
   * @param options Standard error options (`cause`).
   */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BatchbenchError";
    this.code = code;
  }
}

/**
 * A configuration value is invalid. `field` names the flag (CLI) or option (library) at fault.
 *
 * @example Usage
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * const err = new ConfigError("users", "must be a positive integer", 0);
 * console.log(err.message);
 * // Cannot start benchmark as 'users' must be a positive integer: current value is 0
 * ```
 */
export class ConfigError extends BatchbenchError {
  /** The flag or option that is wrong, e.g. `users` or `--users`. */
  readonly field: string;
  /**
   * Creates a configuration error.
   *
   * @param field The flag or option that is wrong.
   * @param problem What is wrong, e.g. "must be a positive integer".
   * @param current The current value, shown in the message when given.
   * @param action What could not be done; default "start benchmark".
   */
  constructor(field: string, problem: string, current?: unknown, action = "start benchmark") {
    const shown = current === undefined ? "" : `: current value is ${showValue(current)}`;
    super("config", `Cannot ${action} as '${field}' ${problem}${shown}`);
    this.name = "ConfigError";
    this.field = field;
  }
}

/**
 * Input data (a JSONL file, a dataset) is wrong. The message names the file and line.
 *
 * @example Usage
 * ```ts
 * import { InputError } from "./errors.ts";
 * const err = new InputError("prompts.jsonl", 3, "is not valid JSON");
 * console.log(err.message); // prompts.jsonl:3: line is not valid JSON
 * ```
 */
export class InputError extends BatchbenchError {
  /** The file at fault. */
  readonly file: string;
  /** 1-based line number, or 0 when the problem concerns the whole file. */
  readonly line: number;
  /**
   * Creates an input error.
   *
   * @param file The file at fault.
   * @param line 1-based line number, or 0 for the whole file.
   * @param problem What is wrong.
   */
  constructor(file: string, line: number, problem: string, options?: ErrorOptions) {
    super("input", line > 0 ? `${file}:${line}: line ${problem}` : `${file}: ${problem}`, options);
    this.name = "InputError";
    this.file = file;
    this.line = line;
  }
}

function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
