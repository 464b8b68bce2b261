/**
 * Command-line flags of load shapes and workloads (`--request-rate`, `--duration`, `--dataset`, ...):
 * their definitions for `parseArgs` and their validation. Pure; every problem names its flag.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { ArrivalKind } from "../schedule/arrivals.ts";
import type { Warmup } from "../schedule/plan.ts";
import { type Backend, parseBackend } from "../workload/backend.ts";
import { type LengthDist, parseLengthDist } from "../workload/lengths.ts";

/** Load-shape and workload options of `run`, `demo` and `sweep`. */
export interface LoadOptions {
  /** Open-loop request rate (req/s; `Infinity` = all at once); closed loop when absent. */
  requestRate?: number;
  /** Arrival process. */
  arrival?: ArrivalKind;
  /** Gamma shape of the gaps. */
  burstiness?: number;
  /** Rescale drawn gaps so the schedule delivers exactly the rate (see `ArrivalProcess`). */
  exactRate: boolean;
  /** Open-loop cap on requests in flight. */
  maxConcurrency?: number;
  /** Measured duration in seconds. */
  durationS?: number;
  /** Measured requests. */
  maxRequests?: number;
  /** Warm-up (count or duration). */
  warmup?: Warmup;
  /** Closed-loop ramp-up in seconds. */
  rampUpS?: number;
  /** Where the prompts come from. */
  dataset: "jsonl" | "sharegpt" | "random";
  /** The dataset file (`--jsonl` for the jsonl dataset). */
  datasetPath?: string;
  /** Synthetic input lengths in tokens. */
  inputTokens: LengthDist;
  /** Output lengths as a distribution (`--output-tokens` given as a spec). */
  outputLengths?: LengthDist;
  /** Shared-prefix fraction of synthetic prompts. */
  prefixRatio: number;
  /** Number of synthetic prompts, or of dataset records used. */
  numPrompts?: number;
  /** Draw a random record for every request. */
  randomRequests: boolean;
  /** Multi-turn sessions. */
  multiTurn: boolean;
  /** Think time between turns in ms. */
  thinkTimeMs: number;
  /** Server family for output-length control. */
  backend: Backend;
  /** Whether `--requests-per-user` was given explicitly. */
  requestsPerUserGiven: boolean;
  /** Whether `--users` was given explicitly. */
  usersGiven: boolean;
}

/** `parseArgs` definitions of the load and workload flags. */
export const LOAD_FLAGS = {
  "request-rate": { type: "string" },
  arrival: { type: "string" },
  burstiness: { type: "string" },
  "exact-rate": { type: "boolean", default: true },
  "max-concurrency": { type: "string" },
  duration: { type: "string" },
  "max-requests": { type: "string" },
  warmup: { type: "string" },
  "ramp-up": { type: "string" },
  dataset: { type: "string" },
  "dataset-path": { type: "string" },
  synthetic: { type: "boolean", default: false },
  "input-tokens": { type: "string" },
  "prefix-ratio": { type: "string", default: "0" },
  "num-prompts": { type: "string" },
  "random-requests": { type: "boolean", default: false },
  "multi-turn": { type: "boolean", default: false },
  "think-time-ms": { type: "string", default: "0" },
  backend: { type: "string", default: "default" },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * Validates the load and workload flags.
 *
 * @example Usage
 * ```ts
 * import { parseLoadOptions } from "./load_options.ts";
 * const o = parseLoadOptions({ "request-rate": "20", warmup: "10s", backend: "vllm" });
 * console.log(o.requestRate, o.warmup, o.backend); // 20 { durationMs: 10000 } vllm
 * ```
 *
 * @param values Parsed flag values.
 * @returns The options.
 * @throws {ConfigError} Naming the flag at fault.
 */
export function parseLoadOptions(values: Values): LoadOptions {
  const str = (k: string) => values[k] as string | undefined;
  const rateText = str("request-rate");
  let requestRate: number | undefined;
  if (rateText !== undefined) {
    requestRate = /^\s*inf(inity)?\s*$/i.test(rateText) ? Infinity : Number(rateText);
    if (!(requestRate > 0) || rateText.trim() === "") {
      throw new ConfigError("--request-rate", "must be a positive number or inf", rateText);
    }
  }
  const arrival = str("arrival");
  if (arrival !== undefined && !["constant", "poisson", "gamma"].includes(arrival)) {
    throw new ConfigError("--arrival", "must be constant, poisson or gamma", arrival);
  }
  const burstiness = optNum("--burstiness", str("burstiness"), true);
  if (
    burstiness !== undefined && arrival !== undefined && arrival !== "gamma" && burstiness !== 1
  ) {
    throw new ConfigError("--burstiness", `applies to --arrival gamma, not ${arrival}`, burstiness);
  }
  const needsRate = ["arrival", "burstiness", "max-concurrency"].find((k) =>
    values[k] !== undefined
  );
  if (needsRate && requestRate === undefined) {
    throw new ConfigError(
      `--${needsRate}`,
      "needs --request-rate (an open-loop run)",
      str(needsRate),
    );
  }
  if (values["exact-rate"] === false && requestRate === undefined) {
    throw new ConfigError("--no-exact-rate", "needs --request-rate (an open-loop run)", false);
  }
  const synthetic = values.synthetic === true;
  const dataset = str("dataset") ?? (synthetic ? "random" : "jsonl");
  if (!["jsonl", "sharegpt", "random"].includes(dataset)) {
    throw new ConfigError("--dataset", "must be jsonl, sharegpt or random", dataset);
  }
  if (synthetic && dataset !== "random") {
    throw new ConfigError("--synthetic", `is --dataset random, not ${dataset}`, dataset);
  }
  const datasetPath = str("dataset-path");
  if (dataset === "sharegpt" && !datasetPath) {
    throw new ConfigError("--dataset-path", "is required with --dataset sharegpt", datasetPath);
  }
  if (dataset === "random" && datasetPath) {
    throw new ConfigError("--dataset-path", "does not apply to synthetic prompts", datasetPath);
  }
  const inputText = str("input-tokens");
  if (inputText !== undefined && dataset !== "random") {
    throw new ConfigError(
      "--input-tokens",
      "applies to synthetic prompts (--dataset random)",
      inputText,
    );
  }
  const prefixRatio = optNum("--prefix-ratio", str("prefix-ratio"), false) ?? 0;
  if (prefixRatio > 1) throw new ConfigError("--prefix-ratio", "must be in [0, 1]", prefixRatio);
  if (prefixRatio > 0 && dataset !== "random") {
    throw new ConfigError(
      "--prefix-ratio",
      "applies to synthetic prompts (--dataset random)",
      prefixRatio,
    );
  }
  const multiTurn = values["multi-turn"] === true;
  if (multiTurn && (dataset === "random" || requestRate !== undefined)) {
    throw new ConfigError(
      "--multi-turn",
      "needs conversations (--dataset sharegpt or --jsonl with messages) and closed-loop users",
      requestRate !== undefined ? `--request-rate ${rateText}` : "--dataset random",
    );
  }
  const thinkTimeMs = optNum("--think-time-ms", str("think-time-ms"), false) ?? 0;
  if (thinkTimeMs > 0 && !multiTurn) {
    throw new ConfigError("--think-time-ms", "applies to --multi-turn sessions", thinkTimeMs);
  }
  const rampUpS = optNum("--ramp-up", str("ramp-up"), false);
  if (rampUpS !== undefined && requestRate !== undefined) {
    throw new ConfigError(
      "--ramp-up",
      "applies to closed-loop users, not to --request-rate",
      rampUpS,
    );
  }
  if (values.users !== undefined && requestRate !== undefined) {
    throw new ConfigError(
      "--users",
      "applies to closed-loop runs; with --request-rate, cap concurrency with --max-concurrency",
      values.users,
    );
  }
  return {
    requestRate,
    arrival: arrival as ArrivalKind | undefined,
    burstiness,
    exactRate: values["exact-rate"] !== false,
    maxConcurrency: optInt("--max-concurrency", str("max-concurrency"), 1),
    durationS: optNum("--duration", str("duration"), true),
    maxRequests: optInt("--max-requests", str("max-requests"), 1),
    warmup: parseWarmup(str("warmup")),
    rampUpS,
    dataset: dataset as LoadOptions["dataset"],
    datasetPath,
    inputTokens: inputText === undefined
      ? { kind: "fixed", value: 256 }
      : parseLengthDist(inputText, "--input-tokens"),
    prefixRatio,
    numPrompts: optInt("--num-prompts", str("num-prompts"), 1),
    randomRequests: values["random-requests"] === true,
    multiTurn,
    thinkTimeMs,
    backend: parseBackend(str("backend") ?? "default", "--backend"),
    requestsPerUserGiven: values["requests-per-user"] !== undefined,
    usersGiven: values.users !== undefined,
  };
}

/**
 * Parses `--warmup`: a request count (`20`) or a duration in seconds (`10s`).
 *
 * @example Usage
 * ```ts
 * import { parseWarmup } from "./load_options.ts";
 * console.log(parseWarmup("20"), parseWarmup("1.5s")); // { requests: 20 } { durationMs: 1500 }
 * ```
 *
 * @param text The flag's value.
 * @returns The warm-up, or undefined when not given.
 * @throws {ConfigError} Naming `--warmup`.
 */
export function parseWarmup(text: string | undefined): Warmup | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^\d+$/.test(t)) return { requests: Number(t) };
  const m = t.match(/^(\d+(?:\.\d+)?)s$/);
  if (m) return { durationMs: Number(m[1]) * 1000 };
  throw new ConfigError("--warmup", "must be a request count (20) or seconds (10s)", text);
}

/**
 * Parses `--output-tokens`: a count (the seed's flag) or a length spec (`uniform:64,256`, ...).
 *
 * @param text The flag's value.
 * @returns `{ tokens }` for a count, `{ dist }` for a spec.
 * @throws {ConfigError} Naming `--output-tokens`.
 */
export function parseOutputTokens(text: string): { tokens?: number; dist?: LengthDist } {
  if (/^\s*\d+\s*$/.test(text)) {
    const tokens = Number(text);
    if (tokens < 1) throw new ConfigError("--output-tokens", "must be a positive integer", text);
    return { tokens };
  }
  return { dist: parseLengthDist(text, "--output-tokens") };
}

function optNum(flag: string, value: string | undefined, positive: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || (positive && n === 0)) {
    throw new ConfigError(
      flag,
      `must be a ${positive ? "positive" : "non-negative"} number`,
      value,
    );
  }
  return n;
}

function optInt(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < min) {
    throw new ConfigError(
      flag,
      min > 0 ? "must be a positive integer" : "must be a non-negative integer",
      value,
    );
  }
  return Number(value);
}
