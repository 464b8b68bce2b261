/**
 * The byte-stream connection {@linkcode Http1Transport} runs on, and how to open one. A Deno
 * `Deno.Conn` fits as it is (see ./deno_connect.ts); tests pass in-memory sockets.
 *
 * @module
 */

/** A connected byte stream. */
export interface Socket {
  /**
   * Reads into `p`.
   *
   * @param p Where to put the bytes.
   * @returns The number of bytes read, or null at the end of the stream.
   */
  read(p: Uint8Array): Promise<number | null>;
  /**
   * Writes some of `p`.
   *
   * @param p The bytes.
   * @returns How many were written (may be fewer than `p.length`).
   */
  write(p: Uint8Array): Promise<number>;
  /** Closes the stream; pending reads reject or resolve null. */
  close(): void;
}

/** Where to connect. */
export interface ConnectTarget {
  /** Host name or address. */
  hostname: string;
  /** TCP port. */
  port: number;
  /** Use TLS (https). */
  tls: boolean;
}

/**
 * Opens a connection. Rejects with an error whose message says what failed (e.g. "connection
 * refused", a TLS certificate error) so the runner can classify it.
 */
export type Connector = (target: ConnectTarget) => Promise<Socket>;
