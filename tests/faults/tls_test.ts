// TLS: verification is on by default (an unknown issuer is a connect_error that is not retried), a
// private CA can be trusted (Deno.createHttpClient's caCerts), and --insecure's node:https transport
// accepts the certificate. Loopback HTTPS with the test-only certificates in tests/fixtures/tls/.
import { assert, assertEquals } from "../_assert.ts";
import { CA, withHttpsSimulator } from "./_https.ts";
import { FetchTransport } from "../../lib/transport/fetch.ts";
import { NodeHttpTransport } from "../../lib/transport/node_http.ts";
import { assertInvariants, runAgainst } from "./_harness.ts";

Deno.test("TLS verification is on by default: unknown issuer is a connect_error, not retried", async () => {
  await withHttpsSimulator(async (url, sim) => {
    const run = await runAgainst(url, { retries: 2 });
    // Nothing reached the HTTP server: a failed handshake is an attempt that never arrived.
    assertInvariants(run, {
      outcome: "connect_error",
      attempts: 1,
      message: /^TLS: .*certificate/i,
    });
    assertEquals(sim.requestCount, 0);
  });
});

Deno.test("a private CA is trusted through Deno.createHttpClient({ caCerts })", async () => {
  await withHttpsSimulator(async (url, sim) => {
    const client = Deno.createHttpClient({ caCerts: [CA] });
    const transport = new FetchTransport(fetch, {
      init: { client },
      onClose: () => client.close(),
    });
    const run = await runAgainst(url, { transport, requestsPerUser: 3 });
    assertInvariants(run, { serverReceived: sim.requestCount, outcome: "success" });
    assertEquals(sim.requestCount, 3);
  });
});

Deno.test("node:https transport: verifies by default, trusts a CA, or skips verification", async () => {
  await withHttpsSimulator(async (url, sim) => {
    const strict = await runAgainst(url, { transport: new NodeHttpTransport(), retries: 1 });
    assertInvariants(strict, { outcome: "connect_error", attempts: 1, message: /TLS/ });
    const withCa = await runAgainst(url, { transport: new NodeHttpTransport({ caCerts: [CA] }) });
    assertInvariants(withCa, { outcome: "success" });
    const insecure = await runAgainst(url, {
      transport: new NodeHttpTransport({ verifyTls: false }),
      users: 2,
      requestsPerUser: 3,
    });
    assertInvariants(insecure, { outcome: "success" });
    assertEquals(sim.requestCount, 7);
    assert(insecure.records.every((r) => r.outputTokens === 3));
  });
});
