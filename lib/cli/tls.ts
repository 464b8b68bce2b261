/**
 * `--ca-cert` and `--insecure`: the run's transport when TLS settings differ from the default
 * (verify every certificate against the system's roots).
 *
 * @module
 */
import { ConfigError, InputError } from "../errors.ts";
import type { Transport } from "../transport/types.ts";
import type { CliIo } from "./io.ts";

/** The TLS flags. */
export interface TlsFlags {
  /** `--insecure`: accept any certificate. */
  insecure: boolean;
  /** `--ca-cert FILE`: also trust this CA (PEM). */
  caCert?: string;
}

/** The warning printed on stderr for `--insecure`. */
export const INSECURE_WARNING =
  "warning: --insecure: TLS certificates are NOT verified; anyone on the network path can read " +
  "the API key and the answers. Prefer --ca-cert FILE for a private CA.\n";

/**
 * Builds the transport for the TLS flags, or returns undefined for the default. Reads and checks the
 * CA file (an input error names it), and warns on stderr for `--insecure`.
 *
 * @example Usage
 * ```ts
 * import { tlsTransport } from "./tls.ts";
 * import type { CliIo } from "./io.ts";
 * console.log(await tlsTransport({ insecure: false }, {} as CliIo)); // undefined
 * ```
 *
 * @param flags The TLS flags.
 * @param io The outside world (reads the file, makes the transport).
 * @returns The transport, or undefined when the defaults apply.
 * @throws {InputError} When the CA file cannot be read or holds no PEM certificate.
 * @throws {ConfigError} When the runtime cannot make such a transport.
 */
export async function tlsTransport(flags: TlsFlags, io: CliIo): Promise<Transport | undefined> {
  if (!flags.insecure && flags.caCert === undefined) return undefined;
  const flag = flags.insecure ? "--insecure" : "--ca-cert";
  if (!io.createTransport) throw new ConfigError(flag, "is not supported on this runtime");
  const caCerts: string[] = [];
  if (flags.caCert !== undefined) {
    let pem: string;
    try {
      pem = await io.readText(flags.caCert);
    } catch (e) {
      const why = (e as Error).name === "NotFound" ? "does not exist" : (e as Error).message;
      throw new InputError(flags.caCert, 0, `cannot be read (--ca-cert): ${why}`);
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new InputError(flags.caCert, 0, "holds no PEM certificate (--ca-cert)");
    }
    caCerts.push(pem);
  }
  if (flags.insecure) io.err(INSECURE_WARNING);
  return io.createTransport({ verifyTls: !flags.insecure, caCerts });
}
