import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { Http1Transport, HttpProtocolError } from "../../lib/transport/http1.ts";
import { ChunkedDecoder } from "../../lib/transport/http1_parse.ts";
import type { Socket } from "../../lib/transport/socket.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

type Piece = string | Error | null;

/**
 * An in-memory socket: each read gets the next scripted piece (an Error rejects; null is EOF). The
 * script is one list of pieces per request: a request's pieces are only read after it was written.
 */
class FakeSocket implements Socket {
  written = "";
  writes = 0;
  closed = false;
  #groups: Piece[][];
  #script: Piece[] = [];
  #wake?: () => void;
  constructor(groups: Piece[][]) {
    this.#groups = groups.map((g) => [...g]);
  }
  async read(p: Uint8Array): Promise<number | null> {
    while (this.#script.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    if (this.closed) throw new Error("Bad resource ID");
    const next = this.#script.shift()!;
    if (next === null) return null;
    if (next instanceof Error) throw next;
    const bytes = enc.encode(next);
    if (bytes.length > p.length) {
      this.#script.unshift(dec.decode(bytes.subarray(p.length)));
      p.set(bytes.subarray(0, p.length));
      return p.length;
    }
    p.set(bytes);
    return bytes.length;
  }
  write(p: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(new Error("Broken pipe (os error 32)"));
    this.written += dec.decode(p);
    this.writes++;
    this.#script.push(...(this.#groups.shift() ?? []));
    this.#wake?.();
    return Promise.resolve(p.length);
  }
  close(): void {
    this.closed = true;
    this.#wake?.();
  }
}

/** Scripts one fake connection per entry: the pieces answering each request sent on it. */
function transportWith(scripts: Piece[][][]) {
  const sockets: FakeSocket[] = [];
  const transport = new Http1Transport({
    connect: () => {
      const script = scripts.shift();
      if (!script) return Promise.reject(new Error("Connection refused (os error 111)"));
      const socket = new FakeSocket(script);
      sockets.push(socket);
      return Promise.resolve(socket);
    },
  });
  return { transport, sockets };
}

const request = (signal = new AbortController().signal) => ({
  url: "http://h.test:8000/v1/chat/completions?x=1",
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer k" },
  body: '{"é":1}',
  signal,
});

async function text(body: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of body) out.push(dec.decode(chunk));
  return out;
}

const SSE_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" +
  "transfer-encoding: chunked\r\n\r\n";

Deno.test("http1: request bytes, chunked body one chunk per read, keep-alive reuse", async () => {
  const { transport, sockets } = transportWith([[
    [SSE_HEAD + "6\r\ndata: \r\n", "3\r\na\n\n\r\n4\r\nb\n\n\n\r\n", "0\r\n\r\n"],
    ["HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"],
  ]]);
  const res = await transport.send(request());
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/event-stream");
  assertEquals(await text(res.body), ["data: ", "a\n\nb\n\n\n"]);
  assertEquals(
    sockets[0].written,
    "POST /v1/chat/completions?x=1 HTTP/1.1\r\nhost: h.test:8000\r\n" +
      'content-type: application/json\r\nauthorization: Bearer k\r\ncontent-length: 8\r\n\r\n{"é":1}',
  );
  const again = await transport.send(request());
  assertEquals(await text(again.body), ["ok"]);
  assertEquals(sockets.length, 1);
  transport.close();
  assert(sockets[0].closed);
});

Deno.test("http1: a keep-alive connection the server closed is replaced, silently", async () => {
  const ok = (body: string) => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
  const { transport, sockets } = transportWith([
    [[ok("a"), null]], // closed while idle: retired from the pool
    [[ok("b")], [null]], // closed as the next request went out: resent once on a new connection
    [[ok("c")]],
  ]);
  assertEquals(await text((await transport.send(request())).body), ["a"]);
  await Promise.resolve(); // the idle read sees the end of the stream
  assertEquals(await text((await transport.send(request())).body), ["b"]);
  assertEquals(await text((await transport.send(request())).body), ["c"]);
  assertEquals(sockets.map((s) => [s.writes, s.closed]), [[1, true], [2, true], [1, false]]);
});

Deno.test("http1: errors are worded for the classifier", async () => {
  // Refused.
  const refused = transportWith([]);
  await assertRejects(() => refused.transport.send(request()), Error, "connect error");
  // Closed before the head completed (a reset before headers).
  const early = transportWith([[["HTTP/1.1 200 OK\r\n", null]]]);
  await assertRejects(() => early.transport.send(request()), Error, "connection closed");
  // Not HTTP.
  const garbage = transportWith([[["SSH-2.0-OpenSSH\r\n\r\n"]]]);
  await assertRejects(() => garbage.transport.send(request()), HttpProtocolError, "invalid HTTP");
  // Closed mid-body: incomplete, and the connection is not reused.
  const mid = transportWith([[[SSE_HEAD + "5\r\nhel", null]]]);
  const res = await mid.transport.send(request());
  await assertRejects(() => text(res.body), Error, "response body incomplete");
  assert(mid.sockets[0].closed);
  // Reset mid-body: the OS error passes through.
  const reset = transportWith([[[SSE_HEAD, new Error("Connection reset by peer (os error 104)")]]]);
  const res2 = await reset.transport.send(request());
  await assertRejects(() => text(res2.body), Error, "reset");
  // Bad chunk framing.
  const framing = transportWith([[[SSE_HEAD + "zz\r\n"]]]);
  const res3 = await framing.transport.send(request());
  await assertRejects(() => text(res3.body), HttpProtocolError, "invalid chunk");
});

Deno.test("http1: an abort rejects with the signal's reason and closes the connection", async () => {
  const { transport, sockets } = transportWith([[[SSE_HEAD + "2\r\nab\r\n"]]]);
  const controller = new AbortController();
  const res = await transport.send(request(controller.signal));
  const it = res.body[Symbol.asyncIterator]();
  assertEquals(dec.decode((await it.next()).value), "ab");
  const pending = it.next();
  const reason = new DOMException("deadline passed", "TimeoutError");
  controller.abort(reason);
  const error = await pending.catch((e) => e);
  assertEquals(error, reason);
  assert(sockets[0].closed);
  // Headers never come: the abort ends the wait for them too.
  const stalled = transportWith([[[]]]);
  const c2 = new AbortController();
  const sent = stalled.transport.send(request(c2.signal));
  c2.abort(reason);
  assertEquals(await sent.catch((e) => e), reason);
});

Deno.test("http1: content-length, close-delimited, HTTP/1.0 and Connection: close bodies", async () => {
  const { transport, sockets } = transportWith([
    [
      ["HTTP/1.1 503 Busy\r\nContent-Length: 5\r\nRetry-After: 2\r\n\r\nab", "cde"],
      ["HTTP/1.0 200 OK\r\n\r\nall", " of it", null],
    ],
    [["HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"]],
  ]);
  const a = await transport.send(request());
  assertEquals([a.status, a.headers.get("retry-after")], [503, "2"]);
  assertEquals(await text(a.body), ["ab", "cde"]);
  const b = await transport.send(request()); // reuses the first connection, which then closes
  assertEquals(await text(b.body), ["all", " of it"]);
  assert(sockets[0].closed);
  const c = await transport.send(request());
  assertEquals([c.status, await text(c.body)], [204, []]);
  assert(sockets[1].closed); // connection: close
  assertEquals(sockets.length, 2);
});

Deno.test("http1: stopping early drains a framed body and reuses the connection", async () => {
  const { transport, sockets } = transportWith([
    [[SSE_HEAD + "2\r\nab\r\n", "2\r\ncd\r\n0\r\n\r\n"], [
      "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nz",
    ]],
  ]);
  const res = await transport.send(request());
  for await (const _ of res.body) break; // e.g. after data: [DONE]
  assertEquals(await text((await transport.send(request())).body), ["z"]);
  assertEquals(sockets.map((s) => [s.writes, s.closed]), [[2, false]]);
});

Deno.test("http1: stopping early on a close-delimited body closes the connection", async () => {
  const { transport, sockets } = transportWith([
    [["HTTP/1.1 200 OK\r\n\r\nab", "cd"]],
    [["HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nz"]],
  ]);
  const res = await transport.send(request());
  for await (const _ of res.body) break;
  assert(sockets[0].closed);
  assertEquals(await text((await transport.send(request())).body), ["z"]);
});

Deno.test("http1: chunks are views; several chunk frames in one read come as one chunk", async () => {
  const { transport } = transportWith([[[
    SSE_HEAD + "2\r\nab\r\n3\r\ncde\r\n1\r\nf\r\n0\r\n\r\n",
  ]]]);
  const res = await transport.send(request());
  const chunks: Uint8Array[] = [];
  for await (const chunk of res.body) chunks.push(chunk.slice());
  assertEquals(chunks.map((c) => dec.decode(c)), ["abcdef"]);
});

Deno.test("chunked decoding: the same data whatever the split, extensions and trailers skipped", () => {
  const wire = enc.encode(
    "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nx-t: 1\r\n\r\n",
  );
  const expected = "Wikipedia in\r\n\r\nchunks.";
  for (let cut = 0; cut <= wire.length; cut++) {
    for (let cut2 = cut; cut2 <= wire.length; cut2 += 7) {
      const decoder = new ChunkedDecoder();
      const parts: Uint8Array[] = [];
      for (const [from, to] of [[0, cut], [cut, cut2], [cut2, wire.length]]) {
        decoder.feed(wire, from, to, parts);
      }
      assertEquals(parts.map((p) => dec.decode(p)).join(""), expected);
      assert(decoder.done);
    }
  }
});

Deno.test("http1 + runner: a non-streamed JSON answer split over several reads is read whole", async () => {
  const { BenchmarkConfig, RunMode } = await import("../../lib/config.ts");
  const { runBenchmark } = await import("../../lib/runner.ts");
  const json = JSON.stringify({
    choices: [{ index: 0, message: { role: "assistant", content: "hello there, world" } }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  });
  const head =
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${json.length}\r\n\r\n`;
  // Three reads: the transport hands out views of one reused buffer, so each must be kept apart.
  const third = Math.floor(json.length / 3);
  const { transport } = transportWith([[
    [head + json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)],
  ]]);
  const config = BenchmarkConfig.tryNew(
    "http://h.test:8000/v1/chat/completions",
    undefined,
    1,
    RunMode.finite(1),
    { model: "m", messages: [{ role: "user", content: "x" }], stream: false },
  );
  const report = await runBenchmark(config, { transport, monitorHealth: false });
  assertEquals(report.successfulRequests, 1, JSON.stringify(report.failures));
  assertEquals(report.totalCompletionTokens, 4);
});
