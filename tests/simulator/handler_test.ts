import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock.ts";
import { Simulator, type SimulatorOptions } from "../../lib/simulator/handler.ts";
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
const COMPLETIONS = "/v1/completions";
const hello = [{ role: "user", content: "hello there" }];

function setup(options: SimulatorOptions = {}, start = 1000) {
  const clock = new ManualClock(start);
  const writes: [number, number, number][] = [];
  const sim = new Simulator({
    clock,
    onTokenWritten: (n, i, t) => writes.push([n, i, t]),
    ...options,
  });
  return { clock, sim, writes };
}

Deno.test("chat stream: role chunk, one chunk per token, finish, usage, [DONE]", async () => {
  const { clock, sim } = setup();
  const res = await sim.handler(post(CHAT, {
    model: "m1",
    messages: hello,
    max_tokens: 3,
    stream: true,
    stream_options: { include_usage: true },
  }));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const events = sseJson(await driveText(clock, res));
  assert.equal(events.length, 7);
  const [role, t0, t1, t2, finish, usage, done] = events as Record<string, unknown>[];
  const base = { id: "chatcmpl-sim-0", object: "chat.completion.chunk", model: "m1", usage: null };
  const created = role.created;
  assert.equal(typeof created, "number");
  const choice = (delta: unknown, finish_reason: string | null = null) => ({
    ...base,
    created,
    choices: [{ index: 0, delta, logprobs: null, finish_reason }],
  });
  assert.deepEqual(role, choice({ role: "assistant" }));
  assert.deepEqual(t0, choice({ content: "tok0 " }));
  assert.deepEqual(t1, choice({ content: "tok1 " }));
  assert.deepEqual(t2, choice({ content: "tok2 " }));
  assert.deepEqual(finish, choice({}, "length"));
  assert.deepEqual(usage, {
    ...base,
    created,
    choices: [],
    usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
  });
  assert.equal(done, "[DONE]");
});

Deno.test("completions stream: no role chunk, text fields, no usage chunk unless asked", async () => {
  const { clock, sim } = setup();
  const res = await sim.handler(post("/proxy/v1/completions", {
    prompt: "a b c",
    max_tokens: 2,
    stream: true,
  }));
  const events = sseJson(await driveText(clock, res)) as Record<string, unknown>[];
  const choices = events.slice(0, -1).map((e) => e.choices);
  assert.deepEqual(choices, [
    [{ index: 0, text: "tok0 ", logprobs: null, finish_reason: null }],
    [{ index: 0, text: "tok1 ", logprobs: null, finish_reason: null }],
    [{ index: 0, text: "", logprobs: null, finish_reason: "length" }],
  ]);
  assert.equal(events[0].object, "text_completion");
  assert.equal(events[0].id, "cmpl-sim-0");
  assert.equal("usage" in events[0], false);
  assert.equal(events.at(-1), "[DONE]");
});

Deno.test("onTokenWritten equals arrival + ttft + k * itl on the manual clock", async () => {
  const { clock, sim, writes } = setup({ ttftMs: 20, itlMs: 5 }, 1000);
  const res = await sim.handler(post(CHAT, { messages: hello, max_tokens: 4, stream: true }));
  await driveText(clock, res);
  assert.deepEqual(writes, [[0, 0, 1020], [0, 1, 1025], [0, 2, 1030], [0, 3, 1035]]);
});

Deno.test("events are written on schedule even when nobody reads yet", async () => {
  const { clock, sim, writes } = setup({ ttftMs: 10, itlMs: 2 }, 0);
  const res = await sim.handler(post(COMPLETIONS, { prompt: "x", max_tokens: 3, stream: true }));
  for (let i = 0; i < 30; i++) await clock.advance(1);
  assert.deepEqual(writes.map((w) => w[2]), [10, 12, 14]);
  assert.equal(dataLines(await res.text()).length, 5);
});

Deno.test("late timers do not accumulate: targets are absolute from arrival", async () => {
  const manual = new ManualClock(0);
  const lateClock = {
    now: () => manual.now(),
    sleep: (ms: number, signal?: AbortSignal) => manual.sleep(ms + 3, signal),
  };
  const writes: number[] = [];
  const sim = new Simulator({
    clock: lateClock,
    ttftMs: 20,
    itlMs: 5,
    onTokenWritten: (_n, _i, t) => writes.push(t),
  });
  const res = await sim.handler(post(COMPLETIONS, { prompt: "x", max_tokens: 4, stream: true }));
  await driveText(manual, res);
  assert.deepEqual(writes, [23, 28, 33, 38]);
});

Deno.test("tokensPerEvent batches tokens; events are k * itl apart; last event carries the rest", async () => {
  const { clock, sim, writes } = setup({ ttftMs: 20, itlMs: 5, tokensPerEvent: 3 }, 0);
  const res = await sim.handler(post(CHAT, { messages: hello, max_tokens: 7, stream: true }));
  const events = sseJson(await driveText(clock, res)) as { choices: { delta: unknown }[] }[];
  assert.deepEqual(events.slice(1, 4).map((e) => e.choices[0].delta), [
    { content: "tok0 tok1 tok2 " },
    { content: "tok3 tok4 tok5 " },
    { content: "tok6 " },
  ]);
  assert.deepEqual(writes, [[0, 0, 20], [0, 3, 35], [0, 6, 50]]);
});

Deno.test("default output length is outputTokens with finish_reason stop", async () => {
  const { clock, sim } = setup({ outputTokens: 5 });
  const res = await sim.handler(post(CHAT, { messages: hello, stream: true }));
  const events = sseJson(await driveText(clock, res)) as { choices: Record<string, unknown>[] }[];
  assert.equal(events.length, 1 + 5 + 1 + 1);
  assert.equal(events[6].choices[0].finish_reason, "stop");
});

Deno.test("max token fields: max_completion_tokens, then max_tokens, then max_new_tokens", async () => {
  const cases: [Record<string, unknown>, number][] = [
    [{ max_completion_tokens: 2, max_tokens: 3, max_new_tokens: 4 }, 2],
    [{ max_tokens: 3, max_new_tokens: 4 }, 3],
    [{ max_new_tokens: 4 }, 4],
    [{ max_tokens: 0 }, 0],
    [{ max_tokens: 2, min_tokens: 2, ignore_eos: true, nvext: { ignore_eos: true } }, 2],
  ];
  for (const [fields, expected] of cases) {
    const { clock, sim } = setup({ ttftMs: 1, itlMs: 1 });
    const json = JSON.parse(
      await driveResponse(clock, sim.handler(post(CHAT, { messages: hello, ...fields }))),
    );
    assert.equal(json.usage.completion_tokens, expected, JSON.stringify(fields));
    assert.equal(json.choices[0].message.content, "tok0 tok1 tok2 tok3 ".slice(0, 5 * expected));
    assert.equal(json.choices[0].finish_reason, "length");
  }
});

Deno.test("non-streamed chat answers once the last token is due, with usage", async () => {
  const { clock, sim, writes } = setup({ ttftMs: 20, itlMs: 5 }, 0);
  let settled = false;
  const pending = sim.handler(post(CHAT, { model: "m", messages: hello, max_tokens: 3 }));
  pending.then(() => settled = true);
  await clock.advance(29);
  assert.equal(settled, false);
  await clock.advance(1);
  const res = await pending;
  assert.equal(res.headers.get("content-type"), "application/json");
  const json = await res.json();
  assert.deepEqual(json, {
    id: "chatcmpl-sim-0",
    object: "chat.completion",
    created: json.created,
    model: "m",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "tok0 tok1 tok2 " },
      logprobs: null,
      finish_reason: "length",
    }],
    usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
  });
  assert.deepEqual(writes, [[0, 0, 30]]);
});

Deno.test("non-streamed completion uses choices[].text", async () => {
  const { clock, sim } = setup();
  const res = sim.handler(post(COMPLETIONS, { prompt: ["a b", "c"], max_tokens: 2 }));
  const json = JSON.parse(await driveResponse(clock, res));
  assert.equal(json.object, "text_completion");
  assert.equal(json.choices[0].text, "tok0 tok1 ");
  assert.deepEqual(json.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
});

Deno.test("reasoning tokens come first as reasoning_content and count in usage", async () => {
  const { clock, sim } = setup({ reasoningTokens: 2 });
  const res = await sim.handler(post(CHAT, {
    messages: hello,
    max_tokens: 4,
    stream: true,
    stream_options: { include_usage: true },
  }));
  const events = sseJson(await driveText(clock, res)) as Chunk[];
  assert.deepEqual(events.slice(1, 5).map((e) => e.choices[0].delta), [
    { reasoning_content: "think0 " },
    { reasoning_content: "think1 " },
    { content: "tok0 " },
    { content: "tok1 " },
  ]);
  assert.deepEqual(events[6].usage, {
    prompt_tokens: 2,
    completion_tokens: 4,
    total_tokens: 6,
    completion_tokens_details: { reasoning_tokens: 2 },
  });
  const plain = sim.handler(post(CHAT, { messages: hello, max_tokens: 3 }));
  const json = JSON.parse(await driveResponse(clock, plain));
  assert.deepEqual(json.choices[0].message, {
    role: "assistant",
    content: "tok0 ",
    reasoning_content: "think0 think1 ",
  });
});

Deno.test("prompt_tokens counts words of every message and content part, at least 1", async () => {
  const { clock, sim } = setup({ ttftMs: 0, itlMs: 0 });
  const messages = [
    { role: "system", content: "be brief" },
    { role: "user", content: [{ type: "text", text: "one two three" }, { type: "image_url" }] },
  ];
  const a = JSON.parse(await driveText(clock, await sim.handler(post(CHAT, { messages }))));
  assert.equal(a.usage.prompt_tokens, 5);
  const b = JSON.parse(
    await driveText(clock, await sim.handler(post(CHAT, { messages: [{ content: "" }] }))),
  );
  assert.equal(b.usage.prompt_tokens, 1);
  const c = JSON.parse(
    await driveText(clock, await sim.handler(post(COMPLETIONS, { prompt: [[1, 2, 3], [4]] }))),
  );
  assert.equal(c.usage.prompt_tokens, 4);
});

Deno.test("unknown path is 404, non-POST is 405, both with OpenAI-style errors", async () => {
  const sim = new Simulator();
  const notFound = await sim.handler(post("/v1/embeddings", { input: "x" }));
  assert.equal(notFound.status, 404);
  assert.match((await notFound.json()).error.message, /"\/v1\/embeddings"/);
  const slash = await sim.handler(post("/v1/completions/", { prompt: "x" }));
  assert.equal(slash.status, 404);
  await slash.body?.cancel();
  const get = await sim.handler(new Request("http://sim.test/v1/chat/completions"));
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  const body = await get.json();
  assert.equal(body.error.type, "invalid_request_error");
  assert.match(body.error.message, /current method is GET/);
});

Deno.test("invalid JSON and invalid fields are 400 with the offending value", async () => {
  const sim = new Simulator();
  const cases: [string, unknown, string | null, RegExp][] = [
    [CHAT, "{not json", null, /Cannot parse request body as JSON: current value is "\{not json"/],
    [CHAT, [1], null, /must be a JSON object/],
    [CHAT, { messages: [] }, "messages", /'messages' must be a non-empty array/],
    [COMPLETIONS, { max_tokens: 2 }, "prompt", /'prompt' is required/],
    [CHAT, { messages: hello, max_tokens: -1 }, "max_tokens", /current value is -1/],
    [CHAT, { messages: hello, max_completion_tokens: 1.5 }, "max_completion_tokens", /1\.5/],
    [COMPLETIONS, { prompt: "x", max_new_tokens: "8" }, "max_new_tokens", /"8"/],
  ];
  for (const [path, body, param, message] of cases) {
    const res = await sim.handler(post(path, body));
    assert.equal(res.status, 400, JSON.stringify(body));
    const { error } = await res.json();
    assert.equal(error.type, "invalid_request_error");
    assert.equal(error.param, param);
    assert.match(error.message, message);
  }
});

Deno.test("base paths: any prefix before /v1/... is accepted", async () => {
  const { clock, sim } = setup({ ttftMs: 0, itlMs: 0 });
  const res = await sim.handler(
    post("/proxy/a/v1/chat/completions", { messages: hello, max_tokens: 1 }),
  );
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(await driveText(clock, res)).choices[0].message.content, "tok0 ");
  assert.deepEqual(sim.requestCountByPath, { "/proxy/a/v1/chat/completions": 1 });
});

Deno.test("received log keeps the last maxLogged requests with lower-case headers", async () => {
  const sim = new Simulator({ maxLogged: 2, ttftMs: 0, itlMs: 0 });
  await (await sim.handler(post("/nope", "raw text", { headers: { "X-Trace": "1" } }))).text();
  await (await sim.handler(post(COMPLETIONS, { prompt: "p", max_tokens: 1 }))).text();
  await (await sim.handler(new Request("http://sim.test/v1/completions"))).text();
  assert.equal(sim.requestCount, 3);
  assert.deepEqual(sim.requestCountByPath, { "/nope": 1, "/v1/completions": 2 });
  const log = sim.received;
  assert.deepEqual(log.map((r) => [r.n, r.method, r.path]), [
    [1, "POST", "/v1/completions"],
    [2, "GET", "/v1/completions"],
  ]);
  assert.deepEqual(log[0].body, { prompt: "p", max_tokens: 1 });
  assert.equal(log[0].headers["content-type"], "application/json");
  const first = new Simulator({ maxLogged: 5 });
  await (await first.handler(post("/nope", "raw text", { headers: { "X-Trace": "1" } }))).text();
  assert.equal(first.received[0].body, "raw text");
  assert.equal(first.received[0].headers["x-trace"], "1");
});

Deno.test("jitter is seeded: same seed same times, within +-jitter, different seed differs", async () => {
  const times = async (seed: number) => {
    const { clock, sim, writes } = setup({ ttftMs: 20, itlMs: 10, jitterMs: 4, seed }, 0);
    await driveText(
      clock,
      await sim.handler(post(COMPLETIONS, { prompt: "x", max_tokens: 5, stream: true })),
    );
    return writes.map((w) => w[2]);
  };
  const a = await times(7);
  assert.deepEqual(await times(7), a);
  assert.notDeepEqual(await times(8), a);
  assert.ok(a[0] >= 16 && a[0] <= 24, `first ${a[0]}`);
  for (let k = 1; k < a.length; k++) {
    const gap = a[k] - a[k - 1];
    assert.ok(gap >= 5 && gap <= 15, `gap ${gap}`);
  }
});

Deno.test("cancelling the body stops the stream and clears its sleep", async () => {
  const { clock, sim, writes } = setup({ ttftMs: 10, itlMs: 10 }, 0);
  const res = await sim.handler(post(CHAT, { messages: hello, max_tokens: 100, stream: true }));
  const reader = res.body!.getReader();
  const text = await readFor(clock, reader, 25);
  assert.equal(dataLines(text).length, 3);
  assert.equal(sim.inFlight, 1);
  await reader.cancel();
  assert.equal(clock.pending, 0);
  assert.equal(sim.inFlight, 0);
  await clock.advance(100);
  assert.equal(writes.length, 2);
});

Deno.test("aborting the request errors the stream and clears its sleep", async () => {
  const { clock, sim } = setup({ ttftMs: 10, itlMs: 10 }, 0);
  const ac = new AbortController();
  const res = await sim.handler(
    post(CHAT, { messages: hello, max_tokens: 100, stream: true }, { signal: ac.signal }),
  );
  const reader = res.body!.getReader();
  await readFor(clock, reader, 15);
  ac.abort(new Error("client left"));
  await assert.rejects(reader.read(), /client left/);
  assert.equal(clock.pending, 0);
  assert.equal(sim.inFlight, 0);
});

Deno.test("abortAll closes open streams where they are and ends pending answers", async () => {
  const { clock, sim } = setup({ ttftMs: 10, itlMs: 10 }, 0);
  const stream = await sim.handler(post(CHAT, { messages: hello, max_tokens: 100, stream: true }));
  const plain = sim.handler(post(CHAT, { messages: hello, max_tokens: 100 }));
  await clock.advance(0);
  assert.equal(sim.inFlight, 2);
  sim.abortAll();
  assert.equal((await plain).status, 499);
  assert.deepEqual(contentsOf(await stream.text()), ["assistant"]);
  assert.equal(clock.pending, 0);
  assert.equal(sim.inFlight, 0);
});

function contentsOf(text: string): unknown[] {
  return (sseJson(text) as { choices: { delta: Record<string, unknown> }[] }[]).map((e) =>
    e.choices[0].delta.content ?? e.choices[0].delta.role
  );
}

Deno.test("a second handler argument replaces req.signal as the client-abort signal", async () => {
  const { clock, sim } = setup({ ttftMs: 10, itlMs: 10 }, 0);
  const viaInit = new AbortController();
  const viaRequest = new AbortController();
  const body = { messages: hello, max_tokens: 100, stream: true };
  const a = await sim.handler(post(CHAT, body, { signal: viaRequest.signal }), {
    signal: viaInit.signal,
  });
  const b = await sim.handler(post(CHAT, body, { signal: viaRequest.signal }), {});
  viaRequest.abort(new Error("request signal"));
  await clock.advance(0);
  assert.equal(sim.inFlight, 2);
  viaInit.abort(new Error("init signal"));
  await assert.rejects(a.text(), /init signal/);
  assert.equal(sim.inFlight, 1);
  await b.body!.cancel();
  assert.equal(sim.inFlight, 0);
});
