// The node:http(s) transport (used by --insecure) classifies socket faults like the fetch transport.
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
import type { OutcomeKind } from "../../lib/record.ts";
import { NodeHttpTransport } from "../../lib/transport/node_http.ts";
import { assertInvariants, type CaseOptions, runAgainst } from "./_harness.ts";

const cases: [string, FaultScript, OutcomeKind, number, CaseOptions?][] = [
  ["a good stream", (_r, s) => respondStream(s, goodStream(3)).then(() => {}), "success", 1],
  ["reset before the headers", (_r, s) => s.reset(), "connection_reset", 3],
  ["closed before the headers", (_r, s) => s.end(), "connection_reset", 3],
  [
    "reset mid-stream after output",
    async (_r, s) => {
      await s.write(SSE_HEAD);
      await s.write(chunk(event(delta("a"))));
      s.reset();
    },
    "incomplete_body",
    1,
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
  ],
  [
    "a 6 MiB event",
    (_r, s) => respondStream(s, event(delta("x".repeat(6 * 1024 * 1024)))).then(() => {}),
    "response_too_large",
    1,
  ],
];

for (const [name, script, outcome, attempts, options] of cases) {
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
      assertInvariants(run, { serverReceived: server.requests.length, outcome, attempts });
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
