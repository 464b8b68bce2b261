/**
 * `deno task bench [--quick] [--no-peers] [--json FILE]`: is the load generator ever the bottleneck?
 * Every client runs in its own process against the lean simulator (bench/lean_sim.ts, its own
 * process too), one after the other in the same session, and is measured the same way:
 *
 * 1. accuracy and cost over concurrency (TTFT 20 ms, ITL 20 ms): CPU per token (user + sys of the
 *    client process from /proc, every thread), peak RSS per 1,000 streams, event-loop lag, and the
 *    timing error of every request against the simulator's ground truth (bench/truth.ts);
 * 2. CPU per 1,000 requests (short answers);
 * 3. the highest token rate and request rate each client sustains with its event-loop lag p90 under
 *    1 ms (and the simulator delivering what was offered);
 * 4. memory against run length;
 * 5. (full mode) the installable peers AIPerf and GuideLLM (bench/peers.ts).
 *
 * Clients: `raw` (the physical limit: raw sockets, event boundaries only), `vllm-aiohttp` (our
 * re-creation of vLLM's benchmark client in Python), batchbench with `fetch`, with `http1`, and with
 * `http1` over 2 Web Workers. The machine has 2 cores, shared by the simulator and the client (and
 * whatever else runs): compare figures within one run, not across machines.
 *
 * @module
 */

import { Child } from "./_proc.ts";
import {
  type ClientSpec,
  measure,
  type RunFigures,
  type RunParams,
  startLeanSim,
} from "./_scenario.ts";
import { type PeerFigures, runPeers } from "./peers.ts";

const QUICK = Deno.args.includes("--quick");
const PEERS = !QUICK && !Deno.args.includes("--no-peers");
const jsonAt = Deno.args.indexOf("--json");
const JSON_OUT = jsonAt >= 0 ? Deno.args[jsonAt + 1] : undefined;
const here = (p: string) => new URL(p, import.meta.url).pathname;
const VENV = here("./.venv");
const deno = (file: string, extra: string[] = []) => (f: string[]) => [
  Deno.execPath(),
  "run",
  "-A",
  here(file),
  ...f,
  ...extra,
];

async function ensurePython(peers: boolean): Promise<boolean> {
  const need = async (bin: string) => {
    try {
      await Deno.stat(`${VENV}/bin/${bin}`);
      return false;
    } catch {
      return true;
    }
  };
  const missing = (await need("python")) ||
    (peers && ((await need("aiperf")) || (await need("guidellm"))));
  if (missing) {
    console.error(
      "bench: setting up bench/.venv (aiohttp" + (peers ? ", aiperf, guidellm" : "") + ")...",
    );
    const args = peers ? ["aiperf", "guidellm"] : [];
    const status = await new Deno.Command(here("./setup.sh"), {
      args,
      stdout: "inherit",
      stderr: "inherit",
    })
      .output();
    if (!status.success) return false;
  }
  const check = await new Deno.Command(`${VENV}/bin/python`, { args: ["-c", "import aiohttp"] })
    .output()
    .catch(() => ({ success: false }));
  return check.success;
}

const python = await ensurePython(PEERS);
const CLIENTS: ClientSpec[] = [
  { name: "raw", command: deno("./clients/raw.ts") },
  ...(python
    ? [{
      name: "vllm-aiohttp",
      command: (f: string[]) => [`${VENV}/bin/python`, here("./clients/vllm_style.py"), ...f],
    }]
    : []),
  { name: "bb-fetch", command: deno("./clients/batchbench.ts", ["--transport", "fetch"]) },
  { name: "bb-http1", command: deno("./clients/batchbench.ts", ["--transport", "http1"]) },
  {
    name: "bb-http1-2w",
    command: deno("./clients/batchbench.ts", ["--transport", "http1", "--workers", "2"]),
  },
];
const client = (name: string) => CLIENTS.find((c) => c.name === name);

const f1 = (n: number) => Number.isFinite(n) ? n.toFixed(1) : "n/a";
const f2 = (n: number) => Number.isFinite(n) ? n.toFixed(2) : "n/a";
const f0 = (n: number) => Number.isFinite(n) ? n.toFixed(0) : "n/a";

function table(title: string, head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join(" | ") +
    " |";
  console.log(`\n### ${title}\n`);
  console.log(line(head));
  console.log(
    "|" +
      widths.map((w, i) => (i === 0 ? "-" : "") + "-".repeat(w + 1) + (i === 0 ? "" : ":")).join(
        "|",
      ) + "|",
  );
  for (const r of rows) console.log(line(r));
}

const results: Record<string, unknown> = {
  quick: QUICK,
  deno: Deno.version.deno,
  cpus: navigator.hardwareConcurrency,
};
const started = performance.now();
console.log(
  `batchbench bench (${QUICK ? "quick" : "full"}): Deno ${Deno.version.deno}, ` +
    `${navigator.hardwareConcurrency} cores shared by the simulator and the client` +
    (python ? "" : "; Python peers unavailable (bench/setup.sh failed)"),
);

// ---- 1. accuracy and cost over concurrency ----
const levels = QUICK ? [64, 256, 1024] : [64, 256, 1024, 2048];
const accuracy: RunFigures[] = [];
{
  const sim = await startLeanSim(20, 20);
  const params = (users: number): RunParams => ({
    users,
    requests: QUICK ? 2 : 3,
    tokens: QUICK ? 40 : 60,
  });
  try {
    for (const users of levels) {
      for (const c of CLIENTS) {
        if (QUICK && users > 256 && c.name === "bb-fetch") continue; // seconds of lag: full mode only
        accuracy.push(await measure(sim, c, params(users)));
      }
    }
  } finally {
    await sim.child.kill();
  }
  table(
    "1. Timing error and cost at TTFT 20 ms, ITL 20 ms (error = reported - truth; first request of each user excluded)",
    [
      "streams",
      "client",
      "tok/s",
      "CPU µs/tok",
      "RSS MB/1k streams",
      "lag p50/p99 ms",
      "TTFT err p50/p99 ms",
      "ITL err p50/p99 ms",
      "E2E err p99 ms",
      "sim lag p99 ms",
    ],
    accuracy.map((r) => [
      String(r.users),
      r.client + (r.failures ? ` (${r.failures} failed)` : ""),
      f0(r.tokens / r.wallS),
      f1((r.cpuS / r.tokens) * 1e6),
      f1(((r.peakRssMb - r.idleRssMb) / r.users) * 1000),
      `${f2(r.lag.p50)}/${f2(r.lag.p99)}`,
      `${f2(r.error.ttft.p50)}/${f2(r.error.ttft.p99)}`,
      `${f2(r.error.itl.p50)}/${f2(r.error.itl.p99)}`,
      f2(r.error.e2e.p99),
      f1(r.simLag.p99),
    ]),
  );
  table(
    "1b. Reported percentiles against the true ones: max |reported - true| over p50, p90, p99 (ms)",
    ["streams", "client", "TTFT", "ITL", "TPOT", "E2E", "self-reported lag p50/p99 ms"],
    accuracy.map((r) => {
      const own =
        (r.extra?.clientHealth as { loopLagMs?: { p50: number; p99: number } } | undefined)
          ?.loopLagMs;
      return [
        String(r.users),
        r.client,
        f2(r.error.percentiles.ttft),
        f2(r.error.percentiles.itl),
        f2(r.error.percentiles.tpot),
        f2(r.error.percentiles.e2e),
        own ? `${f2(own.p50)}/${f2(own.p99)}` : "",
      ];
    }),
  );
  results.accuracy = accuracy;
}

// ---- 2. CPU per 1,000 requests ----
const perRequest: RunFigures[] = [];
{
  const sim = await startLeanSim(0, 1);
  try {
    for (const c of CLIENTS) {
      perRequest.push(await measure(sim, c, { users: 32, requests: QUICK ? 20 : 60, tokens: 2 }));
    }
  } finally {
    await sim.child.kill();
  }
  table(
    "2. Cost per request (32 users, 2-token answers, TTFT 0)",
    ["client", "requests", "req/s", "CPU ms per 1,000 requests", "lag p50/p99 ms"],
    perRequest.map((r) => [
      r.client,
      String(r.requests),
      f0(r.requests / r.wallS),
      f0((r.cpuS / r.requests) * 1e6),
      `${f2(r.lag.p50)}/${f2(r.lag.p99)}`,
    ]),
  );
  results.perRequest = perRequest;
}

// ---- 3. highest sustained rates ----
interface Ladder {
  client: string;
  steps: { users: number; rate: number; lagP90: number; delivered: number; ok: boolean }[];
  best: number;
}
async function ladder(
  c: ClientSpec,
  ttftMs: number,
  itlMs: number,
  usersSteps: number[],
  p: Omit<RunParams, "users">,
  rateOf: (r: RunFigures) => number,
  offered: (users: number) => number,
): Promise<Ladder> {
  const sim = await startLeanSim(ttftMs, itlMs);
  const out: Ladder = { client: c.name, steps: [], best: 0 };
  try {
    for (const users of usersSteps) {
      const r = await measure(sim, c, { ...p, users });
      const rate = rateOf(r);
      const delivered = rate / offered(users);
      const ok = r.failures === 0 && r.lag.p90 <= 1;
      out.steps.push({ users, rate, lagP90: r.lag.p90, delivered, ok });
      if (!ok) break;
      out.best = Math.max(out.best, rate);
    }
  } finally {
    await sim.child.kill();
  }
  return out;
}
const rateClients = QUICK
  ? ["raw", "vllm-aiohttp", "bb-http1", "bb-http1-2w"]
  : CLIENTS.map((c) => c.name);
const tokenSteps = QUICK ? [256, 512, 1024] : [128, 256, 512, 1024, 1536, 2048];
const tokenLadders: Ladder[] = [];
const requestLadders: Ladder[] = [];
for (const name of rateClients) {
  const c = client(name);
  if (!c) continue;
  // ITL 10 ms: each stream offers 100 tokens/s; 150 tokens per request.
  tokenLadders.push(
    await ladder(
      c,
      0,
      10,
      tokenSteps,
      { requests: 1, tokens: 150 },
      (r) => r.tokens / r.wallS,
      (u) => u * 100,
    ),
  );
  if (!QUICK) {
    requestLadders.push(
      await ladder(
        c,
        0,
        1,
        [8, 32, 128],
        { requests: 40, tokens: 1 },
        (r) => r.requests / r.wallS,
        () => 0,
      ),
    );
  }
}
table(
  "3. Highest sustained rate with event-loop lag p90 <= 1 ms (ITL 10 ms, 150 tokens per stream; delivered/offered < 1: the shared machine or the simulator could not keep up)",
  ["client", "steps: streams -> tok/s (lag p90 ms, delivered/offered)", "best tok/s", "vs raw"],
  tokenLadders.map((l) => [
    l.client,
    l.steps.map((s) =>
      `${s.users}->${f0(s.rate)} (${f2(s.lagP90)}, ${f2(s.delivered)})${s.ok ? "" : " x"}`
    ).join("  "),
    f0(l.best),
    f2(l.best / (tokenLadders.find((x) => x.client === "raw")?.best ?? NaN)),
  ]),
);
if (requestLadders.length > 0) {
  table(
    "3b. Highest sustained request rate with lag p90 <= 1 ms (1-token answers, TTFT 0)",
    ["client", "steps: users -> req/s (lag p90 ms)", "best req/s"],
    requestLadders.map((l) => [
      l.client,
      l.steps.map((s) => `${s.users}->${f0(s.rate)} (${f2(s.lagP90)})${s.lagP90 <= 1 ? "" : " x"}`)
        .join("  "),
      f0(Math.max(0, ...l.steps.filter((s) => s.lagP90 <= 1).map((s) => s.rate))),
    ]),
  );
}
results.tokenLadders = tokenLadders;
results.requestLadders = requestLadders;

// ---- 4. memory: per 1,000 streams, and against run length ----
interface MemoryRow {
  users: number;
  perUser: number;
  r: RunFigures;
}
const memory: MemoryRow[] = [];
{
  const sim = await startLeanSim(0, 10);
  // No records kept, and the live heap measured after a forced GC every 0.5 s: the library's memory.
  const lean: ClientSpec = {
    name: "bb-http1",
    command: (f) => [
      Deno.execPath(),
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      here("./clients/batchbench.ts"),
      ...f,
      "--transport",
      "http1",
      "--keep",
      "0",
    ],
  };
  const runs: [number, number][] = QUICK
    ? [[1024, 2], [256, 2], [256, 8]]
    : [[1024, 2], [2048, 2], [256, 2], [256, 8], [256, 32]];
  try {
    for (const [users, perUser] of runs) {
      const r = await measure(sim, lean, { users, requests: perUser, tokens: 50 });
      memory.push({ users, perUser, r });
    }
  } finally {
    await sim.child.kill();
  }
  const live = (r: RunFigures) => (r.extra?.liveMb as number | undefined) ?? NaN;
  const liveIdle = (r: RunFigures) => (r.extra?.liveIdleMb as number | undefined) ?? NaN;
  table(
    "4. Memory (bb-http1, ITL 10 ms, 50 tokens; live = V8 heap + buffers after a forced GC, peak over the run)",
    [
      "streams",
      "requests/user",
      "idle RSS MB",
      "peak RSS MB",
      "peak live MB",
      "RSS MB/1k streams",
      "live MB/1k streams",
    ],
    memory.map(({ users, perUser, r }) => [
      String(users),
      String(perUser),
      f1(r.idleRssMb),
      f1(r.peakRssMb),
      f1(live(r)),
      f1(((r.peakRssMb - r.idleRssMb) / users) * 1000),
      f1(((live(r) - liveIdle(r)) / users) * 1000),
    ]),
  );
  results.memory = memory;
}

// ---- 5. peers ----
let peers: PeerFigures[] = [];
if (PEERS && python) {
  const tokenizer = `${VENV}/tokenizer`;
  await new Deno.Command(`${VENV}/bin/python`, { args: [here("./make_tokenizer.py"), tokenizer] })
    .output();
  const sim = await startLeanSim(20, 20);
  try {
    peers = await runPeers(sim, VENV, tokenizer, 256, 2, 60);
    const ours = await measure(sim, client("bb-http1")!, { users: 256, requests: 2, tokens: 60 });
    const vllm = client("vllm-aiohttp") &&
      await measure(sim, client("vllm-aiohttp")!, { users: 256, requests: 2, tokens: 60 });
    const rows = peers.map((p) => [
      p.name,
      p.error ? `failed: ${p.error}` : f1((p.marginalCpuS / p.marginalTokens) * 1e6),
      `${f1(p.ttft[0])}/${f1(p.ttft[1])}`,
      `${f1(p.truth.ttft[0])}/${f1(p.truth.ttft[1])}`,
      f2(p.tpotP50),
      f2(p.truth.tpotP50),
    ]);
    for (const r of [ours, vllm]) {
      if (r) {
        rows.push([r.client, f1((r.cpuS / r.tokens) * 1e6), "(per request: see 1)", "", "", ""]);
      }
    }
    table(
      "5. Peers at 256 streams, TTFT 20 ms, ITL 20 ms, 60 tokens (CPU: process tree, minus a 1-request run)",
      [
        "client",
        "CPU µs/tok",
        "reported TTFT p50/p99",
        "true TTFT p50/p99",
        "reported TPOT p50",
        "true TPOT p50",
      ],
      rows,
    );
  } finally {
    await sim.child.kill();
  }
  results.peers = peers;
}

// ---- targets ----
const at = (users: number, name: string) =>
  accuracy.find((r) => r.users === users && r.client === name);
const cpuTok = (r?: RunFigures) => r ? (r.cpuS / r.tokens) * 1e6 : NaN;
const mid = levels.includes(1024) ? 1024 : levels[levels.length - 1];
const best = accuracy.filter((r) => r.users === mid && r.client.startsWith("bb-http1"))
  .sort((a, b) => a.error.itl.p99 - b.error.itl.p99)[0];
const raw = tokenLadders.find((l) => l.client === "raw")?.best ?? NaN;
const ours = Math.max(
  ...tokenLadders.filter((l) => l.client.startsWith("bb-http1")).map((l) => l.best),
);
const big = memory.filter((m) => m.users >= 1024);
const rssPer1k = Math.max(...big.map((m) => ((m.r.peakRssMb - m.r.idleRssMb) / m.users) * 1000));
const livePer1k = Math.max(
  ...big.map((m) =>
    (((m.r.extra?.liveMb as number) - (m.r.extra?.liveIdleMb as number)) / m.users) * 1000
  ),
);
const byLength = memory.filter((m) => m.users === 256);
const targets: [string, string, boolean][] = [
  [
    `CPU per token <= 1/3 of vllm-aiohttp (256 streams; raw ${f1(cpuTok(at(256, "raw")))} µs)`,
    `${f1(cpuTok(at(256, "bb-http1")))} vs ${f1(cpuTok(at(256, "vllm-aiohttp")))} µs/token = ${
      f2(cpuTok(at(256, "bb-http1")) / cpuTok(at(256, "vllm-aiohttp")))
    }x`,
    cpuTok(at(256, "bb-http1")) <= cpuTok(at(256, "vllm-aiohttp")) / 3,
  ],
  [
    `timing error p99 <= 1 ms at ${mid} streams of 20 ms ITL (${best?.client ?? "n/a"})`,
    best
      ? `TTFT ${f2(best.error.ttft.p99)} ms, ITL ${f2(best.error.itl.p99)} ms (raw: ${
        f2(at(mid, "raw")?.error.ttft.p99 ?? NaN)
      }, ${f2(at(mid, "raw")?.error.itl.p99 ?? NaN)})`
      : "n/a",
    !!best && best.error.ttft.p99 <= 1 && best.error.itl.p99 <= 1,
  ],
  [
    "memory <= 40 MB per 1,000 streams (bb-http1, >= 1,024 streams)",
    `peak RSS ${f1(rssPer1k)} MB, live ${f1(livePer1k)} MB per 1,000 streams`,
    rssPer1k <= 40,
  ],
  [
    "memory flat in run length (bb-http1, 256 streams)",
    byLength.map((m) =>
      `${m.perUser}/user: RSS ${f1(m.r.peakRssMb)}, live ${f1(m.r.extra?.liveMb as number)} MB`
    ).join("; "),
    byLength.length > 1 &&
    (byLength[byLength.length - 1].r.extra?.liveMb as number) <=
      (byLength[0].r.extra?.liveMb as number) * 1.15 + 1,
  ],
  [
    "highest sustained token rate >= 0.7x raw",
    `${f0(ours)} vs ${f0(raw)} tok/s = ${f2(ours / raw)}x`,
    ours >= 0.7 * raw,
  ],
  [
    "percentiles within 1 ms of the truth at 64 streams (bb-http1)",
    (() => {
      const p = at(64, "bb-http1")?.error.percentiles;
      return p
        ? `TTFT ${f2(p.ttft)}, ITL ${f2(p.itl)}, TPOT ${f2(p.tpot)}, E2E ${f2(p.e2e)} ms`
        : "n/a";
    })(),
    (() => {
      const p = at(64, "bb-http1")?.error.percentiles;
      return !!p && Math.max(p.ttft, p.itl, p.tpot, p.e2e) <= 1;
    })(),
  ],
];
table(
  "Targets",
  ["target", "measured", "met"],
  targets.map(([t, m, ok]) => [t, m, ok ? "yes" : "NO"]),
);
results.targets = targets;
console.log(`\nbench took ${f0((performance.now() - started) / 1000)} s`);
if (JSON_OUT) await Deno.writeTextFile(JSON_OUT, JSON.stringify(results, null, 2));
void Child;
