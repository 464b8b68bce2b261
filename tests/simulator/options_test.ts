import assert from "node:assert/strict";
import { realClock } from "../../lib/clock.ts";
import { ConfigError } from "../../lib/errors.ts";
import { Simulator } from "../../lib/simulator/handler.ts";
import { resolveOptions } from "../../lib/simulator/options.ts";

Deno.test("resolveOptions fills in the documented defaults", () => {
  const fault = () => undefined;
  assert.deepEqual(resolveOptions({ fault }), {
    fault,
    ttftMs: 20,
    itlMs: 5,
    jitterMs: 0,
    outputTokens: 16,
    tokensPerEvent: 1,
    reasoningTokens: 0,
    maxLogged: 1000,
    seed: 0,
    clock: realClock,
  });
});

Deno.test("invalid options throw ConfigError naming the option and value", () => {
  assert.throws(() => new Simulator({ ttftMs: -1 }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.field, "ttftMs");
    assert.match(e.message, /current value is -1/);
    return true;
  });
  assert.throws(
    () => resolveOptions({ tokensPerEvent: 0 }),
    /'tokensPerEvent' must be a positive integer: current value is 0/,
  );
  assert.throws(() => resolveOptions({ outputTokens: 1.5 }), /'outputTokens'/);
  assert.throws(() => resolveOptions({ itlMs: NaN }), /'itlMs'/);
  assert.throws(() => resolveOptions({ jitterMs: Infinity }), /'jitterMs'/);
  assert.throws(() => resolveOptions({ maxLogged: -1 }), /'maxLogged'/);
});
