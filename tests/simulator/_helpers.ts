// Shared helpers for the simulator tests.
import type { ManualClock } from "../../lib/clock.ts";

/** Builds a POST request with a JSON body. */
export function post(path: string, body: unknown, init: RequestInit = {}): Request {
  return new Request(`http://sim.test${path}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json" },
    ...init,
  });
}

/** Reads a whole body while advancing the manual clock 1 ms at a time (at most `maxMs`). */
export async function drive(
  clock: ManualClock,
  body: Promise<string>,
  maxMs = 10_000,
): Promise<string> {
  let settled = false;
  body.then(() => settled = true, () => settled = true);
  for (let i = 0; i < maxMs && !settled; i++) await clock.advance(1);
  if (!settled) throw new Error(`Body did not finish within ${maxMs} ms of manual time`);
  return await body;
}

/** Reads a response's body to text while driving the clock. */
export function driveText(clock: ManualClock, res: Response, maxMs?: number): Promise<string> {
  return drive(clock, res.text(), maxMs);
}

/** Splits an SSE body into the payloads of its `data:` lines. */
export function dataLines(text: string): string[] {
  return text.split("\n\n").filter((e) => e.length > 0).map((e) => {
    if (!e.startsWith("data: ")) throw new Error(`Event is not a data line: ${JSON.stringify(e)}`);
    return e.slice("data: ".length);
  });
}

/** Parses the JSON payloads of an SSE body; `[DONE]` stays a string. */
export function sseJson(text: string): unknown[] {
  return dataLines(text).map((d) => d === "[DONE]" ? d : JSON.parse(d));
}

/** Collects body chunks that are already queued or arrive while the clock advances `ms`. */
export async function readFor(
  clock: ManualClock,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const pump = async () => {
    while (true) {
      pending = reader.read();
      const r = await pending;
      if (r.done) return;
      text += decoder.decode(r.value, { stream: true });
    }
  };
  const pumping = pump().catch(() => {});
  for (let i = 0; i < ms; i++) await clock.advance(1);
  void pumping;
  return text;
}

/** Awaits a pending response and reads its body while driving the clock (non-streamed answers). */
export function driveResponse(
  clock: ManualClock,
  res: Promise<Response>,
  maxMs?: number,
): Promise<string> {
  return drive(clock, res.then((r) => r.text()), maxMs);
}

/** The shape of a streamed chunk, loosely typed for assertions. */
export interface Chunk {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: {
    index: number;
    delta: Record<string, unknown>;
    text?: string;
    finish_reason: string | null;
  }[];
  usage?: Record<string, unknown> | null;
}
