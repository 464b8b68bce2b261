/**
 * Deno adapter: serves a {@linkcode Simulator} over HTTP with `Deno.serve`.
 *
 * @module
 */

import { Simulator, type SimulatorOptions } from "./handler.ts";

/** Options of {@linkcode serveSimulator}: the simulator's options plus where to listen. */
export interface ServeOptions extends SimulatorOptions {
  /**
   * Port to listen on; 0 picks a free one.
   *
   * @default {0}
   */
  port?: number;
  /**
   * Interface to listen on.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /** Aborting it shuts the server down (like {@linkcode RunningSimulator.shutdown}). */
  signal?: AbortSignal;
}

/** A simulator listening on a port. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** The port actually listened on. */
  port: number;
  /** The simulator (request counts, received requests). */
  simulator: Simulator;
  /** Stops accepting connections, ends responses in progress, and resolves when the server is closed. */
  shutdown(): Promise<void>;
}

/**
 * Starts an HTTP server running a simulator. Resolves once it listens.
 *
 * @example Usage
 * ```ts
 * import { serveSimulator } from "./serve.ts";
 * const sim = await serveSimulator({ ttftMs: 1, itlMs: 1 });
 * const res = await fetch(`${sim.url}/v1/completions`, {
 *   method: "POST",
 *   body: JSON.stringify({ prompt: "hi", max_tokens: 2 }),
 * });
 * console.log((await res.json()).choices[0].text); // "tok0 tok1 "
 * await sim.shutdown();
 * ```
 *
 * @param options Where to listen, and the simulator's options.
 * @returns The running simulator.
 */
export function serveSimulator(options: ServeOptions = {}): Promise<RunningSimulator> {
  const { port = 0, hostname = "127.0.0.1", signal, ...simulatorOptions } = options;
  const simulator = new Simulator(simulatorOptions);
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { port, hostname, onListen: (addr) => listening.resolve(addr) },
    simulator.handler,
  );
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    if (!closing) {
      signal?.removeEventListener("abort", onAbort);
      const finished = server.shutdown();
      simulator.abortAll();
      closing = finished.then(() => server.finished);
    }
    return closing;
  };
  const onAbort = () => void shutdown();
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return listening.promise.then((addr) => {
    const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    return { url: `http://${host}:${addr.port}`, port: addr.port, simulator, shutdown };
  });
}
