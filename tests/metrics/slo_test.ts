import assert from "node:assert/strict";
import { hasSlo, meetsSlo, validateSlo } from "../../lib/metrics/slo.ts";
import { ConfigError } from "../../lib/errors.ts";
import { makeFailure, makeRecord } from "./_fixtures.ts";

Deno.test("meetsSlo: every set objective must hold, limits inclusive", () => {
  const r = makeRecord({ ttftMs: 100, e2eMs: 1_000, outputTokens: 10, itlMs: [50, 120] });
  // tpot = (1000 - 100) / 9 = 100
  assert.equal(meetsSlo(r, {}), true);
  assert.equal(meetsSlo(r, { ttftMs: 100, tpotMs: 100, e2elMs: 1_000, itlMs: 120 }), true);
  assert.equal(meetsSlo(r, { ttftMs: 99.9 }), false);
  assert.equal(meetsSlo(r, { tpotMs: 99.9 }), false);
  assert.equal(meetsSlo(r, { e2elMs: 999 }), false);
  assert.equal(meetsSlo(r, { itlMs: 119 }), false);
});

Deno.test("meetsSlo: failures never meet; missing TTFT fails; <2 tokens passes TPOT", () => {
  assert.equal(meetsSlo(makeFailure("timeout", { ttftMs: 1, e2eMs: 1 }), { e2elMs: 10 }), false);
  assert.equal(meetsSlo(makeRecord({ ttftMs: undefined }), { ttftMs: 1e9 }), false);
  const oneToken = makeRecord({ outputTokens: 1, ttftMs: 10, e2eMs: 5_000, itlMs: [] });
  assert.equal(meetsSlo(oneToken, { tpotMs: 1 }), true);
  assert.equal(meetsSlo(oneToken, { itlMs: 1 }), true);
});

Deno.test("validateSlo and hasSlo", () => {
  validateSlo({ ttftMs: 0.5, e2elMs: 10 });
  for (const value of [0, -1, NaN, Infinity]) {
    assert.throws(() => validateSlo({ itlMs: value }), ConfigError);
  }
  assert.throws(() => validateSlo({ e2elMs: "5" as unknown as number }), {
    message: /'slo\.e2elMs'.*"5"/,
  });
  assert.equal(hasSlo(undefined), false);
  assert.equal(hasSlo({}), false);
  assert.equal(hasSlo({ tpotMs: 5 }), true);
});
