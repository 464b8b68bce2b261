/**
 * Secret redaction. Every message that leaves the runner (errors, excerpts, reports) passes through a
 * {@linkcode Redactor} built from the run's secrets, so a key is never shown even when a server echoes it.
 *
 * @module
 */

/** The text that replaces a secret. */
export const REDACTED = "***";

/**
 * Replaces every occurrence of the given secrets, and any `Bearer <token>` value, with `***`.
 *
 * @example Usage
 * ```ts
 * import { Redactor } from "./redact.ts";
 * const r = new Redactor(["sk-secret"]);
 * console.log(r.redact("bad key sk-secret")); // bad key ***
 * console.log(r.redact("Authorization: Bearer abc.def")); // Authorization: Bearer ***
 * ```
 */
export class Redactor {
  readonly #secrets: string[];

  /**
   * Creates a redactor.
   *
   * @param secrets Values to hide; empty strings are ignored.
   */
  constructor(secrets: readonly string[]) {
    // Longest first, so a secret containing another is hidden whole.
    this.#secrets = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) =>
      b.length - a.length
    );
  }

  /**
   * Returns `text` with every secret replaced.
   *
   * @param text Any text.
   * @returns The redacted text.
   */
  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    return out.replace(/(Bearer\s+)(?!\*\*\*)[^\s"',;]+/gi, `$1${REDACTED}`);
  }
}

/**
 * Cuts text to at most `max` characters (adding an ellipsis) and folds whitespace, for error excerpts.
 *
 * @example Usage
 * ```ts
 * import { excerpt } from "./redact.ts";
 * console.log(excerpt("a\n  b", 10)); // a b
 * console.log(excerpt("abcdef", 4)); // abc…
 * ```
 *
 * @param text Any text.
 * @param max Largest length of the result; default 300.
 * @returns The excerpt.
 */
export function excerpt(text: string, max = 300): string {
  const folded = text.replace(/\s+/g, " ").trim();
  return folded.length <= max ? folded : `${folded.slice(0, max - 1)}…`;
}
