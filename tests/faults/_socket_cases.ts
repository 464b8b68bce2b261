// Socket-level fault cases shared by every transport's tests: the same expectations as with fetch
// (tests/faults/connection_test.ts, stream_test.ts), run per transport with the runner's invariants.
import {
  chunk,
  completionJson,
  delta,
  event,
  type FaultScript,
  goodStream,
  head,
  respond,
  respondStream,
  SSE_HEAD,
} from "../_fault_server.ts";
import type { OutcomeKind } from "../../lib/record.ts";
import type { CaseOptions } from "./_harness.ts";

/** Name, server script, expected outcome, attempts, run options, expected message. */
export type Case = [string, FaultScript, OutcomeKind, number, CaseOptions?, RegExp?];

export const SOCKET_CASES: readonly Case[] = [
  ["a good stream", (_r, s) => respondStream(s, goodStream(3)).then(() => {}), "success", 1],
  ["reset before the headers", (_r, s) => s.reset(), "connection_reset", 3, { retries: 2 }],
  ["closed before the headers", (_r, s) => s.end(), "connection_reset", 2, { retries: 1 }],
  [
    "reset within the headers",
    async (_r, s) => {
      await s.write("HTTP/1.1 200 OK\r\ncontent-type: text/ev");
      s.reset();
    },
    "connection_reset",
    1,
    { users: 2 },
  ],
  [
    "not HTTP at all",
    async (_r, s) => {
      await s.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
      s.end();
    },
    "protocol_error",
    1,
    { retries: 2 },
    /not an HTTP response/,
  ],
  [
    "reset mid-stream after output",
    async (_r, s) => {
      await s.write(SSE_HEAD);
      await s.write(chunk(event(delta("one "))));
      s.reset();
    },
    "incomplete_body",
    1,
    { retries: 2 },
  ],
  [
    "dropped mid-body before any output",
    async (_r, s) => {
      await s.write(SSE_HEAD);
      await s.write(chunk(": keep-alive\n\n"));
      s.end();
    },
    "incomplete_body",
    2,
    { retries: 1 },
  ],
  [
    "a JSON body shorter than its Content-Length",
    async (_r, s) => {
      await s.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"cho',
      );
      s.end();
    },
    "incomplete_body",
    1,
    { stream: false },
  ],
  [
    "stall after one token",
    async (_r, s) => {
      await s.write(SSE_HEAD);
      await s.write(chunk(event(delta("a"))));
      await s.stall();
    },
    "timeout",
    1,
    { timeoutMs: 200 },
  ],
  [
    "a 503 with a JSON error",
    (_r, s) => respond(s, 503, '{"error":{"message":"busy"}}').then(() => {}),
    "http_5xx",
    3,
    { retries: 2 },
    /busy/,
  ],
  [
    "a 6 MiB event",
    (_r, s) => respondStream(s, event(delta("x".repeat(6 * 1024 * 1024)))).then(() => {}),
    "response_too_large",
    1,
    { limits: { maxEventBytes: 1024 * 1024 } },
  ],
  [
    "one byte per read, close-delimited",
    async (_r, s) => {
      await s.write(head(200, { "content-type": "text/event-stream", connection: "close" }));
      await s.writeSplit(goodStream(3), Array.from({ length: 160 }, (_, i) => i));
      s.end();
    },
    "success",
    1,
  ],
  [
    "a non-streamed JSON answer",
    (_r, s) => respond(s, 200, completionJson("hello")).then(() => {}),
    "success",
    1,
    { stream: false },
  ],
];
