/**
 * Everything a CLI command may do to the outside world, injected. `cli.ts` provides the real
 * implementation on Deno; tests provide fakes. Command code in `lib/cli/` never touches `Deno.*`.
 *
 * @module
 */
import type { LineSink } from "../report/request_log.ts";
import type { RunningSimulator, ServeOptions } from "../simulator/serve.ts";
import type { Transport } from "../transport/types.ts";

/** Signals the CLI reacts to. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** TLS settings of a run's transport. */
export interface TlsSettings {
  /** Verify server certificates (false only with `--insecure`). */
  verifyTls: boolean;
  /** Extra trusted CA certificates (PEM texts), from `--ca-cert`. */
  caCerts: string[];
}

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
  /** The terminal's width in columns, when stderr is a terminal and it is known. */
  terminalColumns?: () => number | undefined;
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
  /**
   * Makes the transport for non-default TLS settings (`--ca-cert`, `--insecure`); absent when the
   * runtime cannot, and then those flags are refused.
   */
  createTransport?(tls: TlsSettings): Transport;
  /** Makes batchbench's HTTP/1.1 transport (`--transport http1`), trusting extra CAs (PEM). */
  createHttp1Transport?(caCerts: string[]): Transport;
  /** Runtime facts for result files. */
  runtime: { deno?: string; os?: string; cpus?: number };
}
