// Socket-level faults: refused connections, resets and drops before, within and after the headers,
// a non-HTTP answer, and keep-alive connections closed between requests.
import { assert, assertEquals } from "../_assert.ts";
import {
  chunk,
  closedPort,
  delta,
  event,
  type FaultScript,
  goodStream,
  respond,
  respondStream,
  SSE_HEAD,
  startFaultServer,
} from "../_fault_server.ts";
import { assertInvariants, type CaseOptions, KEY, runAgainst } from "./_harness.ts";

async function withServer(
  script: FaultScript,
  options: CaseOptions,
  check: (run: Awaited<ReturnType<typeof runAgainst>>, received: number) => void,
) {
  const server = await startFaultServer(script);
  try {
    const run = await runAgainst(server.url, options);
    for (const req of server.requests) assertEquals(req.headers["authorization"], `Bearer ${KEY}`);
    check(run, server.requests.length);
  } finally {
    await server.close();
  }
}

Deno.test("refused: connect_error, retried, nothing received", async () => {
  const run = await runAgainst(`http://127.0.0.1:${closedPort()}`, { retries: 2 });
  assertInvariants(run, { outcome: "connect_error", attempts: 3, message: /refused/i });
});

Deno.test("reset before any byte of the answer: connection_reset, retried", async () => {
  await withServer((_req, s) => s.reset(), { retries: 2, users: 2 }, (run, received) => {
    assertEquals(received, 6);
    assertInvariants(run, {
      serverReceived: received,
      outcome: "connection_reset",
      attempts: 3,
      message: /reset/i,
    });
  });
});

Deno.test("closed before any byte of the answer: connection_reset", async () => {
  await withServer((_req, s) => s.end(), { retries: 1 }, (run, received) => {
    assertInvariants(run, { serverReceived: received, outcome: "connection_reset", attempts: 2 });
  });
});

Deno.test("reset or closed within the headers: connection_reset, and a retry can succeed", async () => {
  const script: FaultScript = async (req, s) => {
    if (req.n === 2) return void await respondStream(s, goodStream(3));
    await s.write("HTTP/1.1 200 OK\r\ncontent-type: text/ev");
    if (req.n === 0) s.reset();
    else s.end();
  };
  await withServer(script, { users: 2 }, (run, received) => {
    assertInvariants(run, { serverReceived: received, outcome: "connection_reset", attempts: 1 });
  });
  await withServer(script, { retries: 3 }, (run, received) => {
    assertEquals(received, 3);
    assertInvariants(run, { serverReceived: 3, outcome: "success", attempts: 3 });
    assertEquals(run.records[0].outputTokens, 3);
  });
});

Deno.test("not HTTP at all: protocol_error, not retried", async () => {
  const script: FaultScript = async (_req, s) => {
    await s.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
    s.end();
  };
  await withServer(script, { retries: 2 }, (run, received) => {
    assertInvariants(run, {
      serverReceived: received,
      outcome: "protocol_error",
      attempts: 1,
      message: /not an HTTP response/,
    });
  });
});

Deno.test("reset mid-stream after output: incomplete_body, not retried (it would double-count)", async () => {
  const script: FaultScript = async (_req, s) => {
    await s.write(SSE_HEAD);
    await s.write(chunk(event(delta("one "))));
    await s.write(chunk(event(delta("two "))));
    s.reset();
  };
  await withServer(script, { retries: 2 }, (run, received) => {
    assertInvariants(run, { serverReceived: received, outcome: "incomplete_body", attempts: 1 });
  });
});

Deno.test("dropped mid-body before any output: incomplete_body, retried", async () => {
  const script: FaultScript = async (_req, s) => {
    await s.write(SSE_HEAD);
    await s.write(chunk(": keep-alive\n\n"));
    s.end(); // FIN inside a chunked body: the body is incomplete
  };
  await withServer(script, { retries: 1 }, (run, received) => {
    assertEquals(received, 2);
    assertInvariants(run, { serverReceived: received, outcome: "incomplete_body", attempts: 2 });
  });
});

Deno.test("a JSON body shorter than its Content-Length: incomplete_body", async () => {
  const script: FaultScript = async (_req, s) => {
    await s.write(
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"cho',
    );
    s.end();
  };
  await withServer(script, { stream: false }, (run, received) => {
    assertInvariants(run, { serverReceived: received, outcome: "incomplete_body" });
  });
});

Deno.test("the server closes keep-alive connections between requests: every request succeeds", async () => {
  const script: FaultScript = async (req, s) => {
    await respondStream(s, goodStream(2));
    if (req.n % 2 === 0) s.end(); // every other answer, the connection is closed after it
  };
  await withServer(script, { users: 3, requestsPerUser: 6, retries: 0 }, (run, received) => {
    assertInvariants(run, { serverReceived: received, outcome: "success" });
    assertEquals(received, 18);
  });
});

Deno.test("keep-alive reuse: sequential requests share connections", async () => {
  const server = await startFaultServer((_req, s) => respond(s, 200, "{}", {}).then(() => {}));
  try {
    const run = await runAgainst(server.url, { requestsPerUser: 5, stream: false });
    assertInvariants(run, { serverReceived: 5, outcome: "empty_response" });
    assert(server.connections < 5, `${server.connections} connections for 5 requests`);
  } finally {
    await server.close();
  }
});
