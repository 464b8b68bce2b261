// The HTTP/1.1 transport against the fault suite's raw socket server: every socket-level fault is
// classified exactly as with fetch (the same expectations as tests/faults/connection_test.ts and
// stream_test.ts), and the runner's invariants hold.
import { assert, assertEquals } from "../_assert.ts";
import { closedPort, goodStream, respondStream, startFaultServer } from "../_fault_server.ts";
import { createDenoHttp1Transport } from "../../lib/transport/deno_connect.ts";
import { assertInvariants, runAgainst } from "../faults/_harness.ts";
import { SOCKET_CASES } from "../faults/_socket_cases.ts";
import { CA, withHttpsSimulator } from "../faults/_https.ts";

const cases = SOCKET_CASES;

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
