// The HTTP/1.1 transport against the fault suite's raw socket server: every socket-level fault is
// classified exactly as with fetch (the same expectations as tests/faults/connection_test.ts and
// stream_test.ts), and the runner's invariants hold.
import { assert, assertEquals } from "../_assert.ts";
import {
  chunk,
  closedPort,
  completionJson,
  delta,
  event,
  type FaultScript,
  goodStream,
  head,
  respond,
  respondStream,
  SSE_HEAD,
  startFaultServer,
} from "../_fault_server.ts";
import type { OutcomeKind } from "../../lib/record.ts";
import { createDenoHttp1Transport } from "../../lib/transport/deno_connect.ts";
import { assertInvariants, type CaseOptions, runAgainst } from "../faults/_harness.ts";
import { CA, withHttpsSimulator } from "../faults/_https.ts";

type Case = [string, FaultScript, OutcomeKind, number, CaseOptions?, RegExp?];

const cases: Case[] = [
  ["a good stream", (_r, s) => respondStream(s, goodStream(3)).then(() => {}), "success", 1],
  ["reset before the headers", (_r, s) => s.reset(), "connection_reset", 3, { retries: 2 }],
  ["closed before the headers", (_r, s) => s.end(), "connection_reset", 2, { retries: 1 }],
  [
    "reset within the headers",
    async (_r, s) => {
      await s.write("HTTP/1.1 200 OK\r\ncontent-type: text/ev");
      s.reset();
    },
    "connection_reset",
    1,
    { users: 2 },
  ],
  [
    "not HTTP at all",
    async (_r, s) => {
      await s.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
      s.end();
    },
    "protocol_error",
    1,
    { retries: 2 },
    /not an HTTP response/,
  ],
  [
    "reset mid-stream after output",
    async (_r, s) => {
      await s.write(SSE_HEAD);
      await s.write(chunk(event(delta("one "))));
      s.reset();
    },
    "incomplete_body",
    1,
    { retries: 2 },
  ],
  [
    "dropped mid-body before any output",
    async (_r, s) => {
      await s.write(SSE_HEAD);
      await s.write(chunk(": keep-alive\n\n"));
      s.end();
    },
    "incomplete_body",
    2,
    { retries: 1 },
  ],
  [
    "a JSON body shorter than its Content-Length",
    async (_r, s) => {
      await s.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"cho',
      );
      s.end();
    },
    "incomplete_body",
    1,
    { stream: false },
  ],
  [
    "stall after one token",
    async (_r, s) => {
      await s.write(SSE_HEAD);
      await s.write(chunk(event(delta("a"))));
      await s.stall();
    },
    "timeout",
    1,
    { timeoutMs: 200 },
  ],
  [
    "a 503 with a JSON error",
    (_r, s) => respond(s, 503, '{"error":{"message":"busy"}}').then(() => {}),
    "http_5xx",
    3,
    { retries: 2 },
    /busy/,
  ],
  [
    "a 6 MiB event",
    (_r, s) => respondStream(s, event(delta("x".repeat(6 * 1024 * 1024)))).then(() => {}),
    "response_too_large",
    1,
    { limits: { maxEventBytes: 1024 * 1024 } },
  ],
  [
    "one byte per read, close-delimited",
    async (_r, s) => {
      await s.write(head(200, { "content-type": "text/event-stream", connection: "close" }));
      await s.writeSplit(goodStream(3), Array.from({ length: 160 }, (_, i) => i));
      s.end();
    },
    "success",
    1,
  ],
  [
    "a non-streamed JSON answer",
    (_r, s) => respond(s, 200, completionJson("hello")).then(() => {}),
    "success",
    1,
    { stream: false },
  ],
];

for (const [name, script, outcome, attempts, options, message] of cases) {
  Deno.test(`http1 transport: ${name} -> ${outcome}`, async () => {
    const server = await startFaultServer(script);
    try {
      const run = await runAgainst(server.url, {
        transport: createDenoHttp1Transport(),
        ...options,
      });
      assertInvariants(run, { serverReceived: server.requests.length, outcome, attempts, message });
    } finally {
      await server.close();
    }
  });
}

Deno.test("http1 transport: refused -> connect_error, retried", async () => {
  const run = await runAgainst(`http://127.0.0.1:${closedPort()}`, {
    transport: createDenoHttp1Transport(),
    retries: 1,
  });
  assertInvariants(run, { outcome: "connect_error", attempts: 2, message: /refused/i });
});

Deno.test("http1 transport: the server closes keep-alive connections between requests", async () => {
  const server = await startFaultServer(async (req, s) => {
    await respondStream(s, goodStream(2));
    if (req.n % 2 === 0) s.end();
  });
  try {
    const run = await runAgainst(server.url, {
      transport: createDenoHttp1Transport(),
      users: 3,
      requestsPerUser: 6,
    });
    assertInvariants(run, { serverReceived: server.requests.length, outcome: "success" });
    assertEquals(server.requests.length, 18);
  } finally {
    await server.close();
  }
});

Deno.test("http1 transport: sequential requests share one keep-alive connection", async () => {
  const server = await startFaultServer((_r, s) => respondStream(s, goodStream(2)).then(() => {}));
  try {
    const run = await runAgainst(server.url, {
      transport: createDenoHttp1Transport(),
      requestsPerUser: 5,
    });
    assertInvariants(run, { serverReceived: 5, outcome: "success" });
    assert(server.connections === 1, `${server.connections} connections for 5 requests`);
  } finally {
    await server.close();
  }
});

Deno.test("http1 transport over TLS: verifies by default, trusts a private CA", async () => {
  await withHttpsSimulator(async (url, sim) => {
    const strict = await runAgainst(url, { transport: createDenoHttp1Transport(), retries: 2 });
    assertInvariants(strict, {
      outcome: "connect_error",
      attempts: 1,
      message: /^TLS: .*certificate/i,
    });
    assertEquals(sim.requestCount, 0);
    const trusted = await runAgainst(url, {
      transport: createDenoHttp1Transport({ caCerts: [CA] }),
      requestsPerUser: 3,
    });
    assertInvariants(trusted, { serverReceived: sim.requestCount, outcome: "success" });
    assertEquals(sim.requestCount, 3);
  });
});
