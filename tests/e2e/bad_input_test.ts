// Every input error of FAULTS.md ("Input:"): exit code 2 before the first request, with a message
// naming the flag or file:line; and the inputs that look odd but are fine (blank lines, BOM, CRLF,
// endpoints with or without slashes and base paths) reach the server as expected.
import { assert, assertEquals } from "../_assert.ts";
import { serveSimulator } from "../../lib/simulator/serve.ts";
import { prompts, runCli, writePrompts } from "./_cli.ts";

async function fileWith(name: string, bytes: string | Uint8Array): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "batchbench_input_" });
  const path = `${dir}/${name}`;
  if (typeof bytes === "string") await Deno.writeTextFile(path, bytes);
  else await Deno.writeFile(path, bytes);
  return path;
}

Deno.test("every input error exits 2 before any request, naming the flag or file:line", async () => {
  const good = await writePrompts(prompts(2));
  const dir = await Deno.makeTempDir();
  const f = {
    empty: await fileWith("empty.jsonl", ""),
    blank: await fileWith("blank.jsonl", "\n  \n\r\n"),
    badJson: await fileWith("bad.jsonl", '{"text":"ok"}\n\n{"text": oops}\n'),
    noText: await fileWith("notext.jsonl", '{"text":"ok"}\n{"prompt":"hi"}\n'),
    numText: await fileWith("num.jsonl", '{"text":42}\n'),
    emptyText: await fileWith("emptytext.jsonl", '{"text":""}\n'),
    badMessages: await fileWith("msgs.jsonl", '{"text":[{"content":"no role"}]}\n'),
    array: await fileWith("array.jsonl", '["text"]\n'),
    badModel: await fileWith("model.jsonl", '{"text":"a","model":7}\n'),
    utf8: await fileWith("utf8.jsonl", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d, 0x0a])),
    notPem: await fileWith("ca.pem", "not a certificate\n"),
  };
  const cases: [string[], RegExp][] = [
    [
      ["--jsonl", `${good}.missing`],
      /prompts\.jsonl\.missing: cannot be read \(--jsonl\): does not exist/,
    ],
    [["--jsonl", dir], /cannot be read/],
    [["--jsonl", f.empty], /empty\.jsonl: holds no records/],
    [["--jsonl", f.blank], /blank\.jsonl: holds no records/],
    [["--jsonl", f.badJson], /bad\.jsonl:3: line is not valid JSON/],
    [["--jsonl", f.noText], /notext\.jsonl:2: line has no "text" field/],
    [["--jsonl", f.numText], /num\.jsonl:1: line has a "text" that is neither a string nor/],
    [["--jsonl", f.emptyText], /emptytext\.jsonl:1: line has an empty "text"/],
    [["--jsonl", f.badMessages], /msgs\.jsonl:1: line has "text\[0\]" without a string "role"/],
    [["--jsonl", f.array], /array\.jsonl:1: line must be a JSON object/],
    [["--jsonl", f.badModel], /model\.jsonl:1: line has a "model" that is not/],
    [["--jsonl", f.utf8], /utf8\.jsonl: is not valid UTF-8/],
    [[], /'--jsonl' is required/],
    [["--jsonl", good, "--users", "3"], /'--users' needs one (JSONL )?record per user/],
    [
      ["--jsonl", good, "--users", "0"],
      /'--users' must be a positive integer: current value is "0"/,
    ],
    [["--jsonl", good, "--users", "-1"], /'--users'/],
    [["--jsonl", good, "--users=-1"], /'--users' must be a positive integer/],
    [["--jsonl", good, "--users", "1.5"], /'--users' must be a positive integer/],
    [["--jsonl", good, "--users", "lots"], /'--users' must be a positive integer/],
    [["--jsonl", good, "--requests-per-user", "0"], /'--requests-per-user' must be a positive/],
    [
      ["--jsonl", good, "--request-timeout-secs", "0"],
      /'--request-timeout-secs' must be a positive/,
    ],
    [["--jsonl", good, "--request-timeout-secs=-3"], /'--request-timeout-secs' must be a positive/],
    [["--jsonl", good, "--max-retries=-1"], /'--max-retries' must be a non-negative integer/],
    [["--jsonl", good, "--retry-delay-ms=-5"], /'--retry-delay-ms' must be a non-negative/],
    [["--jsonl", good, "--output-tokens", "0"], /'--output-tokens'/],
    [["--jsonl", good, "--output-vary", "2"], /'--output-vary' needs --output-tokens/],
    [["--jsonl", good, "--seed=-1"], /'--seed' must be a non-negative integer/],
    [["--jsonl", good, "--grace-secs=-1"], /'--grace-secs' must be a non-negative number/],
    [
      ["--jsonl", good, "--idle-timeout-secs", "soon"],
      /'--idle-timeout-secs' must be a non-negative/,
    ],
    [["--jsonl", good, "--goodput", "ttft:fast"], /'--goodput' must be name:milliseconds pairs/],
    [["--jsonl", good, "--model", ""], /'--model' must not be empty/],
    [["--jsonl", good, "--host", "localhost:8000"], /'--host' must use http:\/\/ or https:\/\//],
    [["--jsonl", good, "--host", "not a url"], /'--host' must be an absolute http\(s\) URL/],
    [["--jsonl", good, "--host", "ftp://files.example"], /'--host' must use http/],
    [["--jsonl", good, "--host", "http://h/?q=1"], /'--host' must not have a query/],
    [["--jsonl", good, "--endpoint", "ftp://files.example/v1"], /'--endpoint' must use http/],
    [["--jsonl", good, "--ca-cert", `${dir}/none.pem`], /none\.pem: cannot be read \(--ca-cert\)/],
    [["--jsonl", good, "--ca-cert", f.notPem], /ca\.pem: holds no PEM certificate \(--ca-cert\)/],
    [["--jsonl", good, "--ca-cert", f.notPem, "--insecure"], /'--ca-cert' cannot be combined/],
    [["--jsonl", good, "--frobnicate"], /'--frobnicate'/],
    [["--jsonl", good, "stray"], /Unexpected argument 'stray'/],
  ];
  const sim = await serveSimulator({ ttftMs: 0, itlMs: 0, outputTokens: 1 });
  try {
    const withHost = (args: string[]) =>
      args.some((a) => a.startsWith("--host")) ? args : [...args, "--host", sim.url];
    // Six processes at a time.
    for (let i = 0; i < cases.length; i += 6) {
      const batch = cases.slice(i, i + 6);
      const results = await Promise.all(batch.map(([args]) => runCli(withHost(args))));
      batch.forEach(([args, pattern], k) => {
        const r = results[k];
        const what = `${args.join(" ")}: ${r.stderr}`;
        assertEquals(r.code, 2, what);
        assert(pattern.test(r.stderr), what);
        assert(r.stderr.startsWith("error: "), what);
        assert(!/\bat \S+:\d+:\d+/.test(r.stderr), `no stack trace: ${what}`);
      });
    }
    assertEquals(sim.simulator.requestCount, 0, "nothing was sent");
  } finally {
    await sim.shutdown();
  }
});

Deno.test("blank lines, a BOM and CRLF are fine; endpoints join with one slash and keep base paths", async () => {
  const odd = await fileWith(
    "odd.jsonl",
    '\uFEFF{"text":"first"}\r\n\r\n   \r\n{"text":[{"role":"user","content":"second"}]}\r\n',
  );
  const sim = await serveSimulator({ ttftMs: 0, itlMs: 0, outputTokens: 1 });
  try {
    const r = await runCli(["--jsonl", odd, "--host", sim.url, "-q"]);
    assertEquals(r.code, 0, r.stderr);
    const contents = sim.simulator.received.map((q) =>
      (q.body as { messages: { content: string }[] }).messages[0].content
    ).sort();
    assertEquals(contents, ["first", "second"]);

    const variants: [string, string, string][] = [
      [sim.url, "/v1/chat/completions", "/v1/chat/completions"],
      [`${sim.url}/`, "v1/chat/completions", "/v1/chat/completions"],
      [`${sim.url}//`, "//v1/completions", "/v1/completions"],
      [`${sim.url}/proxy`, "/v1/chat/completions", "/proxy/v1/chat/completions"],
      [`${sim.url}/proxy/`, "/v1/chat/completions", "/proxy/v1/chat/completions"],
      [
        "http://ignored.invalid",
        `${sim.url}/full/v1/chat/completions`,
        "/full/v1/chat/completions",
      ],
    ];
    const before = sim.simulator.requestCount;
    const results = await Promise.all(
      variants.map(([host, endpoint]) =>
        runCli(["--jsonl", odd, "--users", "1", "--host", host, "--endpoint", endpoint, "-q"])
      ),
    );
    results.forEach((res, i) =>
      assertEquals(res.code, 0, `${variants[i].join(" ")}: ${res.stderr}`)
    );
    const paths = sim.simulator.received.slice(before).map((q) => q.path).sort();
    assertEquals(paths, variants.map(([, , path]) => path).sort());
  } finally {
    await sim.shutdown();
  }
});
