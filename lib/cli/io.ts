/**
 * Everything a CLI command may do to the outside world, injected. `cli.ts` provides the real
 * implementation on Deno; tests provide fakes. Command code in `lib/cli/` never touches `Deno.*`.
 *
 * @module
 */
import type { LineSink } from "../report/request_log.ts";
import type { RunningSimulator, ServeOptions } from "../simulator/serve.ts";

/** Signals the CLI reacts to. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** The outside world of a CLI command. */
export interface CliIo {
  /** Writes to stdout (the report, JSON when asked). */
  out(text: string): void;
  /** Writes to stderr (progress, warnings, errors). */
  err(text: string): void;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** True when stdout is a terminal. */
  stdoutIsTerminal: boolean;
  /** True when stderr is a terminal. */
  stderrIsTerminal: boolean;
  /** Opens a file (or a `file:`/`http(s):` URL) for streaming reads; rejects with the OS error. */
  openRead(path: string): Promise<ReadableStream<Uint8Array>>;
  /** Reads a whole text file. */
  readText(path: string): Promise<string>;
  /** Writes a whole text file. */
  writeText(path: string, text: string, options?: { append?: boolean }): Promise<void>;
  /** Opens a file for streaming writes (truncating it). */
  openWrite(path: string): Promise<WritableStream<Uint8Array>>;
  /** Opens a file for synchronous line writes (truncating it): each line is on disk when it returns. */
  openLineSink(path: string): Promise<LineSink>;
  /** Subscribes to SIGINT/SIGTERM; returns the unsubscribe function. */
  onSignal(handler: (signal: StopSignal) => void): () => void;
  /** Ends the process now (second Ctrl-C). */
  exit(code: number): never;
  /** Serves the built-in simulator (demo, simulate). */
  serveSimulator(options: ServeOptions): Promise<RunningSimulator>;
  /** Runtime facts for result files. */
  runtime: { deno?: string; os?: string; cpus?: number };
}
