import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { Aggregator } from "../../lib/metrics/aggregate.ts";
import type { RequestRecord } from "../../lib/record.ts";
import { RequestLogWriter } from "../../lib/report/request_log.ts";
import { headerSlo, readRequestLog } from "../../lib/report/request_log_read.ts";
import { makeFailure, makeRecord, randomRecords } from "../metrics/_fixtures.ts";

function memorySink() {
  const lines: string[] = [];
  let closed = 0;
  return {
    lines,
    closed: () => closed,
    sink: { writeLine: (l: string) => void lines.push(l), close: () => void closed++ },
  };
}

async function read(text: string) {
  const records: RequestRecord[] = [];
  const summary = await readRequestLog(
    new Blob([text]).stream(),
    "run.jsonl",
    (r) => records.push(r),
  );
  return { records, summary };
}

Deno.test("request log: header, one line per record rounded to µs, end line; valid JSONL at every step", () => {
  const m = memorySink();
  const log = new RequestLogWriter(m.sink, {
    meta: { config: { model: "m" } },
    slo: { ttftMs: 500 },
  });
  assert.equal(m.lines.length, 1, "the header is written before any request");
  log.onRecord(makeRecord({ startMs: 1.23456789, itlMs: [0.0004, 2.0006], ttftMs: 9.99951 }));
  for (const line of m.lines) JSON.parse(line);
  log.end({ interrupted: true, clientHealth: null });
  log.onRecord(makeRecord()); // after the end: ignored
  assert.equal(m.lines.length, 3);
  assert.equal(m.closed(), 1);
  const header = JSON.parse(m.lines[0]);
  assert.deepEqual(header, {
    type: "header",
    format: "batchbench-request-log",
    version: 1,
    meta: { config: { model: "m" } },
    slo: { ttft_ms: 500 },
  });
  const record = JSON.parse(m.lines[1]);
  assert.equal(record.type, undefined, "record lines have no type");
  assert.equal(record.startMs, 1.235);
  assert.deepEqual(record.itlMs, [0, 2.001]);
  assert.equal(record.ttftMs, 10);
  assert.deepEqual(JSON.parse(m.lines[2]), { type: "end", interrupted: true, client_health: null });
});

Deno.test("request log: read back, records aggregate to the same figures (µs precision)", async () => {
  const records = randomRecords(400, 11).map((r) => ({ ...r, startMs: r.startMs + 0.123456 }));
  const m = memorySink();
  const log = new RequestLogWriter(m.sink, { slo: { ttftMs: 900 } });
  const direct = new Aggregator({ slo: { ttftMs: 900 } });
  for (const r of records) {
    log.onRecord(r);
    direct.add(r);
  }
  log.end({ interrupted: false, clientHealth: null });
  let slo;
  const again = new Aggregator({ slo: { ttftMs: 900 } });
  const summary = await readRequestLog(
    new Blob([m.lines.join("\n") + "\n"]).stream(),
    "run.jsonl",
    (r) => again.add(r),
    (h) => slo = headerSlo(h),
  );
  assert.deepEqual(slo, { ttftMs: 900 });
  assert.equal(summary.records, records.length);
  assert.equal(summary.end?.interrupted, false);
  assert.deepEqual(again.outcomes, direct.outcomes);
  assert.equal(again.outputTokens, direct.outputTokens);
  assert.equal(again.goodRequests, direct.goodRequests);
  for (const p of [50, 90, 99]) {
    assert.ok(Math.abs(again.ttft.percentile(p)! - direct.ttft.percentile(p)!) <= 1, `p${p}`);
    assert.ok(Math.abs(again.e2el.percentile(p)! - direct.e2el.percentile(p)!) <= 1, `p${p}`);
  }
  assert.ok(Math.abs(again.firstStartMs! - direct.firstStartMs!) <= 0.0005);
});

Deno.test("request log reader: a cut last line is skipped and reported; BOM and blank lines are fine", async () => {
  const good = JSON.stringify(makeFailure("http_5xx"));
  const { records, summary } = await read(`\uFEFF${good}\n\n${good}\n{"user":3,"iter`);
  assert.equal(records.length, 2);
  assert.equal(summary.truncatedLastLine, true);
  assert.equal(summary.header, undefined);
  assert.equal(summary.end, undefined);
  // Cut inside a multi-byte character.
  const bytes = new TextEncoder().encode(`${good}\n{"error":{"message":"é`);
  const cut = bytes.subarray(0, bytes.length - 1);
  const seen: RequestRecord[] = [];
  const s2 = await readRequestLog(new Blob([cut]).stream(), "x", (r) => seen.push(r));
  assert.equal(seen.length, 1);
  assert.equal(s2.truncatedLastLine, true);
});

Deno.test("request log reader: errors name file:line and the field", async () => {
  const cases: [string, string][] = [
    [`${JSON.stringify(makeRecord())}\nnot json\n{}`, "run.jsonl:2: line is not valid JSON"],
    [`{"user":0}`, "run.jsonl:1: line has an invalid 'iteration': current value is undefined"],
    [`[1]\n`, "run.jsonl:1: line is not a JSON object"],
    [
      JSON.stringify({ ...makeRecord(), outcome: "exploded" }),
      `run.jsonl:1: line has an invalid 'outcome': current value is "exploded"`,
    ],
    [
      JSON.stringify({ ...makeRecord(), itlMs: [1, "2"] }),
      "run.jsonl:1: line has an invalid 'itlMs'",
    ],
    [
      `${
        JSON.stringify(makeRecord())
      }\n{"type":"header","format":"batchbench-request-log","version":1,"meta":{}}`,
      "run.jsonl:2: line is a header after the log's start",
    ],
    [
      `{"type":"header","format":"batchbench-request-log","version":9,"meta":{}}`,
      "run.jsonl:1: line has log version 9; this batchbench reads version 1",
    ],
    [
      `{"type":"end","interrupted":false}\n${JSON.stringify(makeRecord())}`,
      "comes after the log's end",
    ],
    [`{"type":"summary"}`, `run.jsonl:1: line has an unknown type: "summary"`],
  ];
  for (const [text, message] of cases) {
    await assert.rejects(() => read(text), (e: Error) => {
      assert.ok(e instanceof InputError, String(e));
      assert.ok(e.message.includes(message), `${e.message}\n  expected: ${message}`);
      return true;
    });
  }
});
