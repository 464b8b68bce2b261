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
  batchbench sweep [run options] [--sweep-steps N] [--slo-attainment P]   baseline, max, rates between
  batchbench report LOG [outputs] [--goodput ..]   rebuild the summary and files from a request log
  batchbench compare BASE.json NEW.json [--fail-on METRIC:+N% ...]   differences; exit 1 on regression
  batchbench merge A.json B.json ... [--sequential] [outputs]        one result from runs or shards

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
  --idle-timeout-secs S        fail an attempt whose body stalls S seconds (a timeout) [0 = off]
  --grace-secs S               after Ctrl-C/SIGTERM, in-flight requests get S seconds [5]
  --ca-cert FILE               also trust this CA certificate (PEM), for a private CA
  --insecure                   do NOT verify TLS certificates (warned, recorded in the report)
  --transport fetch|http1      how bytes move: fetch, or batchbench's own HTTP/1.1 client (about
                               half fetch's CPU per token and a fifth of its memory) [fetch]
  --workers N|auto             spread the users over N Web Workers (auto: one per spare core when
                               users need more than one event loop) [1]
  --output-tokens N            force N output tokens (max_completion_tokens + nvext.ignore_eos)
  --output-vary V              vary --output-tokens uniformly in [N-V, N+V] per request, at least 1 [0]
  --no-stream                  send non-streamed requests (TTFT and ITL are then not measured)
  --goodput "ttft:MS tpot:MS e2el:MS itl:MS"   SLOs for goodput (vLLM's syntax)
  --count-tokens tokenizer|events  count output tokens when the server reports no usage: with the
                               bundled o200k tokenizer, or one per output event [tokenizer]
  --output-json PATH           write the result file (JSON, schema/result.schema.json; "-" for stdout)
  --output-csv PATH            append a summary row per run (header written when the file is new)
  --output-html PATH           write a self-contained HTML report (charts, opens offline)
  --log-requests PATH          write one JSON line per request as it ends (see 'report')
  --output-requests-csv PATH   write one CSV row per request as it ends
  --seed N                     seed of every random draw [0]
  -q, --quiet                  no live progress on stderr
  -v, --verbose                show the request on stderr first (credentials shown as ***)
  -h, --help | -V, --version

LOAD SHAPES (run, demo; closed-loop users unless --request-rate)
  --request-rate R|inf         open loop: send R requests/s whatever the server's pace (inf: all at once)
  --arrival constant|poisson|gamma   gaps between sends [poisson; gamma with --burstiness]
  --burstiness B               gamma shape of the gaps, mean 1/R (vLLM's meaning; 1 = Poisson) [1]
  --no-exact-rate              plain i.i.d. gaps (vLLM) instead of rescaling them to deliver exactly R
  --max-concurrency N          open loop: at most N in flight; due requests wait (queue delay), never dropped
  --duration S                 stop sending after S seconds; in-flight requests finish within the grace
  --max-requests N             stop after N measured requests (users loop, records cycle)
  --warmup N|Ss                the first N requests, or S seconds, are sent but excluded from statistics
  --ramp-up S                  closed loop: start the users linearly over S seconds

WORKLOADS
  --dataset jsonl|sharegpt|random   where prompts come from [jsonl: --jsonl]; --synthetic = random
  --dataset-path PATH          the dataset file (ShareGPT: JSON array or JSON Lines of conversations)
  --input-tokens SPEC          synthetic input length in tokens: N, uniform:A,B, normal:MEAN,SD,
                               lognormal:MEDIAN,SIGMA (exact, measured with o200k_base) [256]
  --output-tokens N|SPEC       output length per request (same specs); sharegpt: the dataset's replies
  --prefix-ratio F             synthetic: fraction of each prompt shared by all (prefix caching) [0]
  --num-prompts N              synthetic prompts to build, or ShareGPT conversations to use [100 / 1000]
  --random-requests            every request draws a random record (seeded) instead of one per user
  --multi-turn                 each user holds a conversation and resends the growing history
  --think-time-ms MS           with --multi-turn, wait between a reply and the next turn [0]
  --backend NAME               output-length fields: default (max_completion_tokens + nvext.ignore_eos),
                               vllm, sglang, trtllm, dynamo, openai, tgi, llamacpp [default]

SWEEP (batchbench sweep): 1 user, then all at once, then --sweep-steps rates between [4], each step
  --max-requests requests [50]; with --goodput, the highest rate whose good requests reach
  --slo-attainment percent [90]. --output-json is rewritten after every step.

SIMULATOR OPTIONS (demo, simulate)
  --port N [0 = any]   --ttft-ms MS [20]   --itl-ms MS [5]   --sim-output-tokens N [16]
  demo also takes the run options; its --jsonl defaults to the shipped examples/prompts.jsonl and
  --requests-per-user to 8.

RESULTS
  report LOG: same figures as the run's; takes --output-json/-csv/-html, --output-requests-csv and
    --goodput (default: the run's SLOs).
  compare: --fail-on METRIC:+N% (a rise of more than N% fails), METRIC:-N% (a fall), or without %
    for an absolute change, e.g. --fail-on p99_ttft_ms:+10% --fail-on failed:+0 (repeatable).
    METRIC is any numeric key of the result file. Exit 0 ok, 1 regression, 2 bad flag or file.
  merge: shards that ran at the same time are aligned on their start times (duration: earliest
    send to latest completion); --sequential lays runs end to end (durations add up).

EXIT CODES
  0 the run finished and at least one request succeeded   1 every request failed
  2 bad flags or input (nothing was sent)   130/143 interrupted by SIGINT/SIGTERM (report still written)
`;
}
