// Output-length control per server family, as the server receives it.
import { assert, assertEquals } from "../_assert.ts";
import { RunMode } from "../../lib/config.ts";
import { BACKENDS } from "../../lib/workload/backend.ts";
import { recordWorkload } from "../../lib/workload/workload.ts";
import { formatReport } from "../../lib/report/console.ts";
import { BODY, config, harness } from "../_manual_run.ts";

const EXPECTED: Record<string, Record<string, unknown>> = {
  default: { max_completion_tokens: 7, nvext: { ignore_eos: true } },
  dynamo: { max_completion_tokens: 7, nvext: { ignore_eos: true } },
  vllm: { max_tokens: 7, min_tokens: 7, ignore_eos: true },
  sglang: { max_tokens: 7, min_tokens: 7, ignore_eos: true },
  trtllm: { max_tokens: 7, min_tokens: 7, ignore_eos: true },
  llamacpp: { max_tokens: 7, n_predict: 7, ignore_eos: true },
  tgi: { max_tokens: 7 },
  openai: { max_completion_tokens: 7 },
};

Deno.test("each --backend sends the output-length fields that server honours", async () => {
  for (const backend of BACKENDS) {
    const h = harness({ ttftMs: 1, itlMs: 1 });
    const report = await h.run(
      config(1, RunMode.finite(1)).withWorkload(recordWorkload({
        records: [{ body: BODY }],
        outputLengths: { kind: "fixed", value: 7 },
        backend,
      })),
    );
    const { model: _m, messages: _x, stream: _s, stream_options: _o, ...fields } = h.sim.received[0]
      .body as Record<string, unknown>;
    assertEquals(fields, EXPECTED[backend], backend);
    assertEquals(report.outputLength.exact, 1, `${backend}: the simulator honours max tokens`);
  }
});

Deno.test("the report compares requested and delivered lengths and warns when they differ", async () => {
  // The simulator stops at its own default when a body sets no max field: simulate a server that
  // ignores the fields by asking for 7 without sending them.
  const h = harness({ ttftMs: 1, itlMs: 1, outputTokens: 3 });
  const report = await h.run(
    config(2, RunMode.finite(2)).withWorkload({
      next: () => ({ body: BODY, requestedOutputTokens: 7 }),
    }),
  );
  assertEquals(report.outputLength, {
    requests: 4,
    requestedTokens: 28,
    deliveredTokens: 12,
    exact: 0,
    fewer: 4,
    more: 0,
  });
  const text = formatReport(report);
  assert(text.includes("!!! Output length: 4 of 4 requests did not get the length"), text);
  assert(text.includes("12 of 28 tokens delivered"), text);
});
