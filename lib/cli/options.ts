/**
 * Command-line options: argv -> validated {@linkcode CliOptions}. Pure: the environment is passed in, and
 * every problem is a {@linkcode ConfigError} that names the flag.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../errors.ts";
import type { Slo } from "../metrics/aggregate.ts";
import {
  LOAD_FLAGS,
  type LoadOptions,
  parseLoadOptions,
  parseOutputTokens,
} from "./load_options.ts";
import { parseSweepFlags, SWEEP_FLAGS, type SweepFlags } from "./sweep.ts";

/** Everything the `run` command needs, validated. */
export interface CliOptions {
  /** Path of the JSONL prompts. */
  jsonl: string;
  /** Concurrent users; undefined = one per record. */
  users?: number;
  /** Default model. */
  model: string;
  /** The endpoint URL (host and endpoint joined). */
  url: URL;
  /** Requests per user. */
  requestsPerUser: number;
  /** API key, if any (never printed). */
  apiKey?: string;
  /** Per-attempt timeout in milliseconds. */
  requestTimeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Base backoff in milliseconds. */
  retryDelayMs: number;
  /** Longest gap between body chunks before an attempt fails as stalled, in ms; 0 = none. */
  idleTimeoutMs: number;
  /** How long in-flight requests may finish after the first Ctrl-C/SIGTERM, in ms. */
  graceMs: number;
  /** Skip TLS certificate verification (`--insecure`). */
  insecure: boolean;
  /** Extra trusted CA certificate file (PEM), for a private CA (`--ca-cert`). */
  caCert?: string;
  /** Show the request (credentials redacted) on stderr before the run. */
  verbose: boolean;
  /** How bytes move: `fetch` (default) or `http1` (batchbench's own HTTP/1.1 client, faster). */
  transport: "fetch" | "http1";
  /** Web Workers to spread the users over; 1 = this thread; `auto` = decided by the user count. */
  workers: number | "auto";
  /**
   * How output tokens are counted when a server reports no usage: with the bundled tokenizer
   * (gpt-tokenizer, o200k_base), or one per output-bearing event.
   */
  countTokens: "tokenizer" | "events";
  /** Forced output tokens. */
  outputTokens?: number;
  /** Per-request variation of the output tokens. */
  outputVary: number;
  /** Stream responses. */
  stream: boolean;
  /** Where to write the JSON result. */
  outputJson?: string;
  /** Where to write the per-request log (JSON Lines). */
  logRequests?: string;
  /** Where to append the summary CSV row. */
  outputCsv?: string;
  /** Where to write the per-request CSV. */
  outputRequestsCsv?: string;
  /** Where to write the HTML report. */
  outputHtml?: string;
  /** Goodput SLOs. */
  slo?: Slo;
  /** Load shape and workload (`--request-rate`, `--duration`, `--dataset`, ...). */
  load: LoadOptions;
  /** Seed of every random draw. */
  seed: number;
  /** No progress on stderr. */
  quiet: boolean;
}

/** Options of the built-in simulator (`simulate` and `demo`). */
export interface SimulatorFlags {
  /** Port to listen on (0 = any). */
  port: number;
  /** Time to first token in milliseconds. */
  ttftMs: number;
  /** Inter-token latency in milliseconds. */
  itlMs: number;
  /** Output tokens when a request sets none. */
  simOutputTokens: number;
}

const RUN_FLAGS = {
  jsonl: { type: "string" },
  users: { type: "string" },
  model: { type: "string", default: "gpt-4o-mini" },
  host: { type: "string", default: "https://api.openai.com" },
  endpoint: { type: "string", default: "/v1/chat/completions" },
  "requests-per-user": { type: "string" },
  "api-key": { type: "string" },
  "api-key-env": { type: "string", default: "OPENAI_API_KEY" },
  "request-timeout-secs": { type: "string", default: "60" },
  "max-retries": { type: "string", default: "2" },
  "retry-delay-ms": { type: "string", default: "250" },
  "idle-timeout-secs": { type: "string", default: "0" },
  "grace-secs": { type: "string", default: "5" },
  insecure: { type: "boolean", default: false },
  "ca-cert": { type: "string" },
  verbose: { type: "boolean", short: "v", default: false },
  transport: { type: "string", default: "fetch" },
  workers: { type: "string", default: "1" },
  "count-tokens": { type: "string", default: "tokenizer" },
  "output-tokens": { type: "string" },
  "output-vary": { type: "string", default: "0" },
  stream: { type: "boolean", default: true },
  "output-json": { type: "string" },
  "log-requests": { type: "string" },
  "output-csv": { type: "string" },
  "output-requests-csv": { type: "string" },
  "output-html": { type: "string" },
  goodput: { type: "string", multiple: true },
  ...LOAD_FLAGS,
  seed: { type: "string", default: "0" },
  quiet: { type: "boolean", short: "q", default: false },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", short: "V", default: false },
} as const;

const SIM_FLAGS = {
  port: { type: "string", default: "0" },
  "ttft-ms": { type: "string", default: "20" },
  "itl-ms": { type: "string", default: "5" },
  "sim-output-tokens": { type: "string", default: "16" },
} as const;

/** The parsed command line: which command, and its options. */
export type Command =
  | { command: "help" }
  | { command: "version" }
  | { command: "run"; options: CliOptions }
  | { command: "demo"; options: CliOptions; sim: SimulatorFlags }
  | { command: "simulate"; sim: SimulatorFlags }
  | { command: "sweep"; options: CliOptions; sweep: SweepFlags };

/**
 * Parses argv. `batchbench [run] --jsonl F ...`, `batchbench demo [...]`, `batchbench simulate [...]`.
 *
 * @example Usage
 * ```ts
 * import { parseCommand } from "./options.ts";
 * const cmd = parseCommand(["--jsonl", "p.jsonl", "--users", "4"], () => undefined);
 * if (cmd.command === "run") console.log(cmd.options.users, cmd.options.url.href);
 * // 4 https://api.openai.com/v1/chat/completions
 * ```
 *
 * @param argv Arguments after the program name.
 * @param env Reads an environment variable (only the one `--api-key-env` names is read).
 * @returns The command.
 * @throws {ConfigError} Naming the flag at fault.
 */
export function parseCommand(
  argv: readonly string[],
  env: (name: string) => string | undefined,
): Command {
  const [first, ...rest] = argv;
  const sub = first === "run" || first === "demo" || first === "simulate" || first === "sweep"
    ? first
    : undefined;
  const args = sub ? rest : [...argv];
  if (sub === "simulate") {
    const values = parse(args, { ...SIM_FLAGS, help: RUN_FLAGS.help });
    if (values.help) return { command: "help" };
    return { command: "simulate", sim: simFlags(values) };
  }
  const flags = sub === "demo"
    ? { ...RUN_FLAGS, ...SIM_FLAGS }
    : sub === "sweep"
    ? { ...RUN_FLAGS, ...SWEEP_FLAGS }
    : RUN_FLAGS;
  const values = parse(args, flags);
  if (values.help) return { command: "help" };
  if (values.version) return { command: "version" };
  if (sub === "demo") {
    return { command: "demo", options: runOptions(values, env, true), sim: simFlags(values) };
  }
  if (sub === "sweep") {
    return {
      command: "sweep",
      options: runOptions(values, env, false),
      sweep: parseSweepFlags(values),
    };
  }
  return { command: "run", options: runOptions(values, env, false) };
}

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(args: string[], options: Record<string, unknown>): Values {
  try {
    return parseArgs({
      args,
      options: options as never,
      allowNegative: true,
      strict: true,
      allowPositionals: false,
    }).values as Values;
  } catch (e) {
    const message = (e as Error).message;
    const flag = message.match(/'(--?[\w-]+)/)?.[1] ?? "arguments";
    throw new ConfigError(flag, `is not valid: ${message.replace(/\.\s*To specify.*$/s, "")}`);
  }
}

function runOptions(values: Values, env: (name: string) => string | undefined, demo: boolean) {
  const jsonl = values.jsonl as string | undefined;
  const load = parseLoadOptions(values);
  if (!jsonl && !demo && load.dataset === "jsonl" && !load.datasetPath) {
    throw new ConfigError("--jsonl", "is required (a JSONL file of prompts), or --dataset");
  }
  const keyEnv = values["api-key-env"] as string;
  const apiKey = (values["api-key"] as string | undefined) || (demo ? undefined : env(keyEnv));
  const outputSpec = values["output-tokens"] === undefined
    ? {}
    : parseOutputTokens(values["output-tokens"] as string);
  const outputTokens = outputSpec.tokens;
  load.outputLengths = outputSpec.dist;
  const outputVary = int("--output-vary", values["output-vary"], 0);
  if (outputVary > 0 && outputSpec.dist) {
    throw new ConfigError(
      "--output-vary",
      "applies to --output-tokens N, not to a distribution",
      outputVary,
    );
  }
  if (outputVary > 0 && outputTokens === undefined) {
    throw new ConfigError("--output-vary", "needs --output-tokens", outputVary);
  }
  const options: CliOptions = {
    jsonl: jsonl ?? (load.dataset === "jsonl" ? load.datasetPath : undefined) ?? "",
    users: values.users === undefined ? undefined : int("--users", values.users, 1),
    model: nonEmpty("--model", values.model),
    // The demo's URL is the simulator's, known once it listens.
    url: demo
      ? new URL(`http://127.0.0.1${values.endpoint}`)
      : joinEndpoint(values.host as string, values.endpoint as string),
    requestsPerUser: int(
      "--requests-per-user",
      values["requests-per-user"] ?? (demo ? "8" : "1"),
      1,
    ),
    apiKey: apiKey || undefined,
    requestTimeoutMs: num("--request-timeout-secs", values["request-timeout-secs"], true) * 1000,
    maxRetries: int("--max-retries", values["max-retries"], 0),
    retryDelayMs: num("--retry-delay-ms", values["retry-delay-ms"], false),
    idleTimeoutMs: num("--idle-timeout-secs", values["idle-timeout-secs"], false) * 1000,
    graceMs: num("--grace-secs", values["grace-secs"], false) * 1000,
    insecure: values.insecure as boolean,
    caCert: caCertFlag(values),
    verbose: values.verbose as boolean,
    transport: oneOf("--transport", values.transport, ["fetch", "http1"] as const),
    workers: values.workers === "auto" ? "auto" : int("--workers", values.workers, 1),
    countTokens: oneOf("--count-tokens", values["count-tokens"], ["tokenizer", "events"] as const),
    outputTokens,
    outputVary,
    stream: values.stream as boolean,
    outputJson: values["output-json"] as string | undefined,
    logRequests: values["log-requests"] as string | undefined,
    outputCsv: values["output-csv"] as string | undefined,
    outputRequestsCsv: values["output-requests-csv"] as string | undefined,
    outputHtml: values["output-html"] as string | undefined,
    slo: parseGoodput(values.goodput as string[] | undefined),
    load,
    seed: int("--seed", values.seed, 0),
    quiet: values.quiet as boolean,
  };
  return options;
}

function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(flag, `must be one of ${allowed.join(", ")}`, value);
  }
  return value as T;
}

function caCertFlag(values: Values): string | undefined {
  const path = values["ca-cert"] as string | undefined;
  if (path !== undefined && path.trim() === "") {
    throw new ConfigError("--ca-cert", "must name a PEM file", path);
  }
  if (path !== undefined && values.insecure) {
    throw new ConfigError(
      "--ca-cert",
      "cannot be combined with --insecure (which trusts any certificate)",
    );
  }
  return path;
}

function simFlags(values: Values): SimulatorFlags {
  return {
    port: int("--port", values.port, 0),
    ttftMs: num("--ttft-ms", values["ttft-ms"], false),
    itlMs: num("--itl-ms", values["itl-ms"], false),
    simOutputTokens: int("--sim-output-tokens", values["sim-output-tokens"], 1),
  };
}

/**
 * Joins `--host` and `--endpoint`: a full URL in `endpoint` wins; otherwise the path is appended to the
 * host's base path with exactly one slash between them.
 *
 * @example Usage
 * ```ts
 * import { joinEndpoint } from "./options.ts";
 * console.log(joinEndpoint("http://h:8000/base/", "/v1/completions").href);
 * // http://h:8000/base/v1/completions
 * console.log(joinEndpoint("http://ignored", "https://api.x.com/v1/chat/completions").href);
 * // https://api.x.com/v1/chat/completions
 * ```
 *
 * @param host Base URL with scheme.
 * @param endpoint A path or a full URL.
 * @returns The endpoint URL.
 * @throws {ConfigError} Naming `--host` or `--endpoint`.
 */
export function joinEndpoint(host: string, endpoint: string): URL {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) return httpUrl("--endpoint", endpoint);
  const base = httpUrl("--host", host);
  if (base.search || base.hash) {
    throw new ConfigError("--host", "must not have a query or fragment", host);
  }
  const path = endpoint.replace(/^\/+/, "");
  return new URL(`${base.origin}${base.pathname.replace(/\/+$/, "")}/${path}`);
}

function httpUrl(flag: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(flag, "must be an absolute http(s) URL", value);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(flag, "must use http:// or https://", value);
  }
  return url;
}

/**
 * Parses vLLM-style goodput SLOs: `ttft:500 tpot:50 e2el:10000` (milliseconds), given as one or several
 * `--goodput` values.
 *
 * @example Usage
 * ```ts
 * import { parseGoodput } from "./options.ts";
 * console.log(parseGoodput(["ttft:500 tpot:50"])); // { ttftMs: 500, tpotMs: 50 }
 * ```
 *
 * @param values The flag's values.
 * @returns The SLOs, or undefined when none.
 * @throws {ConfigError} Naming `--goodput`.
 */
export function parseGoodput(values: readonly string[] | undefined): Slo | undefined {
  if (!values || values.length === 0) return undefined;
  const names: Record<string, keyof Slo> = {
    ttft: "ttftMs",
    tpot: "tpotMs",
    e2el: "e2elMs",
    itl: "itlMs",
  };
  const slo: Slo = {};
  for (const part of values.join(" ").split(/[\s,]+/).filter(Boolean)) {
    const [name, value, extra] = part.split(":");
    const key = names[name];
    const ms = Number(value);
    if (!key || extra !== undefined || !(Number.isFinite(ms) && ms > 0)) {
      throw new ConfigError(
        "--goodput",
        "must be name:milliseconds pairs with names ttft, tpot, itl, e2el",
        part,
      );
    }
    slo[key] = ms;
  }
  return slo;
}

function int(flag: string, value: unknown, min: number): number {
  const n = Number(value);
  if (typeof value !== "string" || !/^\s*\d+\s*$/.test(value) || n < min) {
    const what = min === 0 ? "a non-negative integer" : "a positive integer";
    throw new ConfigError(flag, `must be ${what}`, value);
  }
  return n;
}

function num(flag: string, value: unknown, positive: boolean): number {
  const n = Number(value);
  if (
    typeof value !== "string" || value.trim() === "" || !Number.isFinite(n) || n < 0 ||
    (positive && n === 0)
  ) {
    throw new ConfigError(
      flag,
      `must be a ${positive ? "positive" : "non-negative"} number`,
      value,
    );
  }
  return n;
}

function nonEmpty(flag: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigError(flag, "must not be empty", value);
  }
  return value;
}
