// Handler-level faults from the simulator, run in-process on a manual clock: timeouts, stalls and
// Retry-After waits are exact, and the run must end exactly within its bound.
import { assert, assertEquals } from "../_assert.ts";
import type { Fault } from "../../lib/simulator/handler.ts";
import { assertInvariants, type CaseOptions, KEY, runSimulated } from "./_harness.ts";

function always(fault: Fault) {
  return { fault: () => fault };
}

async function simulated(fault: Fault | undefined, o: CaseOptions = {}, sim = {}) {
  const run = await runSimulated({ ...(fault ? always(fault) : {}), ...sim }, o);
  for (const req of run.simulator.received) {
    assertEquals(req.headers["authorization"], `Bearer ${KEY}`);
  }
  return run;
}

Deno.test("5xx (JSON error body): http_5xx with the server's message, retried", async () => {
  const run = await simulated(
    { kind: "status", status: 503, body: '{"error":{"message":"engine overloaded"}}' },
    { retries: 2, users: 2 },
  );
  assertInvariants(run, {
    serverReceived: run.simulator.requestCount,
    outcome: "http_5xx",
    attempts: 3,
    message: /^HTTP 503: engine overloaded$/,
  });
  assertEquals(run.records[0].status, 503);
  assert(run.text.includes("http_5xx"), run.text);
});

Deno.test("4xx: http_4xx, not retried, except 408 and 409", async () => {
  for (const [status, attempts] of [[400, 1], [404, 1], [422, 1], [408, 3], [409, 3]]) {
    const run = await simulated({ kind: "status", status }, { retries: 2 });
    assertInvariants(run, {
      serverReceived: run.simulator.requestCount,
      outcome: "http_4xx",
      attempts,
      message: new RegExp(`^HTTP ${status}: Simulated status ${status}`),
    });
  }
});

Deno.test("the key echoed back in a 401 body is redacted everywhere", async () => {
  const run = await simulated({ kind: "echo_auth" }, { retries: 2 });
  assertInvariants(run, {
    serverReceived: 1,
    outcome: "http_4xx",
    attempts: 1,
    message: /Incorrect API key provided: Bearer \*\*\*/,
  });
});

Deno.test("429 Retry-After: seconds, HTTP date, absurd, missing, garbage", async () => {
  const cases: [Record<string, string>, (ms: number) => boolean][] = [
    [{ "retry-after": "3" }, (ms) => ms === 3_000],
    [{ "retry-after-ms": "1500", "retry-after": "9" }, (ms) => ms === 1_500],
    [
      { "retry-after": new Date(Date.now() + 5_000).toUTCString() },
      (ms) => ms > 3_000 && ms <= 5_000,
    ],
    [{ "retry-after": new Date(Date.now() - 60_000).toUTCString() }, (ms) => ms === 0],
    [{ "retry-after": "99999999999" }, (ms) => ms === 7_000], // capped at maxRetryDelayMs
    [{ "retry-after": new Date(Date.now() + 86_400_000).toUTCString() }, (ms) => ms === 7_000],
    [{}, (ms) => ms >= 50 && ms <= 100], // the backoff: base 100, equal jitter
    [{ "retry-after": "soon" }, (ms) => ms >= 50 && ms <= 100],
    [{ "retry-after": "-5" }, (ms) => ms >= 50 && ms <= 100],
  ];
  for (const [headers, ok] of cases) {
    const run = await simulated(undefined, {
      retries: 1,
      retryDelayMs: 100,
      maxRetryDelayMs: 7_000,
    }, {
      fault: (n: number) => n === 0 ? { kind: "status", status: 429, headers } : undefined,
    });
    assertInvariants(run, { serverReceived: 2, outcome: "success", attempts: 2 });
    const waited = run.records[0].retryDelayMs;
    assert(ok(waited), `${JSON.stringify(headers)}: waited ${waited} ms`);
  }
});

Deno.test("429 on every attempt: http_429 after the retries", async () => {
  const run = await simulated(
    { kind: "status", status: 429, headers: { "retry-after": "1" } },
    { retries: 3 },
  );
  assertInvariants(run, { serverReceived: 4, outcome: "http_429", attempts: 4 });
  assertEquals(run.records[0].retryDelayMs, 3_000);
});

Deno.test("stall after one token: timeout at the deadline, not retried", async () => {
  const run = await simulated({ kind: "stall", afterTokens: 1 }, { timeoutMs: 800, retries: 2 });
  assertInvariants(run, { serverReceived: 1, outcome: "timeout", attempts: 1 });
  const [r] = run.records;
  assertEquals(r.endMs - r.startMs, 800);
  assert(/deadline/.test(r.error!.message), r.error!.message);
});

Deno.test("stall after one token with an idle timeout: fails after the idle gap, not the deadline", async () => {
  const run = await simulated({ kind: "stall", afterTokens: 1 }, {
    timeoutMs: 60_000,
    idleTimeoutMs: 250,
  }, { ttftMs: 10, itlMs: 10 });
  assertInvariants(run, { serverReceived: 1, outcome: "timeout", message: /no bytes for 250 ms/ });
  const [r] = run.records;
  // The role chunk at 0, the token at 10, then silence: the idle timeout fires at 10 + 250.
  assertEquals(r.endMs - r.startMs, 260);
});

Deno.test("an idle timeout does not cut a slow but steady stream", async () => {
  const run = await simulated(undefined, { idleTimeoutMs: 50 }, {
    ttftMs: 40,
    itlMs: 40,
    outputTokens: 20,
  });
  assertInvariants(run, { serverReceived: 1, outcome: "success" });
  assertEquals(run.records[0].e2eMs, 40 * 20);
});

Deno.test("stall before the headers (non-streamed): timeout, retried since nothing arrived", async () => {
  const run = await simulated({ kind: "stall", afterTokens: 0 }, {
    stream: false,
    timeoutMs: 300,
    retries: 2,
  });
  assertInvariants(run, { serverReceived: 3, outcome: "timeout", attempts: 3 });
  assert(/headers/.test(run.records[0].error!.message), run.records[0].error!.message);
});

Deno.test("endless stream: ends at the deadline as a timeout", async () => {
  const run = await simulated({ kind: "endless" }, { timeoutMs: 500 });
  assertInvariants(run, { serverReceived: 1, outcome: "timeout", attempts: 1 });
  assertEquals(run.records[0].endMs - run.records[0].startMs, 500);
});

Deno.test("endless stream with a small response cap: response_too_large", async () => {
  const run = await simulated({ kind: "endless" }, {
    timeoutMs: 60_000,
    limits: { maxResponseBytes: 20_000 },
  });
  assertInvariants(run, { serverReceived: 1, outcome: "response_too_large" });
});

Deno.test("huge event: response_too_large, not retried", async () => {
  const run = await simulated({ kind: "huge_event", bytes: 300_000 }, {
    retries: 2,
    limits: { maxEventBytes: 100_000 },
  });
  assertInvariants(run, { serverReceived: 1, outcome: "response_too_large", attempts: 1 });
});

Deno.test("in-band error event: stream_error with the server's message, not retried", async () => {
  const run = await simulated(
    { kind: "error_event", afterTokens: 2, message: "CUDA out of memory" },
    { retries: 2 },
  );
  assertInvariants(run, {
    serverReceived: 1,
    outcome: "stream_error",
    attempts: 1,
    message: /CUDA out of memory/,
  });
});

Deno.test("truncated stream (no finish reason, no [DONE]): stream_truncated", async () => {
  const run = await simulated({ kind: "truncate", afterTokens: 2 }, { retries: 2 });
  assertInvariants(run, { serverReceived: 1, outcome: "stream_truncated", attempts: 1 });
});

Deno.test("truncated non-streamed body: protocol_error", async () => {
  const run = await simulated({ kind: "truncate", afterTokens: 2 }, { stream: false });
  assertInvariants(run, { serverReceived: 1, outcome: "protocol_error" });
});

Deno.test("malformed JSON event: protocol_error", async () => {
  const run = await simulated({ kind: "malformed", afterTokens: 1 });
  assertInvariants(run, { serverReceived: 1, outcome: "protocol_error", message: /invalid JSON/ });
});

Deno.test("a well-formed answer without output: empty_response, streamed or not", async () => {
  for (const stream of [true, false]) {
    const run = await simulated({ kind: "empty" }, { stream, retries: 2 });
    assertInvariants(run, { serverReceived: 1, outcome: "empty_response", attempts: 1 });
  }
});

Deno.test("a non-streamed JSON answer to a streamed request: success, measured as one event", async () => {
  const run = await simulated({ kind: "json_for_stream" });
  assertInvariants(run, { serverReceived: 1, outcome: "success" });
  const [r] = run.records;
  assertEquals(r.outputTokens, 4);
  assertEquals(r.ttftMs, r.e2eMs);
});

Deno.test("mixed faults across many users: every invariant holds", async () => {
  const faults: (Fault | undefined)[] = [
    undefined,
    { kind: "status", status: 500 },
    { kind: "stall", afterTokens: 1 },
    { kind: "truncate", afterTokens: 1 },
    { kind: "error_event", afterTokens: 1 },
    { kind: "echo_auth" },
    { kind: "empty" },
    { kind: "status", status: 429, headers: { "retry-after": "1" } },
  ];
  const run = await simulated(undefined, {
    users: 8,
    requestsPerUser: 3,
    retries: 1,
    timeoutMs: 500,
  }, { fault: (n: number) => faults[n % faults.length] });
  assertInvariants(run, { serverReceived: run.simulator.requestCount });
  assert(run.report.successfulRequests > 0 && run.report.failedRequests > 0);
});

Deno.test("interrupted: in-flight requests get the grace, then are cancelled; the rest never start", async () => {
  const stop = new AbortController();
  const run = await simulated(undefined, {
    users: 3,
    requestsPerUser: 4,
    run: { signal: stop.signal, graceMs: 200 },
  }, {
    ttftMs: 5,
    itlMs: 100,
    outputTokens: 50, // 5 s streams
    onTokenWritten: (n: number) => n === 2 && stop.abort(),
  });
  assertInvariants(run, { serverReceived: 3 });
  assertEquals(run.report.interrupted, true);
  assertEquals(run.report.successfulRequests + run.report.failedRequests, 0);
  const sent = run.records.filter((r) => r.attempts > 0);
  assertEquals(sent.length, 3);
  for (const r of sent) {
    assertEquals(r.outcome, "cancelled");
    assertEquals(r.endMs, 5 + 200, "cancelled when the grace ran out");
  }
});
