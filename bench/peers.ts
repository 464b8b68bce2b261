/**
 * The installable peers, AIPerf and GuideLLM, run as black boxes against the lean simulator. They
 * cannot tell which request is which, so they are compared on their reported percentiles against the
 * simulator's true ones, and on CPU per token: the CPU of the whole process tree (they spawn worker
 * processes), minus that of a one-request run (their start-up takes seconds of CPU), over the tokens.
 * Both insist on a Hugging Face tokenizer, which cannot be downloaded here: bench/make_tokenizer.py
 * writes a tiny word-level one they load from disk.
 *
 * @module
 */

import { Child } from "./_proc.ts";
import type { LeanSim } from "./_scenario.ts";

/** What a peer reported, next to the truth. */
export interface PeerFigures {
  /** Peer name. */
  name: string;
  /** CPU seconds of the measured run (process tree), minus the one-request run's. */
  marginalCpuS: number;
  /** Tokens of the measured run minus the one-request run's. */
  marginalTokens: number;
  /** Reported TTFT p50 / p99, ms. */
  ttft: [number, number];
  /** Reported per-request mean inter-token time (TPOT) p50, ms. */
  tpotP50: number;
  /** The truth over the same run: TTFT (first token written - arrival) p50 / p99, TPOT p50. */
  truth: { ttft: [number, number]; tpotP50: number };
  /** Why it did not run, when it did not. */
  error?: string;
}

/** Runs a command under bash and returns the CPU seconds of everything it started (cutime+cstime). */
async function treeCpu(cmd: string[]): Promise<{ cpuS: number; ok: boolean; log: string }> {
  const script = 'log=$1; shift; "$@" >"$log" 2>&1; rc=$?; read -a f < /proc/$$/stat; ' +
    'echo "CPU ${f[15]} ${f[16]} $rc"';
  const log = await Deno.makeTempFile();
  const child = new Child(["bash", "-c", script, "--", log, ...cmd]);
  const line = await child.expect("CPU ");
  await child.end();
  const [, u, s, rc] = line.split(" ");
  return { cpuS: (Number(u) + Number(s)) / 100, ok: rc === "0", log: await Deno.readTextFile(log) };
}

function pct(sorted: number[], q: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** True TTFT p50/p99 and TPOT p50 from the simulator's truth rows. */
export function truthPercentiles(rows: (string | number)[][]): PeerFigures["truth"] {
  const ttft = rows.map((r) => (r[3] as number) - (r[2] as number)).sort((a, b) => a - b);
  const tpot = rows.filter((r) => r.length > 4).map((r) =>
    ((r[r.length - 1] as number) - (r[3] as number)) / (r.length - 4)
  ).sort((a, b) => a - b);
  return { ttft: [pct(ttft, 0.5), pct(ttft, 0.99)], tpotP50: pct(tpot, 0.5) };
}

/**
 * Runs AIPerf and GuideLLM at `users` concurrency, `requests` per user, `tokens` per request.
 *
 * @param sim The simulator (its ITL and TTFT set by the caller).
 * @param venv bench/.venv.
 * @param tokenizer The local tokenizer directory.
 * @param users Concurrency.
 * @param requests Requests per user.
 * @param tokens Output tokens per request.
 * @returns One figure set per peer.
 */
export async function runPeers(
  sim: LeanSim,
  venv: string,
  tokenizer: string,
  users: number,
  requests: number,
  tokens: number,
): Promise<PeerFigures[]> {
  const out: PeerFigures[] = [];
  const dir = await Deno.makeTempDir();
  const aiperf = (count: number, conc: number) => [
    `${venv}/bin/aiperf`,
    "profile",
    "--url",
    sim.url,
    "--endpoint-type",
    "chat",
    "--streaming",
    "--model",
    "lean",
    "--tokenizer",
    tokenizer,
    "--concurrency",
    String(conc),
    "--request-count",
    String(count),
    "--use-server-token-count",
    "--output-tokens-mean",
    String(tokens),
    "--artifact-dir",
    `${dir}/aiperf${count}`,
  ];
  const guidellm = (count: number, conc: number) => [
    `${venv}/bin/guidellm`,
    "run",
    "--backend",
    `kind=openai_http,target=${sim.url},model=lean`,
    "--tokenizer",
    `kind=huggingface_auto,model=${tokenizer}`,
    "--profile",
    `kind=concurrent,streams=${conc}`,
    "--data",
    `kind=synthetic_text,prompt_tokens=16,output_tokens=${tokens}`,
    "--constraint",
    `kind=max_requests,count=${count}`,
    "--disable-progress",
    "--output",
    `kind=json,path=${dir}/guidellm${count}.json`,
  ];
  const peers: [string, (n: number, c: number) => string[], (n: number) => Promise<Reported>][] = [
    ["AIPerf", aiperf, (n) => readAiperf(`${dir}/aiperf${n}/profile_export_aiperf.json`)],
    ["GuideLLM", guidellm, (n) => readGuidellm(`${dir}/guidellm${n}.json`)],
  ];
  const count = users * requests;
  for (const [name, command, read] of peers) {
    try {
      const small = await treeCpu(command(1, 1));
      if (!small.ok) throw new Error(lastLine(small.log));
      await fetch(`${sim.url}/__reset`).then((r) => r.body?.cancel());
      const big = await treeCpu(command(count, users));
      if (!big.ok) throw new Error(lastLine(big.log));
      const truth = await (await fetch(`${sim.url}/__truth`)).json();
      const reported = await read(count);
      out.push({
        name,
        marginalCpuS: big.cpuS - small.cpuS,
        marginalTokens: (count - 1) * tokens,
        ttft: reported.ttft,
        tpotP50: reported.tpotP50,
        truth: truthPercentiles(truth.requests),
      });
    } catch (e) {
      out.push({
        name,
        marginalCpuS: NaN,
        marginalTokens: 0,
        ttft: [NaN, NaN],
        tpotP50: NaN,
        truth: { ttft: [NaN, NaN], tpotP50: NaN },
        error: (e as Error).message.slice(0, 200),
      });
    }
  }
  return out;
}

interface Reported {
  ttft: [number, number];
  tpotP50: number;
}

async function readAiperf(path: string): Promise<Reported> {
  const j = JSON.parse(await Deno.readTextFile(path));
  return {
    ttft: [j.time_to_first_token.p50, j.time_to_first_token.p99],
    tpotP50: j.inter_token_latency.p50,
  };
}

async function readGuidellm(path: string): Promise<Reported> {
  const m = JSON.parse(await Deno.readTextFile(path)).benchmarks[0].metrics;
  const ttft = m.time_to_first_token_ms.successful;
  return {
    ttft: [ttft.median, ttft.percentiles.p99],
    tpotP50: m.time_per_output_token_ms.successful.median,
  };
}

function lastLine(log: string): string {
  const lines = log.trim().split("\n").filter((l) => /error/i.test(l));
  return (lines.at(-1) ?? log.trim().split("\n").at(-1) ?? "failed").trim();
}
