import assert from "node:assert/strict";
import type { Fault } from "../../lib/simulator/fault.ts";
import type { GenerationRequest } from "../../lib/simulator/generation_request.ts";
import { streamPlan, type StreamStep } from "../../lib/simulator/stream_plan.ts";
import { eventTimes } from "../../lib/simulator/timing.ts";

function plan(fault?: Fault, overrides: Partial<GenerationRequest> = {}, take = 100): StreamStep[] {
  const request: GenerationRequest = {
    endpoint: "chat",
    model: "m",
    stream: true,
    includeUsage: false,
    outputTokens: 3,
    finishReason: "length",
    promptTokens: 1,
    ...overrides,
  };
  const identity = {
    endpoint: request.endpoint,
    id: "x",
    created: 0,
    model: "m",
    includeUsage: false,
    promptTokens: 1,
    reasoningTokens: 0,
  };
  const times = eventTimes(0, { ttftMs: 10, gapMs: 1, jitterMs: 0, random: () => 0 });
  const steps: StreamStep[] = [];
  for (
    const s of streamPlan({ request, identity, arrivalMs: 0, times, tokensPerEvent: 2, fault })
  ) {
    steps.push(s);
    if (steps.length >= take) break;
  }
  return steps;
}

const shape = (steps: StreamStep[]) =>
  steps.map((s) => "hold" in s ? "hold" : [s.atMs, s.tokenIndex ?? "-"]);

Deno.test("streamPlan: role at arrival, batched token events, closing events with the last", () => {
  assert.deepEqual(shape(plan()), [[0, "-"], [10, 0], [11, 2], [11, "-"], [11, "-"]]);
});

Deno.test("streamPlan: zero tokens still finish at the first-token time", () => {
  assert.deepEqual(shape(plan(undefined, { outputTokens: 0 })), [[0, "-"], [10, "-"], [10, "-"]]);
});

Deno.test("streamPlan: faults cut token events at exactly afterTokens", () => {
  assert.deepEqual(shape(plan({ kind: "stall", afterTokens: 1 })), [[0, "-"], [10, 0], "hold"]);
  assert.deepEqual(shape(plan({ kind: "truncate", afterTokens: 9 })), [[0, "-"], [10, 0], [11, 2]]);
  const malformed = plan({ kind: "malformed", afterTokens: 1 });
  assert.deepEqual(shape(malformed), [
    [0, "-"],
    [10, 0],
    [10, "-"],
    [11, 1],
    [11, "-"],
    [11, "-"],
  ]);
  assert.match(String((malformed[2] as { data: string }).data), /^data: \{"choices"/);
});

Deno.test("streamPlan: endless never finishes", () => {
  const steps = plan({ kind: "endless" }, {}, 50);
  assert.equal(steps.length, 50);
  assert.ok(steps.slice(1).every((s) => "tokenIndex" in s));
});
