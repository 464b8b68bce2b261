/**
 * The physical-limit baseline: a minimal raw-socket client. One `Deno.connect` per user (kept alive),
 * a hand-written HTTP/1.1 request, and per read only a timestamp and a scan for event boundaries
 * (`\n\n`); no HTTP parsing beyond the end marker of the chunked body, no UTF-8 decoding, no JSON.
 * The first boundary ends the response head, the second the role chunk; token events follow.
 *
 * Usage: see ./_protocol.ts.
 *
 * @module
 */

import { LagProbe } from "./_lag_probe.ts";
import { clientArgs, finish, handshake, requestBody } from "./_protocol.ts";

const args = clientArgs();
const url = new URL(args.url);
const encoder = new TextEncoder();
const probe = new LagProbe(10);
const results: (string | number)[][] = [];
let failures = 0;
let tokens = 0;

function requestBytes(user: string): Uint8Array {
  const body = JSON.stringify(requestBody(user, args.tokens));
  return encoder.encode(
    `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\n` +
      `content-length: ${encoder.encode(body).length}\r\n\r\n${body}`,
  );
}

/** The byte before the final CRLFCRLF is "0" (checked in this read; it is, with the lean simulator). */
function prevZero(buf: Uint8Array, n: number): boolean {
  return n < 5 || buf[n - 5] === 48;
}

async function userLoop(u: number): Promise<void> {
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  conn.setNoDelay(true);
  const buf = new Uint8Array(8 * 1024);
  const user = `u${u}`;
  const request = requestBytes(user);
  for (let k = 0; k < args.requests; k++) {
    const start = performance.now();
    await conn.write(request);
    const times: number[] = [];
    let events = -1; // the blank line ending the response head counts as a boundary too
    let prevLf = false;
    let ended = false;
    let last = 0; // the last 4 bytes seen, big-endian
    while (!ended) {
      const n = await conn.read(buf);
      const t = performance.now();
      if (n === null) break;
      for (let i = 0; i < n; i++) {
        const c = buf[i];
        if (c === 10) {
          if (prevLf) {
            if (events > 0 && events <= args.tokens) times.push(t);
            events++;
            prevLf = false; // the CRLF closing a chunk frame must not end another event
          } else prevLf = true;
        } else if (c !== 13) prevLf = false;
      }
      // The chunked body ends with "\n0\r\n\r\n" (the last chunk), whatever the read boundaries.
      for (let i = Math.max(0, n - 5); i < n; i++) last = ((last << 8) | buf[i]) >>> 0;
      ended = last === 0x0d0a0d0a && events >= args.tokens + 2 && prevZero(buf, n);
    }
    if (!ended || times.length === 0) {
      failures++;
      continue;
    }
    tokens += times.length;
    const row: (string | number)[] = [
      user,
      k,
      performance.timeOrigin + start,
      times[0] - start,
      times[times.length - 1] - start,
    ];
    for (let i = 1; i < times.length; i++) row.push(times[i] - times[i - 1]);
    results.push(row);
  }
  conn.close();
}

await handshake("READY");
probe.start();
const t0 = performance.now();
await Promise.all(Array.from({ length: args.users }, (_, u) => userLoop(u)));
const wallMs = performance.now() - t0;
probe.stop();
await finish(args.out, { requests: results, failures, lag: probe.summary(), wallMs, tokens });
