// The CLI's safety flags as a user runs them: TLS verification (default, --ca-cert, --insecure) against
// a loopback HTTPS simulator, and the API key never printed, even when the server echoes it back.
import { assert, assertEquals } from "../_assert.ts";
import { CA_PATH, withHttpsSimulator } from "../faults/_https.ts";
import { serveSimulator } from "../../lib/simulator/serve.ts";
import { prompts, runCli, writePrompts } from "./_cli.ts";

const KEY = "sk-canary-CLI-SAFETY-91c2e7";

async function jsonOf(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("TLS: verified by default; --ca-cert trusts a private CA; --insecure warns and is recorded", async () => {
  const file = await writePrompts(prompts(2));
  const dir = await Deno.makeTempDir();
  await withHttpsSimulator(async (url, sim) => {
    const base = ["--jsonl", file, "--host", url, "-q", "--max-retries", "2"];
    const strict = await runCli([...base, "--output-json", `${dir}/strict.json`], {
      env: { OPENAI_API_KEY: KEY },
    });
    assertEquals(strict.code, 1, strict.stderr);
    assert(
      /connect_error/.test(strict.stdout) && /certificate/i.test(strict.stdout),
      strict.stdout,
    );
    assertEquals((await jsonOf(`${dir}/strict.json`)).attempts, 2, "a TLS error is not retried");
    assertEquals(sim.requestCount, 0);

    const ca = await runCli([...base, "--ca-cert", CA_PATH, "--output-json", `${dir}/ca.json`], {
      env: { OPENAI_API_KEY: KEY },
    });
    assertEquals(ca.code, 0, ca.stderr);
    const caMeta = (await jsonOf(`${dir}/ca.json`)).meta as Record<string, Record<string, unknown>>;
    assertEquals(caMeta.config.tls_verify, true);
    assertEquals(caMeta.config.ca_cert, CA_PATH);

    const insecure = await runCli([...base, "--insecure", "--output-json", `${dir}/in.json`], {
      env: { OPENAI_API_KEY: KEY },
    });
    assertEquals(insecure.code, 0, insecure.stderr);
    assert(/--insecure: TLS certificates are NOT verified/.test(insecure.stderr), insecure.stderr);
    const meta = (await jsonOf(`${dir}/in.json`)).meta as Record<string, Record<string, unknown>>;
    assertEquals(meta.config.tls_verify, false);
    assertEquals(sim.requestCount, 4);
    for (const req of sim.received) assertEquals(req.headers["authorization"], `Bearer ${KEY}`);
    for (const r of [strict, ca, insecure]) {
      assert(!r.stdout.includes(KEY) && !r.stderr.includes(KEY));
    }
  });
});

Deno.test("the key, even echoed by the server, appears in no output: stdout, stderr, verbose, JSON, log", async () => {
  const file = await writePrompts(prompts(3));
  const dir = await Deno.makeTempDir();
  const sim = await serveSimulator({
    ttftMs: 0,
    itlMs: 0,
    outputTokens: 2,
    fault: (n) =>
      [
        { kind: "echo_auth" } as const,
        {
          kind: "status",
          status: 500,
          contentType: "text/html",
          body: `<html><body><pre>Authorization: Bearer ${KEY}</pre>${KEY}</body></html>`,
        } as const,
        { kind: "error_event", afterTokens: 1, message: `bad credentials ${KEY}` } as const,
      ][n % 3],
  });
  try {
    const r = await runCli([
      "--jsonl",
      file,
      "--host",
      sim.url,
      "--max-retries",
      "0",
      "--output-json",
      `${dir}/r.json`,
      "--log-requests",
      `${dir}/log.jsonl`,
      "--verbose",
    ], { env: { OPENAI_API_KEY: KEY } });
    assertEquals(r.code, 1, r.stderr);
    assertEquals(sim.simulator.requestCount, 3);
    const json = await Deno.readTextFile(`${dir}/r.json`);
    const log = await Deno.readTextFile(`${dir}/log.jsonl`);
    for (
      const [what, text] of [["stdout", r.stdout], ["stderr", r.stderr], ["json", json], [
        "log",
        log,
      ]]
    ) {
      assert(!text.includes(KEY) && !text.includes(KEY.slice(0, 12)), `${what} leaks the key`);
    }
    assert(r.stdout.includes("Bearer ***"), r.stdout);
    assert(r.stderr.includes("> authorization: Bearer ***"), `verbose dump: ${r.stderr}`);
    const report = JSON.parse(json);
    assertEquals(report.failures_by_kind.http_4xx, 1);
    assertEquals(report.failures_by_kind.http_5xx, 1);
    assertEquals(report.failures_by_kind.stream_error, 1);
  } finally {
    await sim.shutdown();
  }
});

Deno.test("redirects are not followed: the key stays home, the report says where it pointed", async () => {
  const elsewhere = await serveSimulator({ ttftMs: 0, itlMs: 0 });
  const sim = await serveSimulator({
    fault: () => ({
      kind: "status",
      status: 307,
      body: "moved",
      headers: { location: `${elsewhere.url}/v1/chat/completions?token=abc` },
    }),
  });
  try {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/p.jsonl`, '{"text":"hi"}\n');
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../cli.ts", import.meta.url).pathname,
        "--jsonl",
        `${dir}/p.jsonl`,
        "--host",
        sim.url,
        "--api-key-env",
        "BB_KEY",
        "-q",
        "--output-json",
        `${dir}/r.json`,
      ],
      env: { NO_COLOR: "1", BB_KEY: "sk-redirect-canary" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assertEquals(out.code, 1);
    assertEquals(elsewhere.simulator.requestCount, 0, "nothing reached the redirect target");
    assertEquals(sim.simulator.requestCount, 1, "a redirect is not retried");
    const report = JSON.parse(await Deno.readTextFile(`${dir}/r.json`));
    assertEquals(report.failures_by_kind.http_4xx, 1);
    assert(stdout.includes("HTTP 307 redirect to"), stdout);
    assert(!stdout.includes("token=abc"), "the query of the target is not shown");
  } finally {
    await sim.shutdown();
    await elsewhere.shutdown();
  }
});
