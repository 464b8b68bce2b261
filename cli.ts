/**
 * The `batchbench` command line. The only place that reads argv and the environment, writes to the
 * terminal, handles signals and exits: it builds the real {@linkcode CliIo} on Deno and hands it to the
 * commands in `lib/cli/`.
 *
 * ```sh
 * deno run -A jsr:@batchbench/cli demo
 * deno run -A jsr:@batchbench/cli --jsonl prompts.jsonl --users 32 --host http://localhost:8000
 * ```
 *
 * @module
 */
import denoJson from "./deno.json" with { type: "json" };
import type { CliIo, StopSignal } from "./lib/cli/io.ts";
import { cliMain } from "./lib/cli/main.ts";
import { serveSimulator } from "./lib/simulator/serve.ts";
import { FetchTransport } from "./lib/transport/fetch.ts";
import { NodeHttpTransport } from "./lib/transport/node_http.ts";
import { createDenoHttp1Transport } from "./lib/transport/deno_connect.ts";

/** The tool's version (from deno.json). */
export const VERSION: string = denoJson.version;

const encoder = new TextEncoder();

/** The real outside world, on Deno. */
export const denoIo: CliIo = {
  out: (text) => void Deno.stdout.writeSync(encoder.encode(text)),
  err: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
  env: (name) => Deno.env.get(name),
  stdoutIsTerminal: Deno.stdout.isTerminal(),
  stderrIsTerminal: Deno.stderr.isTerminal(),
  terminalColumns() {
    try {
      return Deno.consoleSize().columns;
    } catch {
      return undefined;
    }
  },
  async openRead(path) {
    if (/^(file|https?):/.test(path)) {
      const res = await fetch(path);
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      return res.body;
    }
    return (await Deno.open(path)).readable;
  },
  readText: (path) => Deno.readTextFile(path),
  writeText: (path, text, options) => Deno.writeTextFile(path, text, options),
  async openWrite(path) {
    return (await Deno.open(path, { write: true, create: true, truncate: true })).writable;
  },
  async openLineSink(path) {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    return {
      writeLine(line) {
        const bytes = encoder.encode(line + "\n");
        for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
      },
      close: () => file.close(),
    };
  },
  onSignal(handler) {
    const subs = (["SIGINT", "SIGTERM"] as StopSignal[]).map((sig) => {
      const h = () => handler(sig);
      Deno.addSignalListener(sig, h);
      return () => Deno.removeSignalListener(sig, h);
    });
    return () => subs.forEach((unsubscribe) => unsubscribe());
  },
  exit: (code) => Deno.exit(code),
  serveSimulator,
  createTransport({ verifyTls, caCerts }) {
    // Deno's fetch cannot skip verification per client: --insecure goes through node:https.
    if (!verifyTls) return new NodeHttpTransport({ verifyTls: false });
    const client = Deno.createHttpClient({ caCerts });
    return new FetchTransport(fetch, { init: { client }, onClose: () => client.close() });
  },
  createHttp1Transport: (caCerts) => createDenoHttp1Transport({ caCerts }),
  runtime: { deno: Deno.version.deno, os: Deno.build.os, cpus: navigator.hardwareConcurrency },
};

/**
 * Runs the CLI with the real outside world and returns its exit code.
 *
 * @param argv Arguments after the program name.
 * @returns The exit code.
 */
export function main(argv: readonly string[]): Promise<number> {
  const examples = new URL("./examples/prompts.jsonl", import.meta.url).href;
  return cliMain(argv, denoIo, { version: VERSION }, examples);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
