/**
 * Output-length control per server family: which request fields make a server produce exactly the
 * number of tokens asked for.
 *
 * @module
 */
import type { JsonBody } from "../config.ts";
import { ConfigError } from "../errors.ts";

/**
 * Server families (`--backend`). `default` is the seed's contract: `max_completion_tokens` +
 * `nvext.ignore_eos: true`.
 */
export type Backend =
  | "default"
  | "vllm"
  | "sglang"
  | "trtllm"
  | "dynamo"
  | "openai"
  | "tgi"
  | "llamacpp";

/** Every {@linkcode Backend}. */
export const BACKENDS: readonly Backend[] = [
  "default",
  "vllm",
  "sglang",
  "trtllm",
  "dynamo",
  "openai",
  "tgi",
  "llamacpp",
];

/**
 * The fields each backend gets for `n` output tokens, and whether it can force the length (servers
 * that cannot stop only early: the report then shows fewer tokens than asked).
 *
 * | backend  | fields                                                        | forced |
 * | -------- | ------------------------------------------------------------- | ------ |
 * | default  | `max_completion_tokens`, `nvext.ignore_eos`                   | yes    |
 * | dynamo   | `max_completion_tokens`, `nvext.ignore_eos` (same as default) | yes    |
 * | vllm     | `max_tokens`, `min_tokens`, `ignore_eos`                      | yes    |
 * | sglang   | `max_tokens`, `min_tokens`, `ignore_eos` (its OpenAI API maps them to `max_new_tokens`/`min_new_tokens`) | yes |
 * | trtllm   | `max_tokens`, `min_tokens`, `ignore_eos`                      | yes    |
 * | llamacpp | `max_tokens`, `n_predict`, `ignore_eos`                       | yes    |
 * | tgi      | `max_tokens` (its OpenAI API has no way to ignore EOS)        | no     |
 * | openai   | `max_completion_tokens` (chat) or `max_tokens` (completions)  | no     |
 */
export const BACKEND_FIELDS: Readonly<Record<Backend, { fields: string; forced: boolean }>> = {
  default: { fields: "max_completion_tokens, nvext.ignore_eos", forced: true },
  dynamo: { fields: "max_completion_tokens, nvext.ignore_eos", forced: true },
  vllm: { fields: "max_tokens, min_tokens, ignore_eos", forced: true },
  sglang: { fields: "max_tokens, min_tokens, ignore_eos", forced: true },
  trtllm: { fields: "max_tokens, min_tokens, ignore_eos", forced: true },
  llamacpp: { fields: "max_tokens, n_predict, ignore_eos", forced: true },
  tgi: { fields: "max_tokens", forced: false },
  openai: { fields: "max_completion_tokens (chat) / max_tokens (completions)", forced: false },
};

/**
 * Checks a backend name.
 *
 * @example Usage
 * ```ts
 * import { parseBackend } from "./backend.ts";
 * console.log(parseBackend("vllm", "--backend")); // vllm
 * ```
 *
 * @param name The name.
 * @param flag The flag to name in errors.
 * @returns The backend.
 * @throws {ConfigError} When the name is unknown.
 */
export function parseBackend(name: string, flag: string): Backend {
  if (!BACKENDS.includes(name as Backend)) {
    throw new ConfigError(flag, `must be one of ${BACKENDS.join(", ")}`, name);
  }
  return name as Backend;
}

/**
 * Sets the output-length fields of one backend on a body.
 *
 * @example Usage
 * ```ts
 * import { applyBackendOutputTokens } from "./backend.ts";
 * console.log(JSON.stringify(applyBackendOutputTokens({ model: "m" }, 8, "vllm")));
 * // {"model":"m","max_tokens":8,"min_tokens":8,"ignore_eos":true}
 * ```
 *
 * @param body The body (not modified).
 * @param tokens Output tokens to ask for.
 * @param backend The server family.
 * @param completions True for a legacy `/v1/completions` body (only changes `openai`).
 * @returns A new body.
 */
export function applyBackendOutputTokens(
  body: JsonBody,
  tokens: number,
  backend: Backend,
  completions = false,
): JsonBody {
  switch (backend) {
    case "default":
    case "dynamo": {
      const nvext = (body.nvext ?? {}) as Record<string, unknown>;
      return { ...body, max_completion_tokens: tokens, nvext: { ...nvext, ignore_eos: true } };
    }
    case "vllm":
    case "sglang":
    case "trtllm":
      return { ...body, max_tokens: tokens, min_tokens: tokens, ignore_eos: true };
    case "llamacpp":
      return { ...body, max_tokens: tokens, n_predict: tokens, ignore_eos: true };
    case "tgi":
      return { ...body, max_tokens: tokens };
    case "openai":
      return completions
        ? { ...body, max_tokens: tokens }
        : { ...body, max_completion_tokens: tokens };
  }
}
