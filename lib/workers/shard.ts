/**
 * How a run is split across workers: worker `index` of `count` gets a contiguous block of the users
 * (closed loop) and an equal share of an open-loop rate, request cap, concurrency cap and warm-up.
 * Its records keep their global user numbers (`userOffset` is added back) and its workload sees
 * global user numbers and distinct request numbers, so shards never send the same work twice.
 *
 * @module
 */

import type { RequestRecord } from "../record.ts";
import type { Workload } from "../workload/workload.ts";
import type { EncodedConfig } from "./config_codec.ts";

/** One worker's part of the users. */
export interface ShardRange {
  /** First user (global number). */
  from: number;
  /** One past the last user. */
  to: number;
}

/**
 * Splits `users` into at most `count` contiguous, non-empty blocks of nearly equal size.
 *
 * @example Usage
 * ```ts
 * import { shardRanges } from "./shard.ts";
 * console.log(shardRanges(10, 3)); // [ { from: 0, to: 4 }, { from: 4, to: 7 }, { from: 7, to: 10 } ]
 * ```
 *
 * @param users Users in total.
 * @param count Workers wanted.
 * @returns The blocks (fewer than `count` when there are fewer users).
 */
export function shardRanges(users: number, count: number): ShardRange[] {
  const n = Math.max(1, Math.min(count, users));
  const out: ShardRange[] = [];
  for (let i = 0, from = 0; i < n; i++) {
    const size = Math.floor(users / n) + (i < users % n ? 1 : 0);
    out.push({ from, to: from + size });
    from += size;
  }
  return out;
}

/** `total` split into `count` integer shares, the remainder going to the first ones. */
function share(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

/**
 * The configuration of one shard.
 *
 * @param config The whole run's configuration (plain data).
 * @param range This shard's users.
 * @param index This shard's number.
 * @param count Shards in total.
 * @returns The shard's configuration.
 */
export function shardConfig(
  config: EncodedConfig,
  range: ShardRange,
  index: number,
  count: number,
): EncodedConfig {
  const fields = { ...config.fields };
  const bodies = fields.perUserBodies as unknown[] | undefined;
  if (bodies) fields.perUserBodies = bodies.slice(range.from, range.to);
  const length = fields.outputLength as { seed: number } | undefined;
  if (length) fields.outputLength = { ...length, seed: length.seed * 1_000_003 + index };
  const load = fields.load as Record<string, unknown> | undefined;
  if (load && count > 1) {
    const shard: Record<string, unknown> = { ...load };
    const arrivals = load.arrivals as Record<string, unknown> | undefined;
    if (arrivals) shard.arrivals = { ...arrivals, rate: (arrivals.rate as number) / count };
    if (typeof load.maxRequests === "number") {
      shard.maxRequests = share(load.maxRequests, index, count);
    }
    if (typeof load.maxConcurrency === "number") {
      shard.maxConcurrency = Math.max(1, share(load.maxConcurrency, index, count));
    }
    const warmup = load.warmup as Record<string, unknown> | undefined;
    if (warmup && typeof warmup.requests === "number") {
      shard.warmup = { ...warmup, requests: share(warmup.requests, index, count) };
    }
    if (typeof load.seed === "number") shard.seed = load.seed * 1_000_003 + index;
    fields.load = shard;
  }
  return { ...config, userCount: range.to - range.from, fields };
}

/**
 * Wraps a workload so a shard asks it with global user numbers and request numbers distinct across
 * shards (`seq * count + index`).
 *
 * @param inner The run's workload.
 * @param range This shard's users.
 * @param index This shard's number.
 * @param count Shards in total.
 * @returns The shard's view of the workload.
 */
export function shardWorkload(
  inner: Workload,
  range: ShardRange,
  index: number,
  count: number,
): Workload {
  const global = <T extends { seq: number; user: number }>(t: T): T => ({
    ...t,
    seq: t.seq * count + index,
    user: t.user + range.from,
  });
  return {
    next: (ticket) => inner.next(global(ticket)),
    done: inner.done ? (ticket, result) => inner.done!(global(ticket), result) : undefined,
    keepText: inner.keepText,
    describe: inner.describe,
  };
}

/**
 * Moves a shard's record onto the whole run's user numbers and clock.
 *
 * @param record The record, as the shard produced it.
 * @param userOffset The shard's first user.
 * @param offsetMs The shard's start minus the run's start, in ms.
 * @returns The same record object, shifted.
 */
export function globalRecord(
  record: RequestRecord,
  userOffset: number,
  offsetMs: number,
): RequestRecord {
  record.user += userOffset;
  record.startMs += offsetMs;
  record.endMs += offsetMs;
  record.lastAttemptStartMs += offsetMs;
  if (record.intendedMs !== undefined) record.intendedMs += offsetMs;
  return record;
}
