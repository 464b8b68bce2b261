// Byte-level stream faults from a raw server: split reads (inside multi-byte characters too), line
// endings, comments, framing variants, in-band errors (echoing the key), usage placement, bad bytes.
import { assert, assertEquals } from "../_assert.ts";
import {
  chunk,
  completionJson,
  delta,
  event,
  type FaultScript,
  goodStream,
  head,
  LAST_CHUNK,
  respond,
  respondStream,
  SSE_HEAD,
  startFaultServer,
  usageChunk,
} from "../_fault_server.ts";
import { assertInvariants, type CaseOptions, type Expect, KEY, runAgainst } from "./_harness.ts";

async function check(script: FaultScript, expect: Expect, options: CaseOptions = {}) {
  const server = await startFaultServer(script);
  try {
    const run = await runAgainst(server.url, options);
    assertInvariants(run, { serverReceived: server.requests.length, ...expect });
    return run;
  } finally {
    await server.close();
  }
}

const stream = (body: string): FaultScript => async (_req, s) => void await respondStream(s, body);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms)); // server-side pacing only

Deno.test("an event split across reads at every byte position, inside multi-byte characters too", async () => {
  const parts = ["héllo ", "世界 ", "🎉!"];
  let body = "";
  for (const p of parts) body += event(delta(p));
  body += event(delta(null, { finish_reason: "stop" })) + event("[DONE]");
  const bytes = new TextEncoder().encode(body);
  const cuts = bytes.byteLength - 1;
  const users = 8;
  const texts: string[] = [];
  const script: FaultScript = async (req, s) => {
    await s.write(
      head(200, { "content-type": "text/event-stream", "content-length": bytes.length }),
    );
    await s.writeSplit(bytes, [1 + req.n % cuts]);
  };
  const run = await check(script, { outcome: "success" }, {
    users,
    requestsPerUser: Math.ceil(cuts / users),
    run: { countTokens: (text) => (texts.push(text), [...text].length) },
  });
  assert(run.records.length >= cuts);
  assertEquals(new Set(texts), new Set([parts.join("")]), "every split decodes to the same text");
  assert(run.records.every((r) => r.outputTokensSource === "tokenizer"));
});

Deno.test("many small writes: one byte per read", async () => {
  const body = goodStream(3);
  const at = Array.from({ length: 160 }, (_, i) => i); // the first events, byte by byte
  await check(async (_req, s) => {
    await s.write(head(200, { "content-type": "text/event-stream", connection: "close" }));
    await s.writeSplit(body, at);
    s.end();
  }, { outcome: "success" });
});

Deno.test("CRLF and lone CR line endings", async () => {
  for (const eol of ["\r\n", "\r"]) {
    const run = await check(stream(goodStream(4, eol)), { outcome: "success" });
    assertEquals(run.records[0].outputTokens, 4);
  }
});

Deno.test("`data:` without a space, `event: error`, and keep-alive comments", async () => {
  const noSpace = goodStream(2).replaceAll("data: ", "data:");
  const run = await check(stream(noSpace), { outcome: "success" });
  assertEquals(run.records[0].outputTokens, 2);
  await check(
    stream(event(delta("a")) + 'event: error\ndata: {"message":"shard lost"}\n\n'),
    { outcome: "stream_error", message: /shard lost/ },
  );
});

Deno.test("keep-alive comments before the first token do not count as output (TTFT)", async () => {
  const run = await check(async (_req, s) => {
    await s.write(SSE_HEAD);
    for (let i = 0; i < 4; i++) {
      await s.write(chunk(": keep-alive\n\n"));
      await wait(30);
    }
    for (const ev of goodStream(2).split(/(?<=\n\n)/)) await s.write(chunk(ev));
    await s.write(LAST_CHUNK);
  }, { outcome: "success" });
  assert(run.records[0].ttftMs! >= 100, `ttft ${run.records[0].ttftMs}`);
});

Deno.test("slow first byte: measured in TTFT; beyond the deadline it is a retried timeout", async () => {
  const slow: FaultScript = async (_req, s) => {
    await wait(150);
    await respondStream(s, goodStream(2));
  };
  const run = await check(slow, { outcome: "success" });
  assert(run.records[0].ttftMs! >= 140, `ttft ${run.records[0].ttftMs}`);
  const late = await check(slow, { outcome: "timeout", attempts: 2, message: /headers/ }, {
    timeoutMs: 60,
    retries: 1,
  });
  assert(late.elapsedMs < 1_000, `${late.elapsedMs} ms`);
});

Deno.test("stall after one token (raw socket): timeout, idle timeout or deadline", async () => {
  const stall: FaultScript = async (_req, s) => {
    await s.write(SSE_HEAD);
    await s.write(chunk(event(delta("one "))));
    await s.stall();
  };
  const byDeadline = await check(stall, { outcome: "timeout", attempts: 1 }, {
    timeoutMs: 300,
    retries: 2,
  });
  assert(byDeadline.elapsedMs >= 290, `${byDeadline.elapsedMs}`);
  const byIdle = await check(stall, { outcome: "timeout", message: /stalled/ }, {
    timeoutMs: 30_000,
    idleTimeoutMs: 150,
  });
  assert(byIdle.elapsedMs < 2_000, `${byIdle.elapsedMs}`);
});

Deno.test("endless paced stream: ends at the deadline", async () => {
  const run = await check(
    async (_req, s) => {
      await s.write(SSE_HEAD);
      for (let i = 0; !s.signal.aborted; i++) {
        if (!await s.write(chunk(event(delta(`t${i} `))))) break;
        await wait(2);
      }
    },
    { outcome: "timeout" },
    { timeoutMs: 250 },
  );
  assert(run.elapsedMs >= 240, `${run.elapsedMs}`);
});

Deno.test("huge event: response_too_large without buffering it whole", async () => {
  const huge = event(delta("x".repeat(3 * 1024 * 1024)));
  const server = await startFaultServer(stream(huge));
  try {
    const run = await runAgainst(server.url, { retries: 2 });
    assertInvariants(run, { serverReceived: 1, outcome: "response_too_large", attempts: 1 });
  } finally {
    await server.close();
  }
});

Deno.test("in-band error object mid-stream echoing the key: stream_error, key hidden", async () => {
  const errorEvent = (message: string) => event(JSON.stringify({ error: { message } }));
  const echo = `invalid token Bearer ${KEY} for ${KEY}`;
  await check(stream(event(delta("a")) + errorEvent(echo)), {
    outcome: "stream_error",
    attempts: 1,
    message: /invalid token Bearer \*\*\* for \*\*\*/,
  }, { retries: 2 });
  // The key right where the stream reader cuts its excerpt: only its start survives the cut.
  for (const pad of [250, 260, 268, 272, 280]) {
    await check(stream(errorEvent("x".repeat(pad) + KEY)), { outcome: "stream_error" });
  }
});

Deno.test("no [DONE]: success after a finish reason, stream_truncated without", async () => {
  const withFinish = event(delta("a")) + event(delta(null, { finish_reason: "length" }));
  const run = await check(stream(withFinish), { outcome: "success" });
  assertEquals(run.records[0].finishReason, "length");
  // Close-delimited body (no chunking, no length): the end of the body is the FIN.
  await check(async (_req, s) => {
    await s.write(head(200, { "content-type": "text/event-stream", connection: "close" }));
    await s.write(event(delta("a")) + event(delta("b")));
    s.end();
  }, { outcome: "stream_truncated" });
});

Deno.test("usage only in the final chunk, or missing", async () => {
  const onlyLast = event(delta("a")) + event(delta("b")) +
    event(delta(null, { finish_reason: "stop" })) + event(usageChunk(7)) + event("[DONE]");
  const run = await check(stream(onlyLast), { outcome: "success" });
  assertEquals(run.records[0].outputTokens, 7);
  assertEquals(run.records[0].outputTokensSource, "usage");
  assertEquals(run.report.totalPromptTokens, 3);
  const missing = event(delta("a")) + event(delta("b")) + event(delta("c")) +
    event(delta(null, { finish_reason: "stop" })) + event("[DONE]");
  const run2 = await check(stream(missing), { outcome: "success" });
  assertEquals(run2.records[0].outputTokens, 3);
  assertEquals(run2.records[0].outputTokensSource, "chunks");
});

Deno.test("`choices: []` only: empty_response", async () => {
  const body = event(JSON.stringify({ choices: [] })) + event(usageChunk(0)) + event("[DONE]");
  await check(stream(body), { outcome: "empty_response", attempts: 1 }, { retries: 2 });
});

Deno.test("a non-streamed JSON answer to a streamed request (raw): success", async () => {
  const run = await check(
    (_req, s) =>
      respond(s, 200, completionJson("hi there", 2), { "content-type": "application/json" }).then(
        () => {},
      ),
    { outcome: "success" },
  );
  assertEquals(run.records[0].outputTokens, 2);
});

Deno.test("malformed JSON, invalid UTF-8, wrong content type: protocol_error, not retried", async () => {
  await check(stream(event("{not json") + event("[DONE]")), {
    outcome: "protocol_error",
    attempts: 1,
  }, { retries: 2 });
  const bad = new Uint8Array([
    ...new TextEncoder().encode('data: {"x":"'),
    0xff,
    0xfe,
    ...new TextEncoder().encode('"}\n\n'),
  ]);
  await check(async (_req, s) => {
    await s.write(SSE_HEAD);
    await s.write(chunk(bad));
    await s.write(LAST_CHUNK);
  }, { outcome: "protocol_error", message: /UTF-8/ });
  await check(
    async (_req, s) => {
      const body = new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
      await s.write(
        head(200, { "content-type": "application/json", "content-length": body.length }),
      );
      await s.write(body);
    },
    { outcome: "protocol_error", message: /UTF-8/ },
    { stream: false },
  );
  await check(
    (_req, s) =>
      respond(s, 200, "<html><body>Welcome to nginx!</body></html>", {
        "content-type": "text/html",
      })
        .then(() => {}),
    { outcome: "protocol_error", message: /content-type "text\/html"/ },
  );
});

Deno.test("5xx with an HTML body echoing the Authorization header: excerpt without tags or key", async () => {
  const html = (auth: string) =>
    `<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>` +
    `<pre>upstream said: Authorization: ${auth}</pre><p>key=${auth.slice(7)}</p></body></html>`;
  await check(
    (req, s) =>
      respond(s, 502, html(req.headers["authorization"]), { "content-type": "text/html" }).then(
        () => {},
      ),
    {
      outcome: "http_5xx",
      attempts: 3,
      message: /^HTTP 502: 502 Bad Gateway Bad Gateway upstream said/,
    },
    { retries: 2 },
  );
});
