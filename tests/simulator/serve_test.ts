import assert from "node:assert/strict";
import { serveSimulator } from "../../lib/simulator/serve.ts";

Deno.test("serveSimulator: real fetch on port 0 streams, answers JSON, then shuts down", async () => {
  const sim = await serveSimulator({ ttftMs: 2, itlMs: 1 });
  try {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(sim.port > 0);
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify({
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 3,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const text = await res.text();
    assert.match(text, /"content":"tok0 ".*"content":"tok1 ".*"content":"tok2 "/s);
    assert.match(text, /"completion_tokens":3/);
    assert.ok(text.endsWith("data: [DONE]\n\n"));
    const plain = await fetch(`${sim.url}/base/v1/completions`, {
      method: "POST",
      body: JSON.stringify({ prompt: "a b", max_tokens: 2 }),
    });
    assert.equal((await plain.json()).choices[0].text, "tok0 tok1 ");
    assert.equal(sim.simulator.requestCount, 2);
    assert.equal(sim.simulator.received[0].headers.authorization, "Bearer k");
  } finally {
    await sim.shutdown();
  }
});

Deno.test("serveSimulator: shutdown ends an endless stream and a client abort stops it", async () => {
  const sim = await serveSimulator({ ttftMs: 0, itlMs: 1, fault: () => ({ kind: "endless" }) });
  const body = JSON.stringify({ prompt: "x", stream: true });
  const url = `${sim.url}/v1/completions`;
  // A client that leaves: the server side stream stops.
  const ac = new AbortController();
  const first = await fetch(url, { method: "POST", body, signal: ac.signal });
  const reader = first.body!.getReader();
  assert.equal((await reader.read()).done, false);
  ac.abort();
  await assert.rejects(reader.read());
  // A client that stays: shutdown still completes and ends its stream.
  const second = await fetch(url, { method: "POST", body });
  const reader2 = second.body!.getReader();
  assert.equal((await reader2.read()).done, false);
  await sim.shutdown();
  const decoder = new TextDecoder();
  let rest = "";
  for (let r = await reader2.read(); !r.done; r = await reader2.read()) {
    rest += decoder.decode(r.value);
  }
  assert.doesNotMatch(rest, /\[DONE\]|finish_reason":"/);
  assert.equal(sim.simulator.inFlight, 0);
});

Deno.test("serveSimulator: shutdown answers a stalled non-streamed request", async () => {
  const arrived = Promise.withResolvers<void>();
  const sim = await serveSimulator({
    fault: () => {
      arrived.resolve();
      return { kind: "stall", afterTokens: 0 };
    },
  });
  const pending = fetch(`${sim.url}/v1/completions`, {
    method: "POST",
    body: JSON.stringify({ prompt: "x" }),
  });
  // Headers never come while the simulator runs; shutdown must still complete.
  await arrived.promise;
  await sim.shutdown();
  const res = await pending;
  assert.equal(res.status, 499);
  await res.body?.cancel();
});

Deno.test("serveSimulator: aborting the signal shuts the server down", async () => {
  const ac = new AbortController();
  const sim = await serveSimulator({ signal: ac.signal });
  ac.abort();
  await sim.shutdown();
  await assert.rejects(fetch(`${sim.url}/v1/completions`, { method: "POST", body: "{}" }));
});
