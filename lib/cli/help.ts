/**
 * The CLI's help text.
 *
 * @module
 */

/**
 * Returns the `--help` text.
 *
 * @example Usage
 * ```ts
 * import { helpText } from "./help.ts";
 * console.log(helpText("0.1.0").includes("--jsonl")); // true
 * ```
 *
 * @param version The tool's version.
 * @returns The help text.
 */
export function helpText(version: string): string {
  return `batchbench ${version}: benchmark OpenAI-compatible text-generation endpoints with many users.

USAGE
  batchbench [run] --jsonl FILE [options]     benchmark an endpoint
  batchbench demo [options]                   benchmark the built-in simulator (no key, no network)
  batchbench simulate [--port N] [...]        serve the built-in simulator until Ctrl-C

RUN OPTIONS (defaults in brackets)
  --jsonl PATH                 JSONL prompts; each record has "text" (string or messages) (required)
  --users N                    concurrent users [one per JSONL record]
  --model NAME                 model injected into every request (a record's own "model" wins) [gpt-4o-mini]
  --host URL                   base URL with scheme [https://api.openai.com]
  --endpoint PATH|URL          endpoint path, or a full URL that wins over --host [/v1/chat/completions]
  --requests-per-user N        requests each user sends (user i always sends record i) [1]
  --api-key-env NAME           environment variable holding the API key (recommended) [OPENAI_API_KEY]
  --api-key KEY                API key; beats --api-key-env. Prefer the variable: flags show up in
                               shell history and process lists. The key is never printed.
  --request-timeout-secs S     per-attempt deadline [60]
  --max-retries N              retries before a request is marked failed [2]
  --retry-delay-ms MS          base of the exponential backoff (with jitter) [250]
  --output-tokens N            force N output tokens (max_completion_tokens + nvext.ignore_eos)
  --output-vary V              vary --output-tokens uniformly in [N-V, N+V] per request, at least 1 [0]
  --no-stream                  send non-streamed requests (TTFT and ITL are then not measured)
  --goodput "ttft:MS tpot:MS e2el:MS itl:MS"   SLOs for goodput (vLLM's syntax)
  --output-json PATH           write the report as JSON ("-" for stdout)
  --log-requests PATH          write one JSON line per request as it ends
  --seed N                     seed of every random draw [0]
  -q, --quiet                  no live progress on stderr
  -h, --help | -V, --version

SIMULATOR OPTIONS (demo, simulate)
  --port N [0 = any]   --ttft-ms MS [20]   --itl-ms MS [5]   --sim-output-tokens N [16]
  demo also takes the run options; its --jsonl defaults to the shipped examples/prompts.jsonl and
  --requests-per-user to 8.

EXIT CODES
  0 the run finished and at least one request succeeded   1 every request failed
  2 bad flags or input (nothing was sent)   130/143 interrupted by SIGINT/SIGTERM (report still written)
`;
}
