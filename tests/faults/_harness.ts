// The fault suite's harness: run a benchmark against a misbehaving server (a raw socket server on the
// real clock, or the simulator's handler on a manual clock) and check the invariants every run keeps
// (FAULTS.md), whatever the server did. A canary API key is sent on every run and must appear nowhere.
import { assert, assertEquals } from "../_assert.ts";
import { ManualClock, realClock } from "../../lib/clock.ts";
import { BenchmarkConfig, type Limits, RunMode } from "../../lib/config.ts";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import type { OutcomeKind, RequestRecord } from "../../lib/record.ts";
import { formatReport } from "../../lib/report/console.ts";
import { reportToJson } from "../../lib/report/json.ts";
import { type BenchmarkReport, buildReport } from "../../lib/report/report.ts";
import { runBenchmark, type RunOptions } from "../../lib/runner.ts";
import { Simulator, type SimulatorOptions } from "../../lib/simulator/handler.ts";
import { FetchTransport } from "../../lib/transport/fetch.ts";
import type { Transport } from "../../lib/transport/types.ts";

/** The canary: sent as the API key on every run of the suite; must never appear in any output. */
export const KEY = "sk-canary-FAULTS-7d1e0c9b5a3f";

/** How to run one case. */
export interface CaseOptions {
  users?: number;
  requestsPerUser?: number;
  stream?: boolean;
  timeoutMs?: number;
  idleTimeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  limits?: Partial<Limits>;
  path?: string;
  transport?: Transport;
  run?: RunOptions;
}

/** What a case produced. */
export interface FaultRun {
  report: BenchmarkReport;
  records: RequestRecord[];
  json: Record<string, unknown>;
  text: string;
  /** Run time on the run's clock. */
  elapsedMs: number;
  /** The longest the run may take given its timeouts, retries and backoff caps. */
  boundMs: number;
  options: Required<Pick<CaseOptions, "users" | "requestsPerUser" | "timeoutMs" | "retries">>;
}

function body(stream: boolean) {
  return {
    model: "m",
    messages: [{ role: "user", content: "hello fault" }],
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  };
}

function configFor(baseUrl: string, o: CaseOptions): BenchmarkConfig {
  const config = BenchmarkConfig.tryNew(
    `${baseUrl}${o.path ?? "/v1/chat/completions"}`,
    KEY,
    o.users ?? 1,
    RunMode.finite(o.requestsPerUser ?? 1),
    body(o.stream ?? true),
  )
    .withRequestTimeout(o.timeoutMs ?? 2_000)
    .withRetry(o.retries ?? 0, o.retryDelayMs ?? 1);
  if (o.idleTimeoutMs) config.withIdleTimeout(o.idleTimeoutMs);
  if (o.limits) config.withLimits(o.limits);
  if (o.maxRetryDelayMs !== undefined) config.maxRetryDelayMs = o.maxRetryDelayMs;
  return config;
}

function boundOf(config: BenchmarkConfig, o: CaseOptions, graceMs: number): number {
  const perAttempt = config.requestTimeoutMs;
  const attempts = config.maxRetries + 1;
  const perRequest = attempts * perAttempt + config.maxRetries * config.maxRetryDelayMs;
  const requests = o.requestsPerUser ?? 1;
  return requests * perRequest + (o.run?.signal ? graceMs : 0);
}

function finish(
  report: BenchmarkReport,
  records: RequestRecord[],
  elapsedMs: number,
  boundMs: number,
  o: CaseOptions,
): FaultRun {
  return {
    report,
    records,
    json: reportToJson(report),
    text: formatReport(report),
    elapsedMs,
    boundMs,
    options: {
      users: o.users ?? 1,
      requestsPerUser: o.requestsPerUser ?? 1,
      timeoutMs: o.timeoutMs ?? 2_000,
      retries: o.retries ?? 0,
    },
  };
}

/** Runs a case against a real server at `baseUrl` (loopback), on the real clock. */
export async function runAgainst(baseUrl: string, o: CaseOptions = {}): Promise<FaultRun> {
  const config = configFor(baseUrl, o);
  const records: RequestRecord[] = [];
  const t0 = realClock.now();
  const report = await runBenchmark(config, {
    seed: 1,
    monitorHealth: false,
    transport: o.transport,
    ...o.run,
    onRecord: (r) => {
      records.push(r);
      o.run?.onRecord?.(r);
    },
  });
  // Slack for a loaded CI machine: the bound is about the run ending at all, not about precision.
  const bound = boundOf(config, o, o.run?.graceMs ?? 5_000) + 1_500;
  return finish(report, records, realClock.now() - t0, bound, o);
}

/**
 * Runs a case against the simulator's handler in-process (no sockets) on a manual clock: time is
 * exact, so the run must end exactly within its bound.
 */
export async function runSimulated(
  sim: SimulatorOptions,
  o: CaseOptions = {},
): Promise<FaultRun & { simulator: Simulator }> {
  const clock = new ManualClock();
  const simulator = new Simulator({ ttftMs: 1, itlMs: 1, outputTokens: 4, ...sim, clock });
  // Like a real fetch: rejects when the signal aborts before the headers arrive.
  const transport = new FetchTransport((input, init) => {
    const signal = init?.signal ?? undefined;
    const answer = simulator.handler(new Request(input as string, init), { signal });
    if (!signal) return answer;
    return Promise.race([
      answer,
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
    ]);
  });
  const config = configFor("http://sim.test", o);
  const records: RequestRecord[] = [];
  let done = false;
  const running = runBenchmark(config, {
    seed: 1,
    monitorHealth: false,
    clock,
    transport,
    ...o.run,
    onRecord: (r) => records.push(r),
  }).finally(() => done = true);
  const bound = boundOf(config, o, o.run?.graceMs ?? 5_000);
  for (let i = 0; !done && i <= bound + 10; i++) await clock.advance(1);
  assert(done, `the run did not end within ${bound} ms of manual time`);
  const report = await running;
  return { ...finish(report, records, clock.now(), bound, o), simulator };
}

/** What the invariants check beyond the universal ones. */
export interface Expect {
  /** Attempts the server received (omit when nothing listened, e.g. a refused connection). */
  serverReceived?: number;
  /** The outcome of every request. */
  outcome?: OutcomeKind;
  /** Attempts of every request. */
  attempts?: number;
  /** A pattern every error message matches. */
  message?: RegExp;
}

const REFERENCE_KEYS = Object.keys(reportToJson(buildReport(new Aggregator(), {}))).sort();

/**
 * Asserts the invariants of FAULTS.md on a run, plus what the case expects: totals add up, attempts
 * match what the server saw, tokens add up, the run ended within its bound, no NaN anywhere, the report
 * is complete, and the canary key appears nowhere.
 */
export function assertInvariants(run: FaultRun, expect: Expect = {}): void {
  const { report, records, json, text } = run;
  const where = `${records.map((r) => `${r.outcome}: ${r.error?.message ?? ""}`).join("; ")}`;
  // total = successes + failures + cancelled = records seen by onRecord (= planned requests).
  assertEquals(
    report.totalRequests,
    report.successfulRequests + report.failedRequests + report.cancelledRequests,
  );
  assertEquals(report.totalRequests, records.length);
  if (!report.interrupted) {
    assertEquals(records.length, run.options.users * run.options.requestsPerUser, where);
  }
  const sum = (f: (r: RequestRecord) => number, only?: (r: RequestRecord) => boolean) =>
    records.filter(only ?? (() => true)).reduce((a, r) => a + f(r), 0);
  assertEquals(report.attempts, sum((r) => r.attempts), "reported attempts = attempts of records");
  if (expect.serverReceived !== undefined) {
    assertEquals(report.attempts, expect.serverReceived, `attempts = server received (${where})`);
  }
  const ok = (r: RequestRecord) => r.outcome === "success";
  assertEquals(report.totalCompletionTokens, sum((r) => r.outputTokens, ok), "output tokens");
  assertEquals(report.totalPromptTokens, sum((r) => r.promptTokens ?? 0, ok), "prompt tokens");
  const failures = Object.values(report.failuresByKind).reduce((a, n) => a + n, 0);
  assertEquals(failures, report.failedRequests, "failures by kind add up");
  assert(run.elapsedMs <= run.boundMs, `run took ${run.elapsedMs} ms, bound ${run.boundMs} ms`);
  // No NaN or infinity anywhere; the report has every key.
  assertFiniteNumbers(json, "report");
  assertFiniteNumbers(records, "records");
  assertEquals(Object.keys(json).sort(), REFERENCE_KEYS, "the report JSON is complete");
  assert(text.includes("Serving Benchmark Result") && !/NaN|undefined/.test(text), text);
  for (const r of records) {
    if (r.outcome === "success") assertEquals(r.error, undefined);
    else {
      assertEquals(r.error?.kind, r.outcome, "a failed record carries its error");
      assert((r.error?.message ?? "").length > 0, "with a message");
      assert(r.error!.message.length <= 300, "a bounded excerpt");
    }
    if (expect.outcome) assertEquals(r.outcome, expect.outcome, where);
    if (expect.attempts !== undefined) assertEquals(r.attempts, expect.attempts, where);
    if (expect.message) assert(expect.message.test(r.error?.message ?? ""), where);
  }
  assertNoKey(JSON.stringify(json), "report JSON");
  assertNoKey(text, "console report");
  assertNoKey(JSON.stringify(records), "records");
  assertNoKey(JSON.stringify(report), "report object");
}

/** Fails when the canary key, or a recognisable piece of it, is in `text`. */
export function assertNoKey(text: string, what: string): void {
  for (const piece of [KEY, KEY.slice(0, 12), KEY.slice(-12)]) {
    assert(!text.includes(piece), `${what} leaks the key (${piece}): ${text.slice(0, 2000)}`);
  }
}

function assertFiniteNumbers(value: unknown, path: string): void {
  if (typeof value === "number") {
    assert(Number.isFinite(value), `${path} is ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertFiniteNumbers(v, `${path}[${i}]`));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertFiniteNumbers(v, `${path}.${k}`);
  }
}
