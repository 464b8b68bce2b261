/**
 * The bundled tokenizer: OpenAI's `o200k_base` BPE (GPT-4o, o-series) from the npm package
 * `gpt-tokenizer`, loaded on first use so runs that do not need it do not pay for it.
 *
 * @module
 */

/** A tokenizer: text to token ids and back. */
export interface Tokenizer {
  /** Name placed in reports (`gpt-tokenizer/o200k_base`). */
  readonly name: string;
  /** Text to token ids. */
  encode(text: string): number[];
  /** Token ids to text. */
  decode(ids: readonly number[]): string;
  /** Number of tokens of a text. */
  count(text: string): number;
}

let loading: Promise<Tokenizer> | undefined;

/**
 * Loads the bundled tokenizer (once; later calls share it).
 *
 * @example Usage
 * ```ts
 * import { loadTokenizer } from "./tokenizer.ts";
 * const tok = await loadTokenizer();
 * console.log(tok.name, tok.count(" hello world")); // gpt-tokenizer/o200k_base 2
 * ```
 *
 * @returns The tokenizer.
 */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then((m) => ({
    name: "gpt-tokenizer/o200k_base",
    encode: (text: string) => m.encode(text),
    decode: (ids: readonly number[]) => m.decode(ids as number[]),
    count: (text: string) => m.encode(text).length,
  }));
  return loading;
}
