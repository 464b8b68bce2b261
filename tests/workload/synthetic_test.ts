import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { ConfigError } from "../../lib/errors.ts";
import { seededRandom } from "../../lib/random.ts";
import { drawLength, parseLengthDist } from "../../lib/workload/lengths.ts";
import { syntheticPrompts } from "../../lib/workload/synthetic.ts";
import { loadTokenizer } from "../../lib/workload/tokenizer.ts";

Deno.test("synthetic prompts: every input length, measured by the tokenizer, is exactly the one drawn", async () => {
  const tokenizer = await loadTokenizer();
  for (const spec of ["64", "uniform:1,300", "normal:200,50", "lognormal:128,0.6"]) {
    const dist = parseLengthDist(spec, "--input-tokens");
    const prompts = syntheticPrompts({ count: 40, inputLengths: dist, seed: 9, tokenizer });
    const random = (i: number) => prompts[i].inputTokens;
    for (let i = 0; i < prompts.length; i++) {
      assertEquals(tokenizer.encode(prompts[i].text).length, random(i), `${spec} prompt ${i}`);
    }
    if (spec === "64") assert(prompts.every((p) => p.inputTokens === 64));
  }
});

Deno.test("shared prefix: the first round(ratio * n) tokens are common to every prompt", async () => {
  const tokenizer = await loadTokenizer();
  const prompts = syntheticPrompts({
    count: 10,
    inputLengths: { kind: "fixed", value: 100 },
    prefixRatio: 0.4,
    seed: 1,
    tokenizer,
  });
  const ids = prompts.map((p) => tokenizer.encode(p.text));
  for (const t of ids) assertEquals(t.slice(0, 40), ids[0].slice(0, 40));
  assert(ids.every((t) => t.length === 100));
  assert(ids[1][40] !== ids[0][40] || ids[2][40] !== ids[0][40], "the rest differs");
  assert(prompts.every((p) => p.prefixTokens === 40));
});

Deno.test("synthetic prompts and output lengths are reproducible from the seed", async () => {
  const tokenizer = await loadTokenizer();
  const make = (seed: number) =>
    syntheticPrompts({
      count: 5,
      inputLengths: { kind: "uniform", min: 10, max: 50 },
      outputLengths: { kind: "normal", mean: 30, stddev: 5 },
      seed,
      tokenizer,
    });
  assertEquals(make(4), make(4));
  assert(JSON.stringify(make(4)) !== JSON.stringify(make(5)));
});

Deno.test("length specs: parse, draw within bounds, and name the flag when malformed", () => {
  assertEquals(parseLengthDist("normal:512,64", "--x"), { kind: "normal", mean: 512, stddev: 64 });
  const r = seededRandom(2);
  for (let i = 0; i < 1000; i++) {
    const n = drawLength({ kind: "uniform", min: 3, max: 5 }, r);
    assert(n >= 3 && n <= 5 && Number.isInteger(n));
    assert(drawLength({ kind: "normal", mean: 2, stddev: 50 }, r) >= 1);
  }
  assertThrows(() => parseLengthDist("uniform:5", "--input-tokens"), ConfigError, "--input-tokens");
  assertThrows(() => parseLengthDist("uniform:9,3", "--input-tokens"), ConfigError, "min <= max");
  assertThrows(() => parseLengthDist("0", "--output-tokens"), ConfigError, "--output-tokens");
});
