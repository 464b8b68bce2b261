/**
 * {@linkcode BenchmarkConfig} and {@linkcode RunMode}: what to benchmark, validated once. Every later step
 * trusts a config that was built here.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";
import { type LoadShape, validateLoadShape } from "./schedule/plan.ts";
import type { Workload } from "./workload/workload.ts";

/** How long each user keeps sending. */
export type RunMode =
  | { readonly kind: "finite"; readonly requestsPerUser: number }
  | { readonly kind: "longRunning"; readonly durationMs: number };

/**
 * Constructors for {@linkcode RunMode}.
 *
 * @example Usage
 * ```ts
 * import { RunMode } from "./config.ts";
 * const a = RunMode.finite(25);
 * const b = RunMode.longRunning(60_000);
 * console.log(a.kind, b.kind); // finite longRunning
 * ```
 */
export const RunMode: {
  /** Each user sends a fixed number of requests, then stops. */
  finite(requestsPerUser: number): RunMode;
  /** Users loop until the wall-clock duration elapses. */
  longRunning(durationMs: number): RunMode;
} = {
  /**
   * Each user sends a fixed number of requests, then stops.
   *
   * @param requestsPerUser Requests per user; a positive integer.
   * @returns The run mode.
   */
  finite(requestsPerUser: number): RunMode {
    positiveInteger("requestsPerUser", requestsPerUser);
    return { kind: "finite", requestsPerUser };
  },
  /**
   * Users loop until the wall-clock duration elapses; requests in flight then finish (within the grace
   * period) and are reported.
   *
   * @param durationMs Duration in milliseconds; positive.
   * @returns The run mode.
   */
  longRunning(durationMs: number): RunMode {
    if (!(Number.isFinite(durationMs) && durationMs > 0)) {
      throw new ConfigError("durationMs", "must be a positive number", durationMs);
    }
    return { kind: "longRunning", durationMs };
  },
};

/** Output-length control applied to every request body (`--output-tokens`, `--output-vary`). */
export interface OutputLength {
  /** Tokens each request asks for. */
  tokens: number;
  /** Per-request uniform variation in `[-vary, +vary]`, lower-bounded at 1. */
  vary: number;
  /** Seed of the per-request draw (reproducible runs). */
  seed: number;
}

/** Caps that keep memory bounded whatever the server sends. */
export interface Limits {
  /** Largest response body (streamed or not) in bytes before `response_too_large`. */
  maxResponseBytes: number;
  /** Largest single SSE event in bytes before `response_too_large`. */
  maxEventBytes: number;
}

/** The JSON value sent as a request body. */
export type JsonBody = Record<string, unknown>;

/**
 * A validated benchmark configuration, with the seed's builder API.
 *
 * @example Usage
 * ```ts
 * import { BenchmarkConfig, RunMode } from "./config.ts";
 * const config = BenchmarkConfig.tryNew(
 *   "http://127.0.0.1:8000/v1/chat/completions",
 *   undefined,
 *   8,
 *   RunMode.finite(25),
 *   { model: "m", messages: [{ role: "user", content: "Ping" }] },
 * ).withRequestTimeout(30_000).withRetry(3, 400);
 * console.log(config.userCount, config.maxRetries); // 8 3
 * ```
 */
export class BenchmarkConfig {
  /** The validated endpoint URL. */
  readonly endpoint: URL;
  /** Number of concurrent users (independent loops). */
  readonly userCount: number;
  /** How long users keep sending. */
  readonly mode: RunMode;
  /** The body every user sends, unless per-user bodies are set. */
  readonly body: JsonBody;
  /** Request headers, mutable: `Authorization` is set when an API key was given. */
  readonly headers: Record<string, string>;
  /** Per-attempt deadline in milliseconds. Default 60 000. */
  requestTimeoutMs = 60_000;
  /**
   * Longest gap between two received chunks of a response body (a stalled stream), in milliseconds;
   * 0 = none, only the per-attempt deadline applies. Default 0.
   */
  idleTimeoutMs = 0;
  /** Attempts after the first before a request is marked failed. Default 2. */
  maxRetries = 2;
  /** Base delay of the exponential backoff between attempts, in milliseconds. Default 250. */
  retryDelayMs = 250;
  /** Longest single backoff (also caps a server's `Retry-After`), in milliseconds. Default 30 000. */
  maxRetryDelayMs = 30_000;
  /** One body per user, when set (user `i` sends `perUserBodies[i]`). */
  perUserBodies?: readonly JsonBody[];
  /** Output-length control, when set. */
  outputLength?: OutputLength;
  /** The load shape (open-loop rate, duration, warm-up, ...), when set; see `withLoad`. */
  load?: LoadShape;
  /** What to send, when set (wins over the bodies and output length); see `withWorkload`. */
  workload?: Workload;
  /** Memory caps. */
  limits: Limits = { maxResponseBytes: 64 * 1024 * 1024, maxEventBytes: 1024 * 1024 };
  readonly #secrets: string[] = [];

  private constructor(
    endpoint: URL,
    userCount: number,
    mode: RunMode,
    body: JsonBody,
  ) {
    this.endpoint = endpoint;
    this.userCount = userCount;
    this.mode = mode;
    this.body = body;
    this.headers = { "content-type": "application/json" };
  }

  /**
   * Validates and builds a configuration.
   *
   * @param endpoint Absolute `http(s)` URL of the generation endpoint.
   * @param apiKey Optional API key, sent as `Authorization: Bearer <key>`; never shown in any output.
   * @param userCount Concurrent users; a positive integer.
   * @param mode {@linkcode RunMode.finite} or {@linkcode RunMode.longRunning}.
   * @param body The JSON request body (an object).
   * @returns The configuration.
   * @throws {ConfigError} When a value is invalid.
   */
  static tryNew(
    endpoint: string | URL,
    apiKey: string | undefined | null,
    userCount: number,
    mode: RunMode,
    body: JsonBody,
  ): BenchmarkConfig {
    const url = parseEndpoint(endpoint);
    positiveInteger("userCount", userCount);
    if (!mode || (mode.kind !== "finite" && mode.kind !== "longRunning")) {
      throw new ConfigError("mode", "must be RunMode.finite(n) or RunMode.longRunning(ms)");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new ConfigError(
        "body",
        "must be a JSON object",
        Array.isArray(body) ? "an array" : body,
      );
    }
    const config = new BenchmarkConfig(url, userCount, mode, body);
    if (apiKey) {
      config.headers["authorization"] = `Bearer ${apiKey}`;
      config.#secrets.push(apiKey);
    }
    return config;
  }

  /**
   * Sets the per-attempt deadline.
   *
   * @param ms Milliseconds; positive.
   * @returns This configuration.
   */
  withRequestTimeout(ms: number): this {
    if (!(Number.isFinite(ms) && ms > 0)) {
      throw new ConfigError("requestTimeoutMs", "must be a positive number", ms);
    }
    this.requestTimeoutMs = ms;
    return this;
  }

  /**
   * Sets the idle (stall) timeout: an attempt whose body receives no byte for `ms` (after the headers,
   * keep-alive comments included) fails as a `timeout` before the per-attempt deadline.
   *
   * @param ms Milliseconds; positive, or 0 for none.
   * @returns This configuration.
   */
  withIdleTimeout(ms: number): this {
    if (!(Number.isFinite(ms) && ms >= 0)) {
      throw new ConfigError("idleTimeoutMs", "must be a non-negative number", ms);
    }
    this.idleTimeoutMs = ms;
    return this;
  }

  /**
   * Sets how many times a failed attempt is retried and the base of the exponential backoff.
   *
   * @param maxRetries Retries after the first attempt; a non-negative integer.
   * @param delayMs Base delay in milliseconds; non-negative.
   * @returns This configuration.
   */
  withRetry(maxRetries: number, delayMs: number): this {
    if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) {
      throw new ConfigError("maxRetries", "must be a non-negative integer", maxRetries);
    }
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) {
      throw new ConfigError("retryDelayMs", "must be a non-negative number", delayMs);
    }
    this.maxRetries = maxRetries;
    this.retryDelayMs = delayMs;
    return this;
  }

  /**
   * Adds (or replaces) a request header. Values of credential headers (`authorization`, `api-key`,
   * `x-api-key`, ...) are treated as secrets and redacted from every output.
   *
   * @param name Header name (case-insensitive).
   * @param value Header value.
   * @returns This configuration.
   */
  addHeader(name: string, value: string): this {
    const key = name.toLowerCase();
    if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(key)) {
      throw new ConfigError("header", "must have a valid HTTP header name", name);
    }
    this.headers[key] = value;
    if (isCredentialHeader(key)) this.#secrets.push(value.replace(/^Bearer\s+/i, ""));
    return this;
  }

  /**
   * Gives each user its own body: user `i` sends `bodies[i]` on every iteration.
   *
   * @param bodies At least one body per user.
   * @returns This configuration.
   */
  withPerUserBodies(bodies: readonly JsonBody[]): this {
    if (bodies.length < this.userCount) {
      throw new ConfigError(
        "perUserBodies",
        `must hold at least one body per user (${this.userCount} users); lower the user count or add records`,
        bodies.length,
      );
    }
    this.perUserBodies = bodies;
    return this;
  }

  /**
   * Forces an output length on every request (see the README's `--output-tokens`).
   *
   * @param tokens Output tokens per request; a positive integer.
   * @param vary Uniform per-request variation in `[-vary, +vary]` (result at least 1); default 0.
   * @param seed Seed of the per-request draw; default 0.
   * @returns This configuration.
   */
  withOutputTokens(tokens: number, vary = 0, seed = 0): this {
    positiveInteger("outputTokens", tokens);
    if (!(Number.isInteger(vary) && vary >= 0)) {
      throw new ConfigError("outputVary", "must be a non-negative integer", vary);
    }
    this.outputLength = { tokens, vary, seed };
    return this;
  }

  /**
   * Sets the load shape: an open-loop request rate (`arrivals`) with an optional `maxConcurrency`,
   * a `durationMs` and/or `maxRequests` stop, a `warmup` excluded from the statistics, a closed-loop
   * `rampUpMs`. See `LoadShape` (lib/schedule/plan.ts) and the README's "Load shapes and workloads".
   *
   * @example Usage
   * ```ts
   * import { BenchmarkConfig, RunMode } from "./config.ts";
   * const config = BenchmarkConfig.tryNew("http://h/v1/chat/completions", null, 1, RunMode.finite(1), {})
   *   .withLoad({ arrivals: { rate: 20, kind: "poisson" }, maxRequests: 600, warmup: { requests: 20 } });
   * console.log(config.load?.arrivals?.rate); // 20
   * ```
   *
   * @param shape The load shape.
   * @returns This configuration.
   * @throws {ConfigError} When a field is invalid.
   */
  withLoad(shape: LoadShape): this {
    validateLoadShape(shape);
    this.load = shape;
    return this;
  }

  /**
   * Sets what to send: a `Workload` (lib/workload/workload.ts), e.g. `recordWorkload`,
   * `syntheticWorkload` or `sessionWorkload`. It replaces the bodies and `withOutputTokens`.
   *
   * @param workload The workload.
   * @returns This configuration.
   */
  withWorkload(workload: Workload): this {
    this.workload = workload;
    return this;
  }

  /**
   * Sets the memory caps.
   *
   * @param limits Caps to change.
   * @returns This configuration.
   */
  withLimits(limits: Partial<Limits>): this {
    for (const [k, v] of Object.entries(limits)) positiveInteger(k, v as number);
    this.limits = { ...this.limits, ...limits };
    return this;
  }

  /** Secret values (API keys, credential headers) that must never appear in any output. */
  get secrets(): readonly string[] {
    const fromHeaders = Object.entries(this.headers)
      .filter(([k]) => isCredentialHeader(k))
      .map(([, v]) => v.replace(/^Bearer\s+/i, ""));
    return [...new Set([...this.#secrets, ...fromHeaders])].filter((s) => s.length > 0);
  }

  /**
   * The body user `user` sends (before output-length control).
   *
   * @param user 0-based user index.
   * @returns The body.
   */
  bodyFor(user: number): JsonBody {
    return this.perUserBodies ? this.perUserBodies[user] : this.body;
  }
}

/** Names of headers whose values are credentials. */
export function isCredentialHeader(name: string): boolean {
  return /^(authorization|proxy-authorization|api-key|x-api-key|x-goog-api-key|cookie)$/i.test(
    name,
  );
}

function parseEndpoint(endpoint: string | URL): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError("endpoint", "must be an absolute http(s) URL", String(endpoint));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError("endpoint", "must use http or https", url.protocol);
  }
  return url;
}

function positiveInteger(field: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new ConfigError(field, "must be a positive integer", value);
  }
}
