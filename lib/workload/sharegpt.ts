/**
 * ShareGPT-format conversations (`[{"conversations": [{"from": "human", "value": "..."}, ...]}]`, a
 * JSON array as in vLLM's benchmarks, or one conversation per line), turned into chat messages.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { ChatMessage } from "./body.ts";

const ROLES: Record<string, string> = {
  human: "user",
  user: "user",
  gpt: "assistant",
  chatgpt: "assistant",
  bard: "assistant",
  bing: "assistant",
  assistant: "assistant",
  system: "system",
};

/**
 * Parses a ShareGPT file: a JSON array of conversations, or JSON Lines with one conversation per
 * line. Each conversation is `{"conversations": [{"from", "value"}, ...]}` (`from`: human/user,
 * gpt/assistant, system); it becomes a list of `{role, content}` messages. Conversations without a
 * user turn are skipped (counted in `skipped`); malformed ones stop with file and position.
 *
 * @example Usage
 * ```ts
 * import { parseShareGpt } from "./sharegpt.ts";
 * const text = JSON.stringify([{ conversations: [{ from: "human", value: "Hi" }, { from: "gpt", value: "Hello" }] }]);
 * const { conversations } = parseShareGpt(text, "s.json");
 * console.log(conversations[0]); // [ { role: "user", content: "Hi" }, { role: "assistant", content: "Hello" } ]
 * ```
 *
 * @param text The file's text.
 * @param file The file name, for messages.
 * @returns The conversations and the number skipped.
 * @throws {InputError} Naming `file` and the entry (line or array index) that is malformed.
 */
export function parseShareGpt(
  text: string,
  file: string,
): { conversations: ChatMessage[][]; skipped: number } {
  const body = text.replace(/^\uFEFF/, "");
  const entries: { at: number; value: unknown }[] = [];
  let lineBased = false;
  if (body.trimStart().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (e) {
      throw new InputError(file, 0, `is not valid JSON (${(e as Error).message})`);
    }
    (parsed as unknown[]).forEach((value, i) => entries.push({ at: i, value }));
  } else {
    lineBased = true;
    body.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        entries.push({ at: i + 1, value: JSON.parse(line) });
      } catch (e) {
        throw new InputError(file, i + 1, `is not valid JSON (${(e as Error).message})`);
      }
    });
  }
  const conversations: ChatMessage[][] = [];
  let skipped = 0;
  for (const { at, value } of entries) {
    const where = (why: string) =>
      lineBased ? new InputError(file, at, why) : new InputError(file, 0, `entry ${at} ${why}`);
    const turns = (value as { conversations?: unknown })?.conversations;
    if (!Array.isArray(turns)) throw where(`has no "conversations" array`);
    const messages: ChatMessage[] = [];
    turns.forEach((t, j) => {
      const from = (t as { from?: unknown })?.from;
      const content = (t as { value?: unknown })?.value;
      const role = typeof from === "string" ? ROLES[from.toLowerCase()] : undefined;
      if (!role || typeof content !== "string") {
        throw where(`has "conversations[${j}]" without a known "from" and a string "value"`);
      }
      messages.push({ role, content });
    });
    if (messages.some((m) => m.role === "user" && m.content !== "")) conversations.push(messages);
    else skipped++;
  }
  if (conversations.length === 0) {
    throw new InputError(file, 0, "holds no conversation with a user turn");
  }
  return { conversations, skipped };
}

/**
 * The first exchange of a conversation: its messages up to the first user turn, and the reply that
 * follows it in the dataset (vLLM's single-turn ShareGPT: first prompt, first answer's length).
 *
 * @example Usage
 * ```ts
 * import { firstExchange } from "./sharegpt.ts";
 * const x = firstExchange([{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }]);
 * console.log(x.messages.length, x.reply); // 1 Hello
 * ```
 *
 * @param conversation The messages.
 * @returns The messages to send and the dataset's reply, if any.
 */
export function firstExchange(
  conversation: readonly ChatMessage[],
): { messages: ChatMessage[]; reply?: string } {
  const i = conversation.findIndex((m) => m.role === "user" && m.content !== "");
  const next = conversation[i + 1];
  return {
    messages: conversation.slice(0, i + 1),
    reply: next?.role === "assistant" && typeof next.content === "string"
      ? next.content
      : undefined,
  };
}
