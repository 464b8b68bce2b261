/**
 * The `simulate` command: serve the built-in simulator until SIGINT/SIGTERM.
 *
 * @module
 */
import type { CliIo } from "./io.ts";
import type { SimulatorFlags } from "./options.ts";

/**
 * Serves the simulator until a stop signal, then shuts it down.
 *
 * @param sim Simulator flags.
 * @param io The outside world.
 * @returns The exit code (0).
 */
export async function simulateCommand(sim: SimulatorFlags, io: CliIo): Promise<number> {
  const stopped = Promise.withResolvers<void>();
  const unsubscribe = io.onSignal(() => stopped.resolve());
  const running = await io.serveSimulator({
    port: sim.port,
    ttftMs: sim.ttftMs,
    itlMs: sim.itlMs,
    outputTokens: sim.simOutputTokens,
  });
  io.out(`simulator listening on ${running.url} (ttft ${sim.ttftMs} ms, itl ${sim.itlMs} ms)\n`);
  await stopped.promise;
  unsubscribe();
  await running.shutdown();
  return 0;
}
