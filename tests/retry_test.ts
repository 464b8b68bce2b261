import { assert, assertEquals } from "./_assert.ts";
import { backoffMs, isRetryable, retryAfterMs } from "../lib/retry.ts";
import type { AttemptError } from "../lib/record.ts";

const err = (kind: AttemptError["kind"], status?: number, message = ""): AttemptError => ({
  kind,
  status,
  message,
});

Deno.test("retries what may succeed again, never what will fail again", () => {
  const yes = [
    err("connect_error", undefined, "Connection refused"),
    err("timeout"),
    err("connection_reset"),
    err("incomplete_body"),
    err("http_429", 429),
    err("http_5xx", 503),
    err("http_4xx", 408),
    err("http_4xx", 409),
  ];
  for (const e of yes) assert(isRetryable({ error: e, gotOutput: false }), JSON.stringify(e));
  const no = [
    err("connect_error", undefined, "invalid peer certificate: UnknownIssuer"),
    err("http_4xx", 400),
    err("http_4xx", 401),
    err("http_4xx", 404),
    err("stream_error"),
    err("stream_truncated"),
    err("protocol_error"),
    err("empty_response"),
    err("response_too_large"),
    err("cancelled"),
  ];
  for (const e of no) assert(!isRetryable({ error: e, gotOutput: false }), JSON.stringify(e));
});

Deno.test("timeouts and resets after output arrived are not retried", () => {
  for (const kind of ["timeout", "connection_reset", "incomplete_body"] as const) {
    assert(!isRetryable({ error: err(kind), gotOutput: true }), kind);
  }
});

Deno.test("backoff doubles from the base, jitters within [half, full], and is capped", () => {
  assertEquals([1, 2, 3, 4].map((r) => backoffMs(r, 250, 1e9, () => 0.999999)).map(Math.round), [
    250,
    500,
    1000,
    2000,
  ]);
  assertEquals(backoffMs(2, 250, 1e9, () => 0), 250);
  assertEquals(backoffMs(20, 250, 3000, () => 0.999999) <= 3000, true);
  assertEquals(backoffMs(20, 250, 3000, () => 0), 1500);
});

Deno.test("Retry-After in seconds, milliseconds and HTTP dates; absurd and bad values", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const h = (o: Record<string, string>) => new Headers(o);
  assertEquals(retryAfterMs(h({ "retry-after": "3" }), now, 60_000), 3000);
  assertEquals(retryAfterMs(h({ "retry-after": "0.5" }), now, 60_000), 500);
  assertEquals(retryAfterMs(h({ "retry-after-ms": "20", "retry-after": "9" }), now, 60_000), 20);
  assertEquals(
    retryAfterMs(h({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }), now, 60_000),
    7000,
  );
  assertEquals(retryAfterMs(h({ "retry-after": "Wed, 31 Dec 2025 00:00:00 GMT" }), now, 60_000), 0);
  assertEquals(retryAfterMs(h({ "retry-after": "99999999" }), now, 60_000), 60_000);
  assertEquals(retryAfterMs(h({ "retry-after": "soon" }), now, 60_000), undefined);
  assertEquals(retryAfterMs(h({ "retry-after": "-3" }), now, 60_000), undefined);
  assertEquals(retryAfterMs(h({}), now, 60_000), undefined);
});
