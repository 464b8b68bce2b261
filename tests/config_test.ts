import { assert, assertEquals, assertThrows } from "./_assert.ts";
import { BenchmarkConfig, RunMode } from "../lib/config.ts";
import { ConfigError } from "../lib/errors.ts";

const body = { model: "m", messages: [{ role: "user", content: "hi" }] };

Deno.test("tryNew validates the endpoint URL", () => {
  const e = assertThrows(
    () => BenchmarkConfig.tryNew("not a url", undefined, 1, RunMode.finite(1), body),
    ConfigError,
  );
  assertEquals(e.field, "endpoint");
  assertThrows(
    () => BenchmarkConfig.tryNew("ftp://h/x", undefined, 1, RunMode.finite(1), body),
    ConfigError,
    "http or https",
  );
});

Deno.test("tryNew rejects zero, negative and fractional numbers, naming the field", () => {
  for (const n of [0, -1, 1.5, NaN]) {
    const e = assertThrows(
      () => BenchmarkConfig.tryNew("http://h/v1", undefined, n, RunMode.finite(1), body),
      ConfigError,
    );
    assertEquals(e.field, "userCount");
    assert(e.message.includes(`current value is ${n}`), e.message);
  }
  assertThrows(() => RunMode.finite(0), ConfigError, "requestsPerUser");
  assertThrows(() => RunMode.longRunning(-5), ConfigError, "durationMs");
});

Deno.test("an API key becomes a Bearer header and a secret; none means no header", () => {
  const c = BenchmarkConfig.tryNew("http://h/v1", "sk-123", 2, RunMode.finite(1), body);
  assertEquals(c.headers["authorization"], "Bearer sk-123");
  assertEquals(c.secrets, ["sk-123"]);
  const anon = BenchmarkConfig.tryNew("http://h/v1", undefined, 2, RunMode.finite(1), body);
  assertEquals(anon.headers["authorization"], undefined);
  assertEquals(anon.secrets, []);
});

Deno.test("addHeader adds headers and treats credential headers as secrets", () => {
  const c = BenchmarkConfig.tryNew("http://h/v1", undefined, 1, RunMode.finite(1), body)
    .addHeader("X-Trace", "t1")
    .addHeader("api-key", "azure-secret");
  assertEquals(c.headers["x-trace"], "t1");
  assert(c.secrets.includes("azure-secret"));
  c.headers["x-api-key"] = "mutated-secret";
  assert(c.secrets.includes("mutated-secret"), "headers mutated directly are redacted too");
  assertThrows(() => c.addHeader("bad header", "v"), ConfigError, "header");
});

Deno.test("withRetry, withRequestTimeout, withPerUserBodies validate", () => {
  const c = BenchmarkConfig.tryNew("http://h/v1", undefined, 2, RunMode.finite(1), body)
    .withRetry(0, 0).withRequestTimeout(1500);
  assertEquals([c.maxRetries, c.retryDelayMs, c.requestTimeoutMs], [0, 0, 1500]);
  assertThrows(() => c.withRetry(-1, 10), ConfigError, "maxRetries");
  assertThrows(() => c.withRequestTimeout(0), ConfigError, "requestTimeoutMs");
  const e = assertThrows(() => c.withPerUserBodies([body]), ConfigError);
  assert(e.message.includes("2 users"), e.message);
  c.withPerUserBodies([{ a: 1 }, { a: 2 }]);
  assertEquals(c.bodyFor(1), { a: 2 });
});
