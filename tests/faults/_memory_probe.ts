// The memory probe of memory_test.ts: the 1 GiB answers (generated on the fly by the test's fault
// server), and the client run in its own process (test modules share one process, so resident memory
// is only meaningful alone), with every invariant checked; it prints what happened as JSON.
import { chunk, delta, event, type FaultScript, head, SSE_HEAD } from "../_fault_server.ts";
import { assertInvariants, runAgainst } from "./_harness.ts";

const GIB = 1024 * 1024 * 1024;

function repeat(unit: string, bytes: number): Uint8Array {
  return new TextEncoder().encode(unit.repeat(Math.ceil(bytes / unit.length)));
}

/** Writes `piece` until `total` bytes were offered or the client went away. */
async function offer(write: (b: Uint8Array) => Promise<boolean>, piece: Uint8Array, total: number) {
  for (let sent = 0; sent < total; sent += piece.byteLength) {
    if (!await write(piece)) return;
  }
}

/** Offers a 1 GiB event stream. */
export const streamed: FaultScript = async (_req, s) => {
  await s.write(SSE_HEAD);
  const piece = chunk(repeat(event(delta("abcdefgh")), 256 * 1024));
  await offer((b) => s.write(b), piece, GIB);
};

/** Offers a 1 GiB JSON body. */
export const json: FaultScript = async (_req, s) => {
  await s.write(head(200, { "content-type": "application/json", "content-length": GIB }));
  await s.write('{"choices":[{"index":0,"message":{"role":"assistant","content":"');
  await offer((b) => s.write(b), repeat("a", 256 * 1024), GIB);
};

async function peakRssDelta(fn: () => Promise<void>): Promise<number> {
  const before = Deno.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, Deno.memoryUsage().rss) - before;
}

if (import.meta.main) {
  // Client only: the server runs in the test's process, so its buffers do not count here.
  const [url, kind] = Deno.args;
  const stream = kind === "streamed";
  let run!: Awaited<ReturnType<typeof runAgainst>>;
  const grewBytes = await peakRssDelta(async () => {
    run = await runAgainst(url, { stream, timeoutMs: 30_000, retries: 2 });
  });
  assertInvariants(run, {
    outcome: "response_too_large",
    attempts: 1,
    message: /exceeded 67108864 bytes/,
  });
  console.log(JSON.stringify({ grewBytes, attempts: run.report.attempts }));
}
