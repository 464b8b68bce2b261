// The node:http(s) transport (used by --insecure) classifies socket faults like the fetch transport.
import { closedPort, startFaultServer } from "../_fault_server.ts";
import { NodeHttpTransport } from "../../lib/transport/node_http.ts";
import { assertInvariants, runAgainst } from "./_harness.ts";
import { SOCKET_CASES } from "./_socket_cases.ts";

// The subset of the shared socket cases that node:http sees the same way.
const NODE_CASES = new Set([
  "a good stream",
  "reset before the headers",
  "closed before the headers",
  "reset mid-stream after output",
  "stall after one token",
  "a 503 with a JSON error",
  "a 6 MiB event",
]);
const cases = SOCKET_CASES.filter(([name]) => NODE_CASES.has(name));

for (const [name, script, outcome, attempts, options, message] of cases) {
  Deno.test(`node:http transport: ${name} -> ${outcome}`, async () => {
    const server = await startFaultServer(script);
    const transport = new NodeHttpTransport();
    try {
      const run = await runAgainst(server.url, {
        transport,
        retries: 2,
        limits: { maxEventBytes: 1024 * 1024 },
        ...options,
      });
      assertInvariants(run, { serverReceived: server.requests.length, outcome, attempts, message });
    } finally {
      await server.close();
    }
  });
}

Deno.test("node:http transport: refused -> connect_error, retried", async () => {
  const run = await runAgainst(`http://127.0.0.1:${closedPort()}`, {
    transport: new NodeHttpTransport(),
    retries: 1,
  });
  assertInvariants(run, { outcome: "connect_error", attempts: 2, message: /ECONNREFUSED|refused/ });
});
