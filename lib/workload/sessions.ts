/**
 * Multi-turn sessions: each user holds a conversation and resends the growing history, one turn per
 * request, with an optional think time between turns. Replies come from the server (the answer text
 * is kept); when a turn failed or returned no text, the dataset's own reply stands in.
 *
 * @module
 */
import type { JsonBody } from "../config.ts";
import { seededRandom } from "../random.ts";
import { applyBackendOutputTokens, type Backend } from "./backend.ts";
import type { ChatMessage } from "./body.ts";
import { drawLength, type LengthDist } from "./lengths.ts";
import { mix, type Workload } from "./workload.ts";

/** Options of {@linkcode sessionWorkload}. */
export interface SessionOptions {
  /** Conversations: messages with roles `system`, `user`, `assistant`; each user turn is a request. */
  conversations: readonly (readonly ChatMessage[])[];
  /** Fields of every body besides `messages` (model, stream, ...). */
  base: JsonBody;
  /** Number of users (user u's k-th session uses conversation `(u + k * users) mod n`). */
  users: number;
  /** Conversations each user goes through. @default {1} */
  sessionsPerUser?: number;
  /** Wait before each turn after the first, in ms (not part of any latency). @default {0} */
  thinkTimeMs?: number;
  /** Turns a chat body into the body sent (e.g. a `/v1/completions` prompt). */
  finish?: (body: JsonBody) => JsonBody;
  /** Output lengths drawn per request. */
  outputLengths?: LengthDist;
  /** Which fields carry the output length. @default {"default"} */
  backend?: Backend;
  /** True for a legacy `/v1/completions` endpoint. */
  completions?: boolean;
  /** Seed of the output-length draws. @default {0} */
  seed?: number;
}

interface State {
  session: number;
  conversation: readonly ChatMessage[];
  position: number;
  history: ChatMessage[];
  pendingTurn?: ChatMessage;
  datasetReply?: string;
}

/**
 * A multi-turn workload (closed loop only: a user sends turn k+1 after the reply to turn k).
 *
 * @example Usage
 * ```ts
 * import { sessionWorkload } from "./sessions.ts";
 * const w = sessionWorkload({
 *   conversations: [[{ role: "user", content: "a" }, { role: "assistant", content: "x" }, { role: "user", content: "b" }]],
 *   base: { model: "m" }, users: 1,
 * });
 * w.next({ seq: 0, user: 0, iteration: 0 });
 * w.done!({ seq: 0, user: 0, iteration: 0 }, { ok: true, text: "reply" });
 * const second = w.next({ seq: 1, user: 0, iteration: 1 })!;
 * console.log((second.body.messages as { content: string }[]).map((m) => m.content)); // [ "a", "reply", "b" ]
 * console.log(w.next({ seq: 2, user: 0, iteration: 2 })); // undefined (conversation over)
 * ```
 *
 * @param o Conversations, users and options.
 * @returns The workload.
 */
export function sessionWorkload(o: SessionOptions): Workload {
  if (o.conversations.length === 0) {
    throw new RangeError("Cannot build sessions as there are no conversations");
  }
  const sessions = o.sessionsPerUser ?? 1;
  const states = new Map<number, State>();
  const start = (user: number, session: number): State | undefined => {
    if (session >= sessions) return undefined;
    const conversation = o.conversations[(user + session * o.users) % o.conversations.length];
    return { session, conversation, position: 0, history: [] };
  };
  return {
    keepText: true,
    describe: {
      kind: "sessions",
      conversations: o.conversations.length,
      sessions_per_user: sessions,
    },
    next({ seq, user }) {
      let s = states.get(user) ?? start(user, 0);
      let first = s?.position === 0;
      while (s) {
        const c = s.conversation;
        while (s.position < c.length && c[s.position].role !== "user") {
          const m = c[s.position++];
          if (m.role === "system") s.history.push(m);
        }
        if (s.position < c.length) break;
        s = start(user, s.session + 1);
        first = true;
      }
      if (!s) {
        states.delete(user);
        return undefined;
      }
      states.set(user, s);
      const turn = s.conversation[s.position++];
      const after = s.conversation[s.position];
      s.pendingTurn = turn;
      s.datasetReply = after?.role === "assistant" && typeof after.content === "string"
        ? after.content
        : undefined;
      let body: JsonBody = { ...o.base, messages: [...s.history, turn] };
      if (o.finish) body = o.finish(body);
      let requestedOutputTokens: number | undefined;
      if (o.outputLengths) {
        requestedOutputTokens = drawLength(o.outputLengths, seededRandom(mix(o.seed ?? 0, 2, seq)));
        body = applyBackendOutputTokens(
          body,
          requestedOutputTokens,
          o.backend ?? "default",
          o.completions,
        );
      }
      const delayMs = first ? 0 : o.thinkTimeMs ?? 0;
      return { body, requestedOutputTokens, delayMs };
    },
    done({ user }, result) {
      const s = states.get(user);
      if (!s?.pendingTurn) return;
      const reply = result.ok && result.text ? result.text : s.datasetReply ?? "";
      s.history.push(s.pendingTurn, { role: "assistant", content: reply });
      if (s.conversation[s.position]?.role === "assistant") s.position++;
      s.pendingTurn = undefined;
    },
  };
}
