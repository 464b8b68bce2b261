/**
 * One measured run: a client process against the lean simulator (its own process), with the OS's CPU
 * and memory figures of the client around exactly the measured work, and the timing error against the
 * simulator's ground truth.
 *
 * @module
 */

import { Child, cpuSeconds, cpuTimes, memoryMb } from "./_proc.ts";
import type { ClientResult } from "./clients/_protocol.ts";
import type { LagSummary } from "./clients/_lag_probe.ts";
import { type TimingError, timingError } from "./truth.ts";

/** A client the benchmark can run: its command line, given the common flags. */
export interface ClientSpec {
  /** Short name for the table. */
  name: string;
  /** The command, given the common flags (`--url ... --out ...`). */
  command: (flags: string[]) => string[];
}

/** A running lean simulator. */
export interface LeanSim {
  /** Base URL. */
  url: string;
  /** The process. */
  child: Child;
}

/**
 * Starts the lean simulator in its own process.
 *
 * @param ttftMs Time to first token.
 * @param itlMs Inter-token latency.
 * @param phase `random` spreads streams' token times; `sync` keeps streams that start together in
 * lock-step (every stream's token at once, like a decode step).
 * @returns The running simulator.
 */
export async function startLeanSim(
  ttftMs: number,
  itlMs: number,
  phase: "random" | "sync" = "random",
): Promise<LeanSim> {
  const child = new Child([
    Deno.execPath(),
    "run",
    "-A",
    new URL("./lean_sim.ts", import.meta.url).pathname,
    "--ttft-ms",
    String(ttftMs),
    "--itl-ms",
    String(itlMs),
    "--phase",
    phase,
  ]);
  const line = await child.expect("LISTEN ");
  return { url: `http://127.0.0.1:${line.split(" ")[1]}`, child };
}

/** What one run measured. */
export interface RunFigures {
  /** Client name. */
  client: string;
  /** Concurrent streams. */
  users: number;
  /** Requests completed. */
  requests: number;
  /** Failed requests. */
  failures: number;
  /** Tokens received. */
  tokens: number;
  /** Wall time of the measured work, s. */
  wallS: number;
  /** Client CPU seconds (user + sys, every thread) during the measured work. */
  cpuS: number;
  /** The system (kernel) part of `cpuS`. */
  sysS: number;
  /** Simulator CPU seconds during the same span. */
  simCpuS: number;
  /** Client RSS when ready (before any request), MB. */
  idleRssMb: number;
  /** Client peak RSS over its life, MB. */
  peakRssMb: number;
  /** Client event-loop lag. */
  lag: LagSummary;
  /** Simulator event-loop lag. */
  simLag: LagSummary;
  /** Timing error against the ground truth. */
  error: TimingError;
  /** Client-specific extras (e.g. its own health verdict). */
  extra?: Record<string, unknown>;
}

/** Parameters of one run. */
export interface RunParams {
  /** Concurrent streams (users). */
  users: number;
  /** Requests per user. */
  requests: number;
  /** Output tokens per request. */
  tokens: number;
}

/**
 * Runs one client once against a running lean simulator.
 *
 * @param sim The simulator.
 * @param client The client.
 * @param p Users, requests, tokens.
 * @returns The figures.
 */
export async function measure(sim: LeanSim, client: ClientSpec, p: RunParams): Promise<RunFigures> {
  await fetch(`${sim.url}/__reset`).then((r) => r.body?.cancel());
  const out = await Deno.makeTempFile({ suffix: ".json" });
  const flags = [
    "--url",
    `${sim.url}/v1/chat/completions`,
    "--users",
    String(p.users),
    "--requests",
    String(p.requests),
    "--tokens",
    String(p.tokens),
    "--out",
    out,
  ];
  const child = new Child(client.command(flags));
  try {
    await child.expect("READY");
    const idle = memoryMb(child.pid);
    const cpu0 = cpuTimes(child.pid);
    const sim0 = cpuSeconds(sim.child.pid);
    const t0 = performance.now();
    await child.send("go");
    await child.expect("DONE");
    const wallS = (performance.now() - t0) / 1000;
    const cpu1 = cpuTimes(child.pid);
    const cpuS = cpu1.user + cpu1.system - cpu0.user - cpu0.system;
    const sysS = cpu1.system - cpu0.system;
    const simCpuS = cpuSeconds(sim.child.pid) - sim0;
    const mem = memoryMb(child.pid);
    await child.send("bye");
    await child.end();
    const result: ClientResult = JSON.parse(await Deno.readTextFile(out));
    const truth = await (await fetch(`${sim.url}/__truth`)).json();
    return {
      client: client.name,
      users: p.users,
      requests: result.requests.length,
      failures: result.failures,
      tokens: result.tokens,
      wallS,
      cpuS,
      sysS,
      simCpuS,
      idleRssMb: idle.rssMb,
      peakRssMb: mem.peakMb,
      lag: result.lag,
      simLag: truth.lag,
      error: timingError(result.requests, truth.requests),
      extra: result.extra,
    };
  } catch (e) {
    await child.kill();
    throw new Error(`${client.name}: ${(e as Error).message}\n${await child.stderr}`);
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}
