/**
 * The protocol every benchmark client follows, so the orchestrator (bench/run.ts) can read the OS's
 * CPU and memory figures of the client process around exactly the measured work:
 *
 * 1. parse `--url --users --requests --tokens --out` (requests per user, tokens per request);
 * 2. set up, print `READY`, wait for a line on stdin (the orchestrator samples /proc now);
 * 3. run, write the result JSON to `--out`, print `DONE`, wait for a line on stdin (sampled again),
 *    exit.
 *
 * Result file: `{ requests: [[user, k, startEpochMs, ttftMs, e2eMs, itl0, itl1, ...], ...], failures, lag,
 * wallMs, tokens }` where `user` is the `user` field the request sent, `k` its iteration and
 * `startEpochMs` when it was sent, as `performance.timeOrigin + performance.now()`.
 *
 * @module
 */

import type { LagSummary } from "./_lag_probe.ts";

/** Parsed client flags. */
export interface ClientArgs {
  /** Full endpoint URL. */
  url: string;
  /** Concurrent users. */
  users: number;
  /** Requests per user. */
  requests: number;
  /** Output tokens per request (`max_tokens`). */
  tokens: number;
  /** Where to write the result JSON. */
  out: string;
  /** Every flag, raw. */
  raw: Map<string, string>;
}

/** What a client reports. */
export interface ClientResult {
  /** `[user, k, startEpochMs, ttftMs, e2eMs, ...itlMs]` per successful request. */
  requests: (string | number)[][];
  /** Failed requests. */
  failures: number;
  /** Event-loop lag over the run. */
  lag: LagSummary;
  /** Wall time of the run, ms. */
  wallMs: number;
  /** Output tokens received. */
  tokens: number;
  /** Anything else worth printing. */
  extra?: Record<string, unknown>;
}

/**
 * Parses `--name value` pairs.
 *
 * @returns The flags.
 */
export function clientArgs(): ClientArgs {
  const raw = new Map<string, string>();
  for (let i = 0; i < Deno.args.length; i += 2) {
    raw.set(Deno.args[i].replace(/^--/, ""), Deno.args[i + 1]);
  }
  return {
    url: raw.get("url")!,
    users: Number(raw.get("users") ?? 64),
    requests: Number(raw.get("requests") ?? 1),
    tokens: Number(raw.get("tokens") ?? 50),
    out: raw.get("out")!,
    raw,
  };
}

const stdinLines = (async function* () {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of Deno.stdin.readable) {
    text += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = text.indexOf("\n")) >= 0) {
      yield text.slice(0, nl);
      text = text.slice(nl + 1);
    }
  }
})();

/**
 * Prints `word` and waits for the orchestrator's go-ahead line.
 *
 * @param word `READY` or `DONE`.
 */
export async function handshake(word: string): Promise<void> {
  await Deno.stdout.write(new TextEncoder().encode(word + "\n"));
  await stdinLines.next();
}

/**
 * The request body every client sends: chat, streamed, with usage, named by `user`.
 *
 * @param user The correlation id.
 * @param tokens Output tokens.
 * @returns The body.
 */
export function requestBody(user: string, tokens: number): Record<string, unknown> {
  return {
    model: "lean",
    messages: [{ role: "user", content: "Say something." }],
    max_tokens: tokens,
    stream: true,
    stream_options: { include_usage: true },
    user,
  };
}

/**
 * Writes the result, handshakes `DONE`, exits.
 *
 * @param out Result path.
 * @param result The result.
 */
export async function finish(out: string, result: ClientResult): Promise<never> {
  await Deno.writeTextFile(out, JSON.stringify(result));
  await handshake("DONE");
  Deno.exit(0);
}
