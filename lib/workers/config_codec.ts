/**
 * {@linkcode BenchmarkConfig} as plain data (structured-clone and JSON safe), so a Web Worker can
 * rebuild it: the validated fields are copied as they are, headers go through `addHeader` again (so
 * credential headers stay secrets), and every other plain field (timeouts, retries, bodies, output
 * length, load shape, limits, and fields added later) is carried over generically. A `workload`
 * object cannot cross a thread boundary: it is left out (see `ShardedOptions.configSource`).
 *
 * @module
 */

import { BenchmarkConfig, type JsonBody, type RunMode } from "../config.ts";

/** The plain-data form of a {@linkcode BenchmarkConfig}. */
export interface EncodedConfig {
  /** The endpoint URL. */
  endpoint: string;
  /** Concurrent users. */
  userCount: number;
  /** The run mode. */
  mode: RunMode;
  /** The default body. */
  body: JsonBody;
  /** Request headers (credentials included: keep this inside the process). */
  headers: Record<string, string>;
  /** Every other own field of the config, by name. */
  fields: Record<string, unknown>;
}

const BUILT = new Set(["endpoint", "userCount", "mode", "body", "headers", "workload"]);

/**
 * Encodes a configuration (without its `workload`).
 *
 * @example Usage
 * ```ts
 * import { BenchmarkConfig, RunMode } from "../config.ts";
 * import { decodeConfig, encodeConfig } from "./config_codec.ts";
 * const config = BenchmarkConfig.tryNew("http://h/v1/completions", "sk-1", 4, RunMode.finite(2), {
 *   prompt: "hi",
 * }).withRetry(5, 10);
 * const copy = decodeConfig(structuredClone(encodeConfig(config)));
 * console.log(copy.userCount, copy.maxRetries, copy.secrets); // 4 5 [ "sk-1" ]
 * ```
 *
 * @param config The configuration.
 * @returns Its plain-data form.
 */
export function encodeConfig(config: BenchmarkConfig): EncodedConfig {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    if (!BUILT.has(name) && typeof value !== "function") fields[name] = value;
  }
  return {
    endpoint: config.endpoint.href,
    userCount: config.userCount,
    mode: config.mode,
    body: config.body,
    headers: { ...config.headers },
    fields,
  };
}

/**
 * Rebuilds a configuration from {@linkcode encodeConfig}'s output.
 *
 * @param encoded The plain-data form.
 * @returns The configuration.
 * @throws {ConfigError} When a value is invalid.
 */
export function decodeConfig(encoded: EncodedConfig): BenchmarkConfig {
  const config = BenchmarkConfig.tryNew(
    encoded.endpoint,
    undefined,
    encoded.userCount,
    encoded.mode,
    encoded.body,
  );
  for (const [name, value] of Object.entries(encoded.headers)) config.addHeader(name, value);
  Object.assign(config, encoded.fields);
  return config;
}
