import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock.ts";
import { type Fault, Simulator } from "../../lib/simulator/handler.ts";
import {
  type Chunk,
  dataLines,
  driveResponse,
  driveText,
  post,
  readFor,
  sseJson,
} from "./_helpers.ts";

const CHAT = "/v1/chat/completions";
const streamBody = {
  messages: [{ role: "user", content: "hi" }],
  max_tokens: 4,
  stream: true,
  stream_options: { include_usage: true },
};
const plainBody = { messages: [{ role: "user", content: "hi" }], max_tokens: 4 };

function withFault(fault: Fault) {
  const clock = new ManualClock(0);
  const sim = new Simulator({ clock, ttftMs: 10, itlMs: 5, fault: () => fault });
  return { clock, sim };
}

function contents(text: string): unknown[] {
  return sseJson(text).map((e) => {
    if (e === "[DONE]") return e;
    const obj = e as { choices?: { delta: { content?: string }; finish_reason: string }[] };
    const choice = obj.choices?.[0];
    if (!choice) return obj;
    return choice.finish_reason ?? choice.delta.content ?? "role";
  });
}

Deno.test("fault chooser sees the request number, path, body and headers", async () => {
  const seen: unknown[] = [];
  const sim = new Simulator({
    ttftMs: 0,
    itlMs: 0,
    fault: (n, info) => {
      seen.push([n, info.path, info.body, info.headers.get("authorization")]);
      return n === 1 ? { kind: "status", status: 503 } : undefined;
    },
  });
  const init = { headers: { authorization: "Bearer k" } };
  assert.equal((await sim.handler(post("/x/v1/completions", { prompt: "a" }, init))).status, 200);
  const second = await sim.handler(post("/x/v1/completions", { prompt: "b" }, init));
  assert.equal(second.status, 503);
  assert.deepEqual(await second.json(), {
    error: { message: "Simulated status 503", type: "simulated_error", param: null, code: 503 },
  });
  assert.deepEqual(seen, [
    [0, "/x/v1/completions", { prompt: "a" }, "Bearer k"],
    [1, "/x/v1/completions", { prompt: "b" }, "Bearer k"],
  ]);
});

Deno.test("status fault: 429 with Retry-After, 500 with an HTML body", async () => {
  const { sim } = withFault({ kind: "status", status: 429, headers: { "retry-after": "2" } });
  const limited = await sim.handler(post(CHAT, streamBody));
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "2");
  assert.equal((await limited.json()).error.code, 429);
  const html = "<html><body>Bad gateway</body></html>";
  const { sim: sim2 } = withFault({
    kind: "status",
    status: 502,
    body: html,
    contentType: "text/html",
  });
  const res = await sim2.handler(post(CHAT, streamBody));
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("content-type"), "text/html");
  assert.equal(await res.text(), html);
});

Deno.test("stall fault: N tokens, then nothing until the request is aborted", async () => {
  const { clock, sim } = withFault({ kind: "stall", afterTokens: 1 });
  const ac = new AbortController();
  const res = await sim.handler(post(CHAT, streamBody, { signal: ac.signal }));
  const reader = res.body!.getReader();
  const text = await readFor(clock, reader, 1000);
  assert.deepEqual(contents(text), ["role", "tok0 "]);
  assert.equal(clock.pending, 0);
  ac.abort(new Error("gave up"));
  await assert.rejects(reader.read(), /gave up/);
  assert.equal(sim.inFlight, 0);
});

Deno.test("stall fault on a non-streamed request: no answer until aborted, then 499", async () => {
  const { clock, sim } = withFault({ kind: "stall", afterTokens: 0 });
  const ac = new AbortController();
  let settled = false;
  const pending = sim.handler(post(CHAT, plainBody, { signal: ac.signal }));
  pending.then(() => settled = true);
  await clock.advance(1000);
  assert.equal(settled, false);
  ac.abort();
  assert.equal((await pending).status, 499);
});

Deno.test("endless fault: tokens keep coming past max_tokens until cancelled", async () => {
  const { clock, sim } = withFault({ kind: "endless" });
  const res = await sim.handler(post(CHAT, streamBody));
  const reader = res.body!.getReader();
  const text = await readFor(clock, reader, 100);
  const events = contents(text);
  assert.equal(events.length, 1 + 19); // role + tokens at 10, 15, ..., 100
  assert.equal(events.at(-1), "tok18 ");
  await reader.cancel();
  assert.equal(clock.pending, 0);
  assert.equal(sim.inFlight, 0);
});

Deno.test("truncate fault: body ends after N tokens, no finish_reason, no [DONE]", async () => {
  const { clock, sim } = withFault({ kind: "truncate", afterTokens: 2 });
  const text = await driveText(clock, await sim.handler(post(CHAT, streamBody)));
  assert.deepEqual(contents(text), ["role", "tok0 ", "tok1 "]);
  const plain = await driveResponse(clock, sim.handler(post(CHAT, plainBody)));
  assert.throws(() => JSON.parse(plain));
  assert.ok(plain.startsWith('{"id":"chatcmpl-sim-1"'));
});

Deno.test("error_event fault: an error object inside the 200 stream, then [DONE]", async () => {
  const { clock, sim } = withFault({ kind: "error_event", afterTokens: 1, message: "boom" });
  const res = await sim.handler(post(CHAT, streamBody));
  assert.equal(res.status, 200);
  const events = contents(await driveText(clock, res));
  assert.deepEqual(events, [
    "role",
    "tok0 ",
    { error: { message: "boom", type: "internal_error", param: null, code: 500 } },
    "[DONE]",
  ]);
  const plain = JSON.parse(await driveResponse(clock, sim.handler(post(CHAT, plainBody))));
  assert.equal(plain.error.message, "boom");
});

Deno.test("malformed fault: one invalid JSON data line after N tokens, then the rest", async () => {
  const { clock, sim } = withFault({ kind: "malformed", afterTokens: 1 });
  const lines = dataLines(await driveText(clock, await sim.handler(post(CHAT, streamBody))));
  assert.equal(lines.length, 1 + 1 + 1 + 3 + 1 + 1 + 1);
  assert.throws(() => JSON.parse(lines[2]));
  assert.equal(JSON.parse(lines[1]).choices[0].delta.content, "tok0 ");
  assert.equal(JSON.parse(lines[3]).choices[0].delta.content, "tok1 ");
  assert.equal(lines.at(-1), "[DONE]");
  const plain = await driveResponse(clock, sim.handler(post(CHAT, plainBody)));
  assert.throws(() => JSON.parse(plain));
});

Deno.test("huge_event fault: the first token event is exactly the given size", async () => {
  const { clock, sim } = withFault({ kind: "huge_event", bytes: 100_000 });
  const text = await driveText(clock, await sim.handler(post(CHAT, streamBody)));
  const events = text.split("\n\n").filter((e) => e).map((e) => `${e}\n\n`);
  assert.equal(new TextEncoder().encode(events[1]).length, 100_000);
  assert.ok(events[2].length < 1000);
  assert.equal(events.at(-1), "data: [DONE]\n\n");
  const plain = await driveResponse(clock, sim.handler(post(CHAT, plainBody)));
  assert.equal(new TextEncoder().encode(plain).length, 100_000);
  assert.equal(JSON.parse(plain).usage.completion_tokens, 4);
});

Deno.test("empty fault: a well-formed stream with no output", async () => {
  const { clock, sim } = withFault({ kind: "empty" });
  const events = sseJson(await driveText(clock, await sim.handler(post(CHAT, streamBody))));
  assert.deepEqual(events.map((e) => (e as { choices?: unknown[] }).choices?.length ?? e), [
    1,
    1,
    0,
    "[DONE]",
  ]);
  const [role, finish, usage] = events as Chunk[];
  assert.deepEqual(role.choices[0].delta, { role: "assistant" });
  assert.deepEqual(finish.choices[0].delta, {});
  assert.equal(finish.choices[0].finish_reason, "stop");
  assert.equal(usage.usage?.completion_tokens, 0);
  const plain = JSON.parse(await driveResponse(clock, sim.handler(post(CHAT, plainBody))));
  assert.equal(plain.choices[0].message.content, "");
  assert.equal(plain.usage.completion_tokens, 0);
});

Deno.test("json_for_stream fault: a streamed request gets a plain JSON completion", async () => {
  const { clock, sim } = withFault({ kind: "json_for_stream" });
  let contentType = "";
  const text = await driveResponse(
    clock,
    sim.handler(post(CHAT, streamBody)).then((r) => {
      contentType = r.headers.get("content-type") ?? "";
      return r;
    }),
  );
  assert.equal(contentType, "application/json");
  const json = JSON.parse(text);
  assert.equal(json.object, "chat.completion");
  assert.equal(json.choices[0].message.content, "tok0 tok1 tok2 tok3 ");
});

Deno.test("raw fault: exact chunks, boundaries and bytes, including invalid UTF-8", async () => {
  const chunks = ['data: {"cho', new Uint8Array([0xe2, 0x82]), new Uint8Array([0xff]), "\n\n"];
  const { clock, sim } = withFault({ kind: "raw", chunks });
  const res = await sim.handler(post(CHAT, streamBody));
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.getReader();
  const got: Uint8Array[] = [];
  const reading = (async () => {
    for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(r.value);
  })();
  for (let i = 0; i < 50; i++) await clock.advance(1);
  await reading;
  const expected = chunks.map((c) => typeof c === "string" ? new TextEncoder().encode(c) : c);
  assert.deepEqual(got, expected);
});

Deno.test("echo_auth fault: 401 whose error message contains the Authorization header", async () => {
  const { sim } = withFault({ kind: "echo_auth" });
  const res = await sim.handler(
    post(CHAT, plainBody, { headers: { authorization: "Bearer sk-secret-123" } }),
  );
  assert.equal(res.status, 401);
  const { error } = await res.json();
  assert.equal(error.message, "Incorrect API key provided: Bearer sk-secret-123");
  assert.equal(error.code, "invalid_api_key");
});
