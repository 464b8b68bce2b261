import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { joinEndpoint, parseCommand, parseGoodput } from "../../lib/cli/options.ts";
import { ConfigError } from "../../lib/errors.ts";

const noEnv = () => undefined;
function run(argv: string[], env: (n: string) => string | undefined = noEnv) {
  const cmd = parseCommand(argv, env);
  if (cmd.command !== "run") throw new Error(`expected run, got ${cmd.command}`);
  return cmd.options;
}

Deno.test("seed defaults", () => {
  const o = run(["--jsonl", "p.jsonl"]);
  assertEquals(o.users, undefined);
  assertEquals(o.model, "gpt-4o-mini");
  assertEquals(o.url.href, "https://api.openai.com/v1/chat/completions");
  assertEquals(o.requestsPerUser, 1);
  assertEquals(o.requestTimeoutMs, 60_000);
  assertEquals(o.maxRetries, 2);
  assertEquals(o.retryDelayMs, 250);
  assertEquals(o.outputTokens, undefined);
  assertEquals(o.stream, true);
  assertEquals(o.apiKey, undefined);
});

Deno.test("'run' is optional and --no-stream turns streaming off", () => {
  assertEquals(run(["run", "--jsonl", "p", "--no-stream"]).stream, false);
});

Deno.test("host and endpoint join; a full URL endpoint wins", () => {
  const cases: [string, string, string][] = [
    ["http://h:8000", "/v1/chat/completions", "http://h:8000/v1/chat/completions"],
    ["http://h:8000/", "v1/completions", "http://h:8000/v1/completions"],
    ["http://h/base/", "/v1/x", "http://h/base/v1/x"],
    ["http://h/base", "v1/x", "http://h/base/v1/x"],
    ["http://h//base//", "//v1/x", "http://h//base/v1/x"],
    [
      "http://ignored",
      "https://e.com/p/v1/chat/completions",
      "https://e.com/p/v1/chat/completions",
    ],
  ];
  for (const [host, ep, want] of cases) assertEquals(joinEndpoint(host, ep).href, want);
  assertThrows(() => joinEndpoint("localhost:8000", "/v1"), ConfigError, "'--host'");
  assertThrows(() => joinEndpoint("http://h", "ftp://x/v1"), ConfigError, "'--endpoint'");
});

Deno.test("--api-key beats the variable named by --api-key-env; an unset variable is ignored", () => {
  const env = (n: string) =>
    ({ OPENAI_API_KEY: "from-env", MY_KEY: "mine" } as Record<string, string>)[n];
  assertEquals(run(["--jsonl", "p"], env).apiKey, "from-env");
  assertEquals(run(["--jsonl", "p", "--api-key-env", "MY_KEY"], env).apiKey, "mine");
  assertEquals(run(["--jsonl", "p", "--api-key", "flag"], env).apiKey, "flag");
  assertEquals(run(["--jsonl", "p", "--api-key-env", "UNSET"], env).apiKey, undefined);
  assertEquals(run(["--jsonl", "p", "--api-key-env", "EMPTY"], () => "").apiKey, undefined);
});

Deno.test("bad numbers name the flag and the value", () => {
  const cases: [string[], string][] = [
    [["--users", "0"], "'--users' must be a positive integer: current value is \"0\""],
    [["--users", "abc"], "'--users'"],
    [["--requests-per-user", "-1"], "'--requests-per-user'"],
    [["--request-timeout-secs", "0"], "'--request-timeout-secs' must be a positive number"],
    [["--max-retries", "1.5"], "'--max-retries'"],
    [["--retry-delay-ms", "x"], "'--retry-delay-ms'"],
    [["--output-tokens", "0"], "'--output-tokens'"],
    [["--output-vary", "3"], "'--output-vary' needs --output-tokens"],
  ];
  for (const [extra, msg] of cases) {
    assertThrows(() => run(["--jsonl", "p", ...extra]), ConfigError, msg);
  }
});

Deno.test("missing --jsonl and unknown flags are errors naming the flag", () => {
  assertThrows(() => run([]), ConfigError, "'--jsonl' is required");
  const e = assertThrows(() => run(["--jsonl", "p", "--userz", "3"]), ConfigError);
  assertEquals(e.field, "--userz");
});

Deno.test("output tokens, vary, goodput", () => {
  const o = run([
    "--jsonl",
    "p",
    "--output-tokens",
    "100",
    "--output-vary",
    "10",
    "--goodput",
    "ttft:500 tpot:50",
    "--goodput",
    "e2el:10000",
  ]);
  assertEquals([o.outputTokens, o.outputVary], [100, 10]);
  assertEquals(o.slo, { ttftMs: 500, tpotMs: 50, e2elMs: 10000 });
  assertThrows(() => parseGoodput(["ttft=5"]), ConfigError, "'--goodput'");
  assertThrows(() => parseGoodput(["foo:5"]), ConfigError, "'--goodput'");
  assertThrows(() => parseGoodput(["ttft:-1"]), ConfigError, "'--goodput'");
});

Deno.test("help, version, demo and simulate commands", () => {
  assertEquals(parseCommand(["--help"], noEnv).command, "help");
  assertEquals(parseCommand(["-V"], noEnv).command, "version");
  const demo = parseCommand(["demo", "--ttft-ms", "7"], noEnv);
  assert(demo.command === "demo");
  assertEquals(demo.sim.ttftMs, 7);
  assertEquals(demo.options.requestsPerUser, 8);
  assertEquals(demo.options.apiKey, undefined, "the demo never reads a key");
  const sim = parseCommand(["simulate", "--port", "9000"], noEnv);
  assert(sim.command === "simulate");
  assertEquals(sim.sim.port, 9000);
});
