/**
 * `--verbose`: what will be sent, shown before the run, with every credential hidden (the
 * `Authorization` header shows as `Bearer ***`).
 *
 * @module
 */
import type { BenchmarkConfig } from "../config.ts";
import { excerpt, redactHeaders, Redactor } from "../redact.ts";

const BODY_CHARS = 2000;

/**
 * Describes the request a run sends (the first user's body), curl-style, secrets redacted.
 *
 * @example Usage
 * ```ts
 * import { BenchmarkConfig, RunMode } from "../config.ts";
 * import { describeRequest } from "./verbose.ts";
 * const config = BenchmarkConfig.tryNew("http://127.0.0.1:8000/v1/completions", "sk-secret", 1,
 *   RunMode.finite(1), { model: "m", prompt: "hi" });
 * console.log(describeRequest(config).includes("> authorization: Bearer ***")); // true
 * ```
 *
 * @param config The run's configuration.
 * @returns Lines prefixed with `> `, ending with a newline.
 */
export function describeRequest(config: BenchmarkConfig): string {
  const redactor = new Redactor(config.secrets);
  const lines = [`POST ${config.endpoint.href}`];
  for (const [name, value] of Object.entries(redactHeaders(config.headers))) {
    lines.push(`${name}: ${redactor.redact(value)}`);
  }
  lines.push("", excerpt(redactor.redact(JSON.stringify(config.body)), BODY_CHARS));
  return lines.map((l) => `> ${l}`.trimEnd()).join("\n") + "\n";
}
