// A fake CliIo for command tests: in-memory files, captured stdout/stderr, no process, no network.
import type { CliIo } from "../../lib/cli/io.ts";

export interface FakeIo extends CliIo {
  stdout: string[];
  stderr: string[];
  files: Map<string, string>;
}

export function fakeIo(
  options: { env?: Record<string, string>; terminal?: boolean; files?: Record<string, string> } =
    {},
): FakeIo {
  const files = new Map(Object.entries(options.files ?? {}));
  const notFound = (path: string) =>
    Object.assign(new Error(`no such file: ${path}`), { name: "NotFound" });
  const io: FakeIo = {
    stdout: [],
    stderr: [],
    files,
    out: (t) => void io.stdout.push(t),
    err: (t) => void io.stderr.push(t),
    env: (name) => options.env?.[name],
    stdoutIsTerminal: options.terminal ?? false,
    stderrIsTerminal: options.terminal ?? false,
    terminalColumns: () => 100,
    openRead(path) {
      const text = files.get(path);
      if (text === undefined) return Promise.reject(notFound(path));
      return Promise.resolve(new Blob([text]).stream());
    },
    readText(path) {
      const text = files.get(path);
      return text === undefined ? Promise.reject(notFound(path)) : Promise.resolve(text);
    },
    writeText(path, text, o) {
      files.set(path, (o?.append ? files.get(path) ?? "" : "") + text);
      return Promise.resolve();
    },
    openWrite: () => Promise.reject(new Error("not supported")),
    openLineSink(path) {
      files.set(path, "");
      return Promise.resolve({
        writeLine: (line) => void files.set(path, files.get(path) + line + "\n"),
        close() {},
      });
    },
    onSignal: () => () => {},
    exit: (code) => {
      throw new Error(`exit ${code}`);
    },
    serveSimulator: () => Promise.reject(new Error("not supported")),
    runtime: { deno: "2.9.6", os: "linux", cpus: 2 },
  };
  return io;
}
