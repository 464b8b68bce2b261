/**
 * Deno adapter: opens the TCP and TLS sockets {@linkcode Http1Transport} runs on, with
 * `Deno.connect` / `Deno.connectTls` (Nagle off, TLS handshake done before the request so
 * certificate errors surface as connect errors).
 *
 * @module
 */

import { Http1Transport, type Http1TransportOptions } from "./http1.ts";
import type { ConnectTarget, Socket } from "./socket.ts";

/** TLS settings of {@linkcode denoConnector}. */
export interface DenoTlsOptions {
  /** Extra trusted CA certificates (PEM). */
  caCerts?: string[];
}

/**
 * A connector on Deno's sockets.
 *
 * @example Usage
 * ```ts
 * import { denoConnector } from "./deno_connect.ts";
 * const connect = denoConnector();
 * const error = await connect({ hostname: "127.0.0.1", port: 9, tls: false }).catch((e) => e);
 * console.log(error instanceof Error); // true
 * ```
 *
 * @param tls TLS settings.
 * @returns The connector.
 */
export function denoConnector(
  tls: DenoTlsOptions = {},
): (target: ConnectTarget) => Promise<Socket> {
  return async (target) => {
    if (!target.tls) {
      const conn = await Deno.connect({ hostname: target.hostname, port: target.port });
      conn.setNoDelay(true);
      return conn;
    }
    const conn = await Deno.connectTls({
      hostname: target.hostname,
      port: target.port,
      caCerts: tls.caCerts,
    });
    try {
      await conn.handshake();
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  };
}

/**
 * An {@linkcode Http1Transport} on Deno's sockets.
 *
 * @example Usage
 * ```ts
 * import { createDenoHttp1Transport } from "./deno_connect.ts";
 * const transport = createDenoHttp1Transport();
 * transport.close();
 * ```
 *
 * @param options Pool limits and TLS settings.
 * @returns The transport.
 */
export function createDenoHttp1Transport(
  options: Omit<Http1TransportOptions, "connect"> & DenoTlsOptions = {},
): Http1Transport {
  return new Http1Transport({ ...options, connect: denoConnector(options) });
}
