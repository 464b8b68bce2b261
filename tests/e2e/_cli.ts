// Helpers for end-to-end tests: run cli.ts as a real process.
const CLI = new URL("../../cli.ts", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { NO_COLOR: "1", ...options.env },
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

export async function writePrompts(lines: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "batchbench_e2e_" });
  const path = `${dir}/prompts.jsonl`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

export function prompts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ text: `prompt number ${i}` }));
}
