/**
 * Secret redaction. Every message that leaves the runner (errors, excerpts, reports) passes through a
 * {@linkcode Redactor} built from the run's secrets, so a key is never shown even when a server echoes it.
 *
 * @module
 */
import { isCredentialHeader } from "./config.ts";

/** The text that replaces a secret. */
export const REDACTED = "***";

/** Shortest start of a secret that is hidden when text was cut in the middle of the secret. */
const MIN_PARTIAL_CHARS = 4;

/**
 * Replaces every occurrence of the given secrets, and any `Bearer <token>` value, with `***`. A secret
 * is also found JSON-escaped or URL-encoded (as a server may echo it), and a text that was cut short in
 * the middle of a secret (an excerpt ending with its first characters, maybe followed by `…`) has that
 * start hidden too.
 *
 * @example Usage
 * ```ts
 * import { Redactor } from "./redact.ts";
 * const r = new Redactor(["sk-secret"]);
 * console.log(r.redact("bad key sk-secret")); // bad key ***
 * console.log(r.redact("Authorization: Bearer abc.def")); // Authorization: Bearer ***
 * console.log(r.redact("echo: sk-sec…")); // echo: ***…
 * ```
 */
export class Redactor {
  readonly #secrets: string[];
  readonly #originals: string[];

  /**
   * Creates a redactor.
   *
   * @param secrets Values to hide; empty strings are ignored.
   */
  constructor(secrets: readonly string[]) {
    this.#originals = [...new Set(secrets.filter((s) => s.length > 0))];
    const variants = this.#originals.flatMap((s) => [
      s,
      JSON.stringify(s).slice(1, -1),
      JSON.stringify(s).slice(1, -1).replaceAll("/", "\\/"),
      encodeURIComponent(s),
    ]);
    // Longest first, so a secret containing another is hidden whole.
    this.#secrets = [...new Set(variants)].sort((a, b) => b.length - a.length);
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
    out = out.replace(/(Bearer\s+)(?!\*\*\*)[^\s"',;]+/gi, `$1${REDACTED}`);
    return this.#cutSecret(out);
  }

  /** Hides the start of a secret at the very end of the text (before an optional ellipsis). */
  #cutSecret(text: string): string {
    const ellipsis = text.endsWith("…") ? "…" : "";
    const body = ellipsis ? text.slice(0, -1) : text;
    for (const s of this.#originals) {
      for (let n = Math.min(s.length - 1, body.length); n >= MIN_PARTIAL_CHARS; n--) {
        if (body.endsWith(s.slice(0, n))) {
          return body.slice(0, body.length - n) + REDACTED + ellipsis;
        }
      }
    }
    return text;
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

/**
 * Headers as shown in any verbose output: credential headers (`authorization`, `api-key`,
 * `x-api-key`, `cookie`, ...) keep only their scheme, e.g. `Bearer ***`.
 *
 * @example Usage
 * ```ts
 * import { redactHeaders } from "./redact.ts";
 * console.log(redactHeaders({ authorization: "Bearer sk-1", "x-api-key": "k", accept: "text/plain" }));
 * // { authorization: "Bearer ***", "x-api-key": "***", accept: "text/plain" }
 * ```
 *
 * @param headers Request headers.
 * @returns A copy with credential values hidden.
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isCredentialHeader(name)) out[name] = value;
    else {
      const scheme = value.match(/^(Bearer|Basic|Token)\s+/i)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    }
  }
  return out;
}
