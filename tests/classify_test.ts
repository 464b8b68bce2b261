import { assertEquals } from "./_assert.ts";
import { type AbortCauses, classifyThrown, errorChain } from "../lib/classify.ts";

const quiet = (): AbortCauses => ({
  cancel: new AbortController().signal,
  deadline: new AbortController().signal,
  idle: new AbortController().signal,
});
const wrapped = (inner: string) => new TypeError("fetch failed", { cause: new Error(inner) });

Deno.test("before the headers: connect, TLS, reset, not HTTP", () => {
  const cases: [unknown, string][] = [
    [
      wrapped("client error (Connect): tcp connect error: Connection refused (os error 111)"),
      "connect_error",
    ],
    [
      wrapped("client error (Connect): dns error: failed to lookup address information"),
      "connect_error",
    ],
    [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
      "connect_error",
    ],
    [wrapped("client error (Connect): invalid peer certificate: UnknownIssuer"), "connect_error"],
    [wrapped("Connection reset by peer (os error 104)"), "connection_reset"],
    [
      wrapped("client error (SendRequest): connection closed before message completed"),
      "connection_reset",
    ],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "connection_reset"],
    [wrapped("client error (SendRequest): invalid HTTP version parsed"), "protocol_error"],
  ];
  for (const [e, kind] of cases) {
    assertEquals(classifyThrown(e, "before", quiet())[0], kind, errorChain(e));
  }
  const [, tls] = classifyThrown(cases[3][0], "before", quiet());
  assertEquals(tls.startsWith("TLS: "), true);
});

Deno.test("mid-body: incomplete_body, or protocol_error for bad framing", () => {
  assertEquals(
    classifyThrown(new TypeError("error reading a body from connection"), "body", quiet())[0],
    "incomplete_body",
  );
  const framing = Object.assign(new Error("invalid chunk size byte 0x7a"), {
    name: "HttpProtocolError",
  });
  assertEquals(classifyThrown(framing, "body", quiet())[0], "protocol_error");
});

Deno.test("aborts are explained by the signal that fired: cancel, deadline, idle", () => {
  const abort = (which: keyof AbortCauses) => {
    const causes = quiet();
    const c = new AbortController();
    c.abort(new DOMException("no bytes for 5 ms (stalled stream)", "TimeoutError"));
    return classifyThrown(new DOMException("aborted", "AbortError"), "body", {
      ...causes,
      [which]: c.signal,
    });
  };
  assertEquals(abort("cancel")[0], "cancelled");
  assertEquals(abort("deadline"), ["timeout", "response not complete before the deadline"]);
  assertEquals(abort("idle"), ["timeout", "no bytes for 5 ms (stalled stream)"]);
});

Deno.test("errorChain joins causes and codes without repeats", () => {
  const e = new Error("outer", { cause: Object.assign(new Error("inner"), { code: "EPIPE" }) });
  assertEquals(errorChain(e), "outer: inner (EPIPE)");
  assertEquals(errorChain("plain"), "plain");
});
