// Bounded memory: a loopback server offers a 1 GiB answer generated on the fly (streamed SSE, and a
// non-streamed JSON body). The client stops reading at its response cap (64 MiB by default), the
// request is `response_too_large` (checked with every invariant, in the probe), the server never
// gets to send the whole GiB, and the process's resident memory stays flat. Each case runs in its
// own process (_memory_probe.ts): test modules share one process and its resident memory.
import { assert, assertEquals } from "../_assert.ts";
import { startFaultServer } from "../_fault_server.ts";
import { json, streamed } from "./_memory_probe.ts";

const PROBE = new URL("./_memory_probe.ts", import.meta.url).pathname;
const MIB = 1024 * 1024;

for (const kind of ["streamed", "json"]) {
  Deno.test(`a 1 GiB ${kind} answer: response_too_large at the cap, memory flat`, async () => {
    const server = await startFaultServer(kind === "streamed" ? streamed : json);
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", PROBE, server.url, kind],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 0, stderr);
      const { grewBytes, attempts } = JSON.parse(new TextDecoder().decode(out.stdout));
      assertEquals(attempts, server.requests.length, "attempts reported = attempts received");
      assert(server.bytesWritten < 256 * MIB, `the server sent ${server.bytesWritten} bytes`);
      assert(grewBytes < 200 * MIB, `resident memory grew ${Math.round(grewBytes / MIB)} MiB`);
    } finally {
      await server.close();
    }
  });
}
