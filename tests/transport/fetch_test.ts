import { assertEquals } from "../_assert.ts";

Deno.test("fetch: a deadline stops the body after the Response was garbage-collected", async () => {
  const probe = new URL("./_fetch_abort_probe.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", probe],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(new TextDecoder().decode(out.stdout).trim(), "TimeoutError");
});
