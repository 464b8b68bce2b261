// Run by fetch_test.ts in its own process with --expose-gc: reads an endless body through
// FetchTransport, collects garbage (the caller holds no Response), aborts, and prints what happened.
import { FetchTransport } from "../../lib/transport/fetch.ts";

const piece = new TextEncoder().encode('data: {"choices":[{"delta":{"content":"x"}}]}\n\n');
const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () =>
  new Response(
    new ReadableStream<Uint8Array>({
      // Server-side pacing only: one piece per timer tick, for ever.
      pull: (c) => new Promise((r) => setTimeout(() => r(c.enqueue(piece)), 1)),
    }),
    { headers: { "content-type": "text/event-stream" } },
  ));
const controller = new AbortController();
const res = await new FetchTransport().send({
  url: `http://127.0.0.1:${server.addr.port}/`,
  method: "POST",
  headers: {},
  body: "{}",
  signal: controller.signal,
});
let chunks = 0;
let afterAbort = 0;
let outcome = "ended";
try {
  for await (const _ of res.body) {
    chunks++;
    if (chunks === 20) {
      (globalThis as unknown as { gc(): void }).gc();
      setTimeout(() => controller.abort(new DOMException("deadline", "TimeoutError")), 0);
    }
    if (controller.signal.aborted && ++afterAbort > 500) {
      outcome = "not aborted";
      break;
    }
  }
} catch (e) {
  outcome = (e as Error).name;
}
console.log(outcome);
await server.shutdown();
