import assert from "node:assert/strict";
import {
  FailureExamples,
  failureOf,
  type FailureRecord,
} from "../../lib/metrics/failure_examples.ts";
import { makeFailure } from "./_fixtures.ts";

function failure(kind: FailureRecord["kind"], startMs: number, user = 0): FailureRecord {
  return { user, iteration: 0, kind, message: "m", attempts: 1, startMs };
}

Deno.test("failureOf: takes the last attempt's error, status and attempts", () => {
  const f = failureOf(makeFailure("http_429", {
    user: 3,
    iteration: 4,
    attempts: 5,
    startMs: 12,
    error: { kind: "http_429", message: "slow down" },
    status: 429,
  }));
  assert.deepEqual(f, {
    user: 3,
    iteration: 4,
    kind: "http_429",
    message: "slow down",
    status: 429,
    attempts: 5,
    startMs: 12,
  });
  const bare = failureOf(makeFailure("stream_truncated", { error: undefined, status: undefined }));
  assert.equal(bare.message, "stream_truncated");
  assert.equal("status" in bare, false);
});

Deno.test("FailureExamples: earliest per kind, ties broken by user; merge matches one set", () => {
  const all = new FailureExamples(3);
  const a = new FailureExamples(3);
  const b = new FailureExamples(3);
  const items = [
    failure("timeout", 5, 2),
    failure("timeout", 5, 1),
    failure("http_5xx", 9),
    failure("timeout", 1),
    failure("timeout", 7),
    failure("timeout", 6),
  ];
  items.forEach((f, i) => {
    all.add(f);
    (i % 2 ? a : b).add(f);
  });
  a.merge(b);
  const expected = [["timeout", 1, 0], ["timeout", 5, 1], ["timeout", 5, 2], ["http_5xx", 9, 0]];
  assert.deepEqual(all.list().map((f) => [f.kind, f.startMs, f.user]), expected);
  assert.deepEqual(a.list(), all.list());
});

Deno.test("FailureExamples: a limit of 0 keeps nothing", () => {
  const none = new FailureExamples(0);
  none.add(failure("timeout", 1));
  assert.deepEqual(none.list(), []);
});
