/**
 * Child processes of the benchmark and what the OS says about them: CPU time (user + system, all
 * threads) from /proc/<pid>/stat and peak / current resident memory from /proc/<pid>/status.
 *
 * @module
 */

const CLK_TCK = 100; // USER_HZ on Linux

/** CPU seconds (user + system, every thread) used so far by a process. */
export function cpuSeconds(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/** User and system CPU seconds (every thread) used so far by a process. */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name.
  return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK };
}

/** Resident memory of a process: current and peak (VmHWM), in MB. */
export function memoryMb(pid: number): { rssMb: number; peakMb: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (name: string) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** A child process speaking line by line on stdout and stdin. */
export class Child {
  readonly process: Deno.ChildProcess;
  readonly #lines: AsyncGenerator<string>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly stderr: Promise<string>;

  /**
   * Spawns a command.
   *
   * @param cmd Program and arguments.
   */
  constructor(cmd: string[]) {
    this.process = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.process.stdin.getWriter();
    this.stderr = new Response(this.process.stderr).text();
    const stdout = this.process.stdout;
    this.#lines = (async function* () {
      const decoder = new TextDecoder();
      let text = "";
      for await (const chunk of stdout) {
        text += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = text.indexOf("\n")) >= 0) {
          yield text.slice(0, nl);
          text = text.slice(nl + 1);
        }
      }
    })();
  }

  /** The process id. */
  get pid(): number {
    return this.process.pid;
  }

  /**
   * Waits for a stdout line starting with `prefix` (other lines are ignored).
   *
   * @param prefix What the line starts with.
   * @returns The line.
   */
  async expect(prefix: string): Promise<string> {
    while (true) {
      const next = await this.#lines.next();
      if (next.done) {
        throw new Error(`child ended before printing ${prefix}: ${await this.stderr}`);
      }
      if (next.value.startsWith(prefix)) return next.value;
    }
  }

  /** Writes a line to its stdin. */
  async send(line: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(line + "\n"));
  }

  /** Ends it (SIGTERM) and waits. */
  async kill(): Promise<void> {
    try {
      this.process.kill("SIGTERM");
    } catch { /* already gone */ }
    await this.process.status;
    await this.#writer.close().catch(() => {});
  }

  /** Closes stdin and waits for the exit. */
  async end(): Promise<Deno.CommandStatus> {
    await this.#writer.close().catch(() => {});
    return await this.process.status;
  }
}
