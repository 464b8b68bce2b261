// Interruption, as a user does it: the CLI runs against a simulator with slow streams and gets real
// SIGINT/SIGTERM signals at seeded random moments, each sent when the server has observably reached
// a point (request k received, token j of it written), never after a sleep. The first signal must give
// a complete report marked interrupted (console, --output-json, --log-requests) and exit 130/143; a
// second one must exit at once with the request log valid up to its last line.
import { assert, assertEquals } from "../_assert.ts";
import { randomInt, seededRandom } from "../../lib/random.ts";
import { serveSimulator } from "../../lib/simulator/serve.ts";
import { prompts, writePrompts } from "./_cli.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const KEY = "sk-canary-INTERRUPT-5b8e21f0c4";
const USERS = 4;
const REQUESTS_PER_USER = 8;

interface Moment {
  signal: "SIGINT" | "SIGTERM";
  /** Send once request number `request` (0-based) has had `token` tokens written. */
  request: number;
  token: number;
  graceSecs: number;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> | undefined;
  logLines: string[];
  received: number;
  /** From the signal to the process's exit, in ms. */
  exitMs: number;
}

function spawn(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { NO_COLOR: "1", OPENAI_API_KEY: KEY },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Waits for the server-side event, failing (not hanging) if the CLI exits first. */
async function untilReached(reached: Promise<void>, child: Deno.ChildProcess): Promise<void> {
  const exited = child.status.then((s) => {
    throw new Error(`the CLI exited (${s.code}) before the moment to signal it`);
  });
  exited.catch(() => {});
  await Promise.race([reached, exited]);
}

/** Runs the CLI and signals it when the simulator writes token `token` of request `request`. */
async function interruptAt(m: Moment, file: string, extra: string[] = []): Promise<Outcome> {
  const reached = Promise.withResolvers<void>();
  const sim = await serveSimulator({
    ttftMs: 10,
    itlMs: 15,
    outputTokens: 12, // ~190 ms per request
    onTokenWritten: (n, i) => {
      if (n === m.request && i >= m.token) reached.resolve();
    },
  });
  const dir = await Deno.makeTempDir({ prefix: "batchbench_int_" });
  try {
    const child = spawn([
      "--jsonl",
      file,
      "--host",
      sim.url,
      "--users",
      String(USERS),
      "--requests-per-user",
      String(REQUESTS_PER_USER),
      "--grace-secs",
      String(m.graceSecs),
      "--output-json",
      `${dir}/report.json`,
      "--log-requests",
      `${dir}/requests.jsonl`,
      ...extra,
    ]);
    await untilReached(reached.promise, child);
    const sentAt = performance.now();
    child.kill(m.signal);
    const out = await child.output();
    const exitMs = performance.now() - sentAt;
    const dec = new TextDecoder();
    const json = await Deno.readTextFile(`${dir}/report.json`).then(JSON.parse, () => undefined);
    const log = await Deno.readTextFile(`${dir}/requests.jsonl`).catch(() => "");
    return {
      code: out.code,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
      json,
      logLines: log.split("\n").filter((l) => l.length > 0),
      received: sim.simulator.requestCount,
      exitMs,
    };
  } finally {
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

function assertInterrupted(m: Moment, o: Outcome): void {
  const what = `${JSON.stringify(m)}\n${o.stderr}`;
  assertEquals(o.code, m.signal === "SIGINT" ? 130 : 143, what);
  assert(o.stderr.includes(`${m.signal}: stopping`), what);
  assert(o.stdout.includes("Run interrupted"), o.stdout);
  assert(o.json, "the JSON report was written");
  const j = o.json as Record<string, number & boolean>;
  assertEquals(j.interrupted, true);
  assertEquals(j.total_requests, j.completed + j.failed + j.cancelled);
  // The log: one record per request of the report, every line valid JSON.
  const lines = o.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const records = lines.filter((l) => l.type === undefined);
  assertEquals(records.length, j.total_requests, "log records = requests in the report");
  assertEquals(j.attempts, o.received, "attempts reported = attempts the server received");
  assertEquals(j.failed, 0, `nothing failed, requests were finished or cancelled: ${what}`);
  // Request `m.request` had started: at most USERS were in flight, every earlier one had finished.
  assert(j.completed >= m.request + 1 - USERS, `requests before the signal finished: ${what}`);
  // Within the grace (plus process teardown): never the whole remaining run.
  assert(o.exitMs < m.graceSecs * 1000 + 2_000, `exited ${o.exitMs} ms after the signal`);
  for (const text of [o.stdout, o.stderr, JSON.stringify(o.json), o.logLines.join("\n")]) {
    assert(!text.includes(KEY), "the key never appears");
  }
}

Deno.test("first SIGINT/SIGTERM at 12 seeded moments: complete report marked interrupted", async () => {
  const file = await writePrompts(prompts(USERS));
  const random = seededRandom(20_251_128);
  const moments: Moment[] = Array.from({ length: 12 }, (_, i) => ({
    signal: i % 2 === 0 ? "SIGINT" : "SIGTERM",
    request: randomInt(random, 0, USERS * REQUESTS_PER_USER - USERS - 2),
    token: randomInt(random, 0, 11),
    // Short graces cancel the in-flight streams; long ones let them finish.
    graceSecs: [0, 0.05, 0.1, 0.5, 1][randomInt(random, 0, 4)],
  }));
  // Three processes at a time keeps the whole test to a few seconds.
  for (let i = 0; i < moments.length; i += 3) {
    const batch = moments.slice(i, i + 3);
    const outcomes = await Promise.all(batch.map((m) => interruptAt(m, file, ["-q"])));
    batch.forEach((m, k) => assertInterrupted(m, outcomes[k]));
  }
});

Deno.test("a long grace lets in-flight requests finish; a zero grace cancels them", async () => {
  const file = await writePrompts(prompts(USERS));
  const finish = await interruptAt({ signal: "SIGINT", request: 5, token: 2, graceSecs: 5 }, file, [
    "-q",
  ]);
  assertInterrupted({ signal: "SIGINT", request: 5, token: 2, graceSecs: 5 }, finish);
  const j = finish.json as Record<string, number>;
  assertEquals(j.cancelled, 0, "every in-flight request finished within the grace");
  assertEquals(j.completed, finish.received);
  const cut = await interruptAt({ signal: "SIGTERM", request: 5, token: 2, graceSecs: 0 }, file, [
    "-q",
  ]);
  assertInterrupted({ signal: "SIGTERM", request: 5, token: 2, graceSecs: 0 }, cut);
  assert((cut.json as Record<string, number>).cancelled > 0, "in-flight requests were cancelled");
});

Deno.test("a second signal exits at once; the request log is valid up to its last line", async () => {
  const file = await writePrompts(prompts(USERS));
  // Each user's first request is quick; every later one stalls. Once the server has received every
  // user's second request, every first request is in the log, and the stalls are in flight.
  const reached = Promise.withResolvers<void>();
  const sim = await serveSimulator({
    ttftMs: 5,
    itlMs: 5,
    outputTokens: 3,
    fault: (n) => {
      if (n === 2 * USERS - 1) reached.resolve();
      return n >= USERS ? { kind: "stall", afterTokens: 1 } : undefined;
    },
  });
  const dir = await Deno.makeTempDir({ prefix: "batchbench_int2_" });
  try {
    const child = spawn([
      "--jsonl",
      file,
      "--host",
      sim.url,
      "--users",
      String(USERS),
      "--requests-per-user",
      "3",
      "--grace-secs",
      "60",
      "--log-requests",
      `${dir}/requests.jsonl`,
      "--output-json",
      `${dir}/report.json`,
    ]);
    await untilReached(reached.promise, child);
    child.kill("SIGINT");
    // Wait for the CLI to acknowledge the first signal on stderr, then send the second.
    const reader = child.stderr.getReader();
    const dec = new TextDecoder();
    let stderr = "";
    while (!stderr.includes("stopping")) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += dec.decode(value, { stream: true });
    }
    const sentAt = performance.now();
    child.kill("SIGINT");
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      stderr += dec.decode(r.value);
    }
    const status = await child.status;
    const exitMs = performance.now() - sentAt;
    await child.stdout.cancel();
    assertEquals(status.code, 130, stderr);
    assert(exitMs < 2_000, `exited ${exitMs} ms after the second signal, not after the 60 s grace`);
    const log = await Deno.readTextFile(`${dir}/requests.jsonl`);
    const lines = log.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));
    assert(log.endsWith("\n"), "no half-written line");
    const records = lines.filter((l) => l.type === undefined);
    assertEquals(records.length, USERS, "the finished requests, each on its line");
    assert(records.every((r) => r.outcome === "success"));
    assert(!log.includes(KEY) && !stderr.includes(KEY));
  } finally {
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
