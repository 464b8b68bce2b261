import assert from "node:assert/strict";
import { parseGenerationRequest } from "../../lib/simulator/generation_request.ts";

Deno.test("parseGenerationRequest: stream flags, model echo and defaults", () => {
  const r = parseGenerationRequest("chat", {
    model: "llama",
    messages: [{ role: "user", content: "a  b\nc" }],
    stream: true,
    stream_options: { include_usage: true },
  }, 16);
  assert.deepEqual(r, {
    ok: true,
    request: {
      endpoint: "chat",
      model: "llama",
      stream: true,
      includeUsage: true,
      outputTokens: 16,
      finishReason: "stop",
      promptTokens: 3,
    },
  });
  const plain = parseGenerationRequest("completions", { prompt: "", max_tokens: 2 }, 16);
  assert.ok(plain.ok);
  assert.equal(plain.request.model, "simulator");
  assert.equal(plain.request.includeUsage, false);
  assert.equal(plain.request.promptTokens, 1);
  assert.equal(plain.request.finishReason, "length");
});

Deno.test("parseGenerationRequest: include_usage without stream is ignored, null max is unset", () => {
  const r = parseGenerationRequest("completions", {
    prompt: "x",
    max_tokens: null,
    max_new_tokens: 3,
    stream_options: { include_usage: true },
  }, 16);
  assert.ok(r.ok);
  assert.equal(r.request.includeUsage, false);
  assert.equal(r.request.outputTokens, 3);
});

Deno.test("parseGenerationRequest: invalid bodies name the parameter and value", () => {
  assert.deepEqual(parseGenerationRequest("chat", null, 16), {
    ok: false,
    message: "Cannot read request as the body must be a JSON object: current value is null",
    param: null,
  });
  const r = parseGenerationRequest("chat", { messages: "hi" }, 16);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.param, "messages");
  const long = parseGenerationRequest(
    "completions",
    { prompt: "x", max_tokens: "9".repeat(200) },
    1,
  );
  assert.ok(!long.ok);
  assert.match(long.message, /current value is "9{76}\.\.\.$/);
});
