/**
 * Deno adapter for `--workers`: rebuilds the CLI's workload inside a Web Worker from the CLI's
 * options (plain data), reading the prompt file again with Deno's file API. Used as the
 * `workloadSource` of `runSharded` by the `run` command.
 *
 * @module
 */

import type { CliIo } from "../cli/io.ts";
import type { CliOptions } from "../cli/options.ts";
import { buildRunSetup } from "../cli/workload_setup.ts";
import type { Workload } from "../workload/workload.ts";

/** The CLI options as plain data: the URL as a string. */
export type PlainCliOptions = Omit<CliOptions, "url"> & { url: string };

/**
 * The CLI options made plain (structured-clone safe).
 *
 * @param o The options.
 * @returns The plain options.
 */
export function plainCliOptions(o: CliOptions): PlainCliOptions {
  return structuredClone({ ...o, url: o.url.href });
}

/**
 * Rebuilds the workload the `run` command built from these options.
 *
 * @param plain The options, as {@linkcode plainCliOptions} made them.
 * @returns The workload.
 * @throws {Error} When the configuration has no workload.
 */
export async function cliWorkload(plain: PlainCliOptions): Promise<Workload> {
  const o = { ...plain, url: new URL(plain.url) } as CliOptions;
  const io = {
    async openRead(path: string) {
      if (/^(file|https?):/.test(path)) {
        const res = await fetch(path);
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        return res.body;
      }
      return (await Deno.open(path)).readable;
    },
    readText: (path: string) => Deno.readTextFile(path),
  } as unknown as CliIo;
  const { config } = await buildRunSetup(o, io);
  if (!config.workload) throw new Error("the run's configuration has no workload");
  return config.workload;
}
