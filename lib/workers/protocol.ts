/**
 * Messages between {@linkcode runSharded} and its Web Workers. Everything is plain data.
 *
 * @module
 */

import type { Progress } from "../runner.ts";
import type { EncodedAggregate } from "../metrics/aggregate_codec.ts";
import type { EncodedHistogram } from "../metrics/histogram.ts";
import type { RequestRecord } from "../record.ts";
import type { EncodedConfig } from "./config_codec.ts";
import type { ShardRange } from "./shard.ts";

/** Transports a worker can make by name. */
export type TransportName = "fetch" | "http1";

/**
 * A module that rebuilds the run's `workload` object inside each worker (it cannot be sent):
 * `(await import(module))[exportName](args)` returns (a promise of) the workload, or of a
 * `BenchmarkConfig` holding it. Every other field of the configuration is sent as plain data.
 */
export interface WorkloadSource {
  /** Absolute module URL. */
  module: string;
  /** The factory's export name. */
  exportName: string;
  /** Its single argument (plain data). */
  args: unknown;
}

/** Main -> worker: run a shard. */
export interface StartMessage {
  type: "start";
  /** This shard's number. */
  index: number;
  /** Shards in total. */
  count: number;
  /** This shard's users. */
  range: ShardRange;
  /** The whole run's configuration (without its workload). */
  config: EncodedConfig;
  /** Where to rebuild the workload, when the configuration has one. */
  workloadSource?: WorkloadSource;
  /** Plain-data run options (seed, slo, graceMs, meta, ...). */
  options: Record<string, unknown>;
  /** The transport to make. */
  transport: TransportName;
  /** Extra CA certificates (PEM) for the http1 transport. */
  caCerts?: string[];
  /** Forward records at most this often, in ms. */
  batchMs: number;
  /** Send record batches at all. */
  wantRecords: boolean;
  /** Count output tokens with the bundled tokenizer when a server reports no usage. */
  tokenizer?: boolean;
}

/** Main -> worker: stop (the caller's signal aborted). */
export interface StopMessage {
  type: "stop";
}

/** Worker -> main. */
export type WorkerMessage =
  | {
    type: "records";
    records: RequestRecord[];
    /** The shard's run start, as `performance.timeOrigin + performance.now()` (exact). */
    t0EpochMs: number;
  }
  | { type: "progress"; progress: Progress }
  | {
    type: "done";
    /** The shard's aggregate (times relative to its own start). */
    aggregate: EncodedAggregate;
    /** Event-loop lag samples of the worker (µs). */
    lagUs: EncodedHistogram;
    /** The shard's run start, as `performance.timeOrigin + performance.now()`. */
    t0EpochMs: number;
    /** The shard's report meta (load plan, workload description). */
    meta: Record<string, unknown>;
    /** True when the shard was interrupted. */
    interrupted: boolean;
  }
  | { type: "started"; t0EpochMs: number }
  | { type: "error"; message: string };
