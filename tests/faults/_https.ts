// A loopback HTTPS simulator with the test-only certificates of tests/fixtures/tls/.
import { Simulator } from "../../lib/simulator/handler.ts";

const FIXTURES = new URL("../fixtures/tls/", import.meta.url);

/** Path of the test-only CA certificate that signed the server's. */
export const CA_PATH: string = new URL("ca.pem", FIXTURES).pathname;
/** The test-only CA certificate (PEM). */
export const CA: string = Deno.readTextFileSync(CA_PATH);
const CERT = Deno.readTextFileSync(new URL("server.pem", FIXTURES));
const KEY_PEM = Deno.readTextFileSync(new URL("server.key", FIXTURES));

/** An HTTPS simulator on loopback. */
export async function withHttpsSimulator(
  fn: (url: string, sim: Simulator) => Promise<void>,
): Promise<void> {
  const sim = new Simulator({ ttftMs: 0, itlMs: 0, outputTokens: 3 });
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    cert: CERT,
    key: KEY_PEM,
    onListen: (addr) => listening.resolve(addr),
  }, sim.handler);
  const addr = await listening.promise;
  try {
    await fn(`https://127.0.0.1:${addr.port}`, sim);
  } finally {
    sim.abortAll();
    await server.shutdown();
  }
}
