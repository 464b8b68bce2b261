// The README's library example, run exactly as written (only the import specifier and the endpoint
// are pointed at this checkout and a loopback simulator).
import { assert, assertEquals } from "./_assert.ts";
import { serveSimulator } from "../lib/simulator/serve.ts";

const README = new URL("../README.md", import.meta.url);

function libraryExample(markdown: string): string {
  const section = markdown.split(/^## Library$/m)[1];
  assert(section, "README has a '## Library' section");
  const code = section.match(/```ts\n([\s\S]*?)```/)?.[1];
  assert(code, "the section has a ts code block");
  return code;
}

Deno.test("the README library example runs and prints a report", async () => {
  const sim = await serveSimulator({ ttftMs: 0, itlMs: 0, outputTokens: 3 });
  try {
    const code = libraryExample(await Deno.readTextFile(README));
    assert(code.includes('"https://api.openai.com/v1/chat/completions"'));
    assert(code.includes("RunMode.finite(25)") && code.includes(".withRetry(3, 400)"));
    const runnable = code
      .replace("jsr:@batchbench/cli", new URL("../mod.ts", import.meta.url).href)
      .replace("https://api.openai.com/v1/chat/completions", `${sim.url}/v1/chat/completions`);
    const dir = await Deno.makeTempDir();
    const file = `${dir}/example.ts`;
    await Deno.writeTextFile(file, runnable);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", file],
      env: { NO_COLOR: "1", OPENAI_API_KEY: "sk-readme-canary" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    assert(/successfulRequests: 200/.test(stdout), stdout.slice(0, 500));
    assertEquals(sim.simulator.requestCount, 200, "8 users x 25 requests reached the server");
    assertEquals(sim.simulator.received[0].headers["authorization"], "Bearer sk-readme-canary");
    assert(!stdout.includes("sk-readme-canary"), "the report never shows the key");
  } finally {
    await sim.shutdown();
  }
});
