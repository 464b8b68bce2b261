import { assertEquals, assertThrows } from "../_assert.ts";
import { parseCommand } from "../../lib/cli/options.ts";
import { ConfigError } from "../../lib/errors.ts";

const run = (...args: string[]) => {
  const cmd = parseCommand(["--jsonl", "p.jsonl", ...args], () => undefined);
  if (cmd.command !== "run") throw new Error(cmd.command);
  return cmd.options;
};

Deno.test("safety flags: defaults", () => {
  const o = run();
  assertEquals([o.graceMs, o.idleTimeoutMs, o.insecure, o.caCert, o.verbose], [
    5_000,
    0,
    false,
    undefined,
    false,
  ]);
});

Deno.test("safety flags: values", () => {
  const o = run("--grace-secs", "0.25", "--idle-timeout-secs", "30", "--ca-cert", "ca.pem", "-v");
  assertEquals([o.graceMs, o.idleTimeoutMs, o.caCert, o.verbose], [250, 30_000, "ca.pem", true]);
  assertEquals(run("--insecure").insecure, true);
  assertEquals(run("--grace-secs", "0").graceMs, 0);
});

Deno.test("safety flags: errors name the flag", () => {
  assertThrows(() => run("--grace-secs", "x"), ConfigError, "'--grace-secs'");
  assertThrows(() => run("--idle-timeout-secs=-1"), ConfigError, "'--idle-timeout-secs'");
  assertThrows(() => run("--ca-cert", " "), ConfigError, "'--ca-cert' must name a PEM file");
  assertThrows(() => run("--insecure", "--ca-cert", "a.pem"), ConfigError, "cannot be combined");
});
