/** Shared test helpers for tests/metrics and tests/report (not a test file). */

import type { OutcomeKind, RequestRecord } from "../../lib/record.ts";

import { seededRandom } from "../../lib/random.ts";
export { seededRandom };

/** A successful record with sensible defaults; override any field. */
export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    user: 0,
    iteration: 0,
    attempts: 1,
    outcome: "success",
    startMs: 0,
    endMs: 100,
    lastAttemptStartMs: 0,
    retryDelayMs: 0,
    ttftMs: 10,
    itlMs: [30, 30, 30],
    e2eMs: 100,
    promptTokens: 5,
    outputTokens: 4,
    outputTokensSource: "usage",
    ...overrides,
  };
}

/** A failed record of the given kind. */
export function makeFailure(
  kind: Exclude<OutcomeKind, "success">,
  overrides: Partial<RequestRecord> = {},
): RequestRecord {
  const { ttftMs: _t, promptTokens: _p, ...base } = makeRecord();
  return {
    ...base,
    outcome: kind,
    itlMs: [],
    outputTokens: 0,
    error: kind === "cancelled" ? undefined : { kind, message: `${kind} happened`, status: 500 },
    ...overrides,
  };
}

/** Random records of every kind, integer-millisecond timings, some open-loop. */
export function randomRecords(n: number, seed: number): RequestRecord[] {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const kinds: Exclude<OutcomeKind, "success">[] = ["timeout", "http_5xx", "http_429", "cancelled"];
  const out: RequestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const startMs = int(0, 10_000);
    const intendedMs = rnd() < 0.5 ? startMs - int(0, 50) : undefined;
    const common = { user: i % 7, iteration: Math.floor(i / 7), startMs, intendedMs };
    if (rnd() < 0.8) {
      const outputTokens = int(1, 40);
      const itlMs = Array.from({ length: outputTokens - 1 }, () => int(5, 80));
      const ttftMs = int(20, 2000);
      const e2eMs = ttftMs + itlMs.reduce((a, b) => a + b, 0);
      out.push(makeRecord({
        ...common,
        attempts: int(1, 3),
        ttftMs,
        ttfatMs: rnd() < 0.2 ? ttftMs + int(1, 100) : undefined,
        itlMs,
        e2eMs,
        endMs: startMs + e2eMs,
        outputTokens,
        promptTokens: rnd() < 0.9 ? int(1, 500) : undefined,
        outputTokensSource: rnd() < 0.7 ? "usage" : "chunks",
        requestedOutputTokens: rnd() < 0.5 ? int(1, 40) : undefined,
        warmup: rnd() < 0.05,
      }));
    } else {
      out.push(makeFailure(kinds[int(0, kinds.length - 1)], {
        ...common,
        endMs: startMs + int(1, 500),
        attempts: int(1, 3),
      }));
    }
  }
  return out;
}
