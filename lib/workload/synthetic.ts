/**
 * Synthetic prompts of an exact length in tokens (measured with the bundled tokenizer), with lengths
 * drawn from a distribution, an optional shared prefix (prefix-cache studies) and drawn output
 * lengths; reproducible from a seed.
 *
 * Prompts are sequences of words that are each one token with a leading space (" the", " con"...):
 * the tokenizer's pre-tokenizer splits text at those spaces, so no merge crosses two words and a
 * prompt of n words is exactly n tokens. Every prompt is measured again after it is built.
 *
 * @module
 */
import { seededRandom } from "../random.ts";
import { drawLength, type LengthDist } from "./lengths.ts";
import type { Tokenizer } from "./tokenizer.ts";
import { mix } from "./workload.ts";

/** Options of {@linkcode syntheticPrompts}. */
export interface SyntheticOptions {
  /** Number of prompts. */
  count: number;
  /** Input length in tokens of each prompt. */
  inputLengths: LengthDist;
  /** Output length each prompt asks for, when set. */
  outputLengths?: LengthDist;
  /**
   * Fraction in [0, 1] of each prompt that is a prefix shared by every prompt (its first
   * `round(ratio * inputTokens)` tokens come from one common sequence).
   *
   * @default {0}
   */
  prefixRatio?: number;
  /** Seed of every draw. @default {0} */
  seed?: number;
  /** The tokenizer that measures the prompts. */
  tokenizer: Tokenizer;
}

/** One synthetic prompt. */
export interface SyntheticPrompt {
  /** The prompt text. */
  text: string;
  /** Its length in tokens, measured with the tokenizer. */
  inputTokens: number;
  /** How many of those tokens are the shared prefix. */
  prefixTokens: number;
  /** Output tokens it asks for, when output lengths were given. */
  outputTokens?: number;
}

const vocabularies = new WeakMap<Tokenizer, string[]>();

/**
 * The words that are one token with a leading space (three or more lower-case ASCII letters).
 *
 * @param tokenizer The tokenizer.
 * @returns The words, in token-id order (cached per tokenizer).
 */
export function singleTokenWords(tokenizer: Tokenizer): string[] {
  let words = vocabularies.get(tokenizer);
  if (words) return words;
  words = [];
  for (let id = 0; id < 200_000; id++) {
    let text: string;
    try {
      text = tokenizer.decode([id]);
    } catch {
      continue;
    }
    if (/^ [a-z]{3,}$/.test(text) && tokenizer.count(text) === 1) words.push(text);
  }
  if (words.length < 100) {
    throw new RangeError(
      `Cannot build synthetic prompts as ${tokenizer.name} has too few single-token words: current value is ${words.length}`,
    );
  }
  vocabularies.set(tokenizer, words);
  return words;
}

/**
 * Builds synthetic prompts whose lengths the tokenizer confirms exactly.
 *
 * @example Usage
 * ```ts
 * import { loadTokenizer } from "./tokenizer.ts";
 * import { syntheticPrompts } from "./synthetic.ts";
 * const tokenizer = await loadTokenizer();
 * const prompts = syntheticPrompts({
 *   count: 3, inputLengths: { kind: "uniform", min: 20, max: 40 }, prefixRatio: 0.5, tokenizer,
 * });
 * console.log(prompts.every((p) => tokenizer.count(p.text) === p.inputTokens)); // true
 * ```
 *
 * @param o Count, lengths, prefix ratio, seed and tokenizer.
 * @returns The prompts.
 * @throws {RangeError} When the ratio is outside [0, 1] or a prompt cannot be built exactly.
 */
export function syntheticPrompts(o: SyntheticOptions): SyntheticPrompt[] {
  const ratio = o.prefixRatio ?? 0;
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new RangeError(
      `Cannot build synthetic prompts as 'prefixRatio' must be in [0, 1]: current value is ${ratio}`,
    );
  }
  const seed = o.seed ?? 0;
  const words = singleTokenWords(o.tokenizer);
  const pick = (random: () => number) => words[Math.floor(random() * words.length)];
  const lengths = Array.from(
    { length: o.count },
    (_, i) => drawLength(o.inputLengths, seededRandom(mix(seed, 10, i))),
  );
  const prefixLen = (n: number) => Math.round(ratio * n);
  const longestPrefix = Math.max(0, ...lengths.map(prefixLen));
  const prefixRandom = seededRandom(mix(seed, 11, 0));
  const prefix = Array.from({ length: longestPrefix }, () => pick(prefixRandom));
  return lengths.map((n, i) => {
    const p = prefixLen(n);
    const random = seededRandom(mix(seed, 12, i));
    const parts = prefix.slice(0, p);
    while (parts.length < n) parts.push(pick(random));
    const text = parts.join("");
    const measured = o.tokenizer.count(text);
    if (measured !== n) {
      throw new RangeError(
        `Cannot build synthetic prompt ${i} as its length differs from the request: current value is ${measured}, expected ${n}`,
      );
    }
    const prompt: SyntheticPrompt = { text, inputTokens: n, prefixTokens: p };
    if (o.outputLengths) {
      prompt.outputTokens = drawLength(o.outputLengths, seededRandom(mix(seed, 13, i)));
    }
    return prompt;
  });
}

/** Summary statistics of a list of lengths. */
export interface LengthSummary {
  /** Number of values. */
  count: number;
  /** Smallest value. */
  min: number;
  /** Median (lower middle). */
  p50: number;
  /** 90th percentile (nearest rank). */
  p90: number;
  /** Mean. */
  mean: number;
  /** Largest value. */
  max: number;
}

/**
 * Summarises lengths (to show a workload before the run).
 *
 * @example Usage
 * ```ts
 * import { summarizeLengths } from "./synthetic.ts";
 * console.log(summarizeLengths([3, 1, 2])); // { count: 3, min: 1, p50: 2, p90: 3, mean: 2, max: 3 }
 * ```
 *
 * @param values The lengths (at least one).
 * @returns The summary.
 */
export function summarizeLengths(values: readonly number[]): LengthSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return {
    count: sorted.length,
    min: sorted[0],
    p50: rank(0.5),
    p90: rank(0.9),
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    max: sorted[sorted.length - 1],
  };
}

/**
 * One line describing a length summary: `min 10 p50 20 p90 28 mean 19.5 max 30`.
 *
 * @example Usage
 * ```ts
 * import { formatLengthSummary, summarizeLengths } from "./synthetic.ts";
 * console.log(formatLengthSummary(summarizeLengths([1, 2, 3]))); // min 1, p50 2, p90 3, mean 2.0, max 3
 * ```
 *
 * @param s The summary.
 * @returns The text.
 */
export function formatLengthSummary(s: LengthSummary): string {
  return `min ${s.min}, p50 ${s.p50}, p90 ${s.p90}, mean ${s.mean.toFixed(1)}, max ${s.max}`;
}
