import { assert, assertEquals } from "./_assert.ts";
import { excerpt, Redactor } from "../lib/redact.ts";

Deno.test("every occurrence of every secret is hidden, longest first", () => {
  const r = new Redactor(["abc", "abcdef", ""]);
  assertEquals(r.redact("x abcdef y abc z"), "x *** y *** z");
});

Deno.test("Bearer tokens are hidden even when not a known secret", () => {
  const r = new Redactor([]);
  assertEquals(r.redact('{"auth":"Bearer sk-live-9"}'), '{"auth":"Bearer ***"}');
  assertEquals(r.redact("bearer\tTOKEN, next"), "bearer\t***, next");
});

Deno.test("excerpt folds whitespace and cuts long text", () => {
  assertEquals(excerpt("  a \n\n b  "), "a b");
  const long = excerpt("x".repeat(1000), 300);
  assertEquals(long.length, 300);
  assert(long.endsWith("…"));
});

Deno.test("a secret echoed JSON-escaped, URL-encoded, or cut short at the end is hidden", () => {
  const r = new Redactor(['sk-a/b"c+d']);
  assertEquals(r.redact('{"m":"sk-a\\/b\\"c+d"}'), '{"m":"***"}');
  assertEquals(r.redact('{"m":"sk-a/b\\"c+d"}'), '{"m":"***"}');
  assertEquals(r.redact("q=sk-a%2Fb%22c%2Bd"), "q=***");
  assertEquals(r.redact("key sk-a/b…"), "key ***…");
  assertEquals(r.redact("key sk-a/"), "key ***");
  assertEquals(r.redact("ask"), "ask", "a start shorter than 4 characters is left alone");
});
