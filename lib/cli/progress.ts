/**
 * The live progress line on stderr: requests done/planned, failures, current throughput, elapsed and
 * remaining time. Shown only when stderr is a terminal and `--quiet` is not set; coloured unless
 * `NO_COLOR` is set (to anything but an empty string).
 *
 * @module
 */
import type { Progress } from "../runner.ts";
import type { CliIo } from "./io.ts";

/** What one progress line shows, computed by {@linkcode ProgressTracker}. */
export interface ProgressView {
  /** Requests finished (any outcome). */
  completed: number;
  /** Requests planned, when known. */
  planned?: number;
  /** Failed requests. */
  failed: number;
  /** Requests in flight. */
  inFlight: number;
  /** Requests finished per second over the last few seconds. */
  requestsPerSecond: number;
  /** Output tokens per second over the last few seconds. */
  tokensPerSecond: number;
  /** Time since the run started, in ms. */
  elapsedMs: number;
  /** Estimated time left, in ms, when it can be estimated. */
  remainingMs?: number;
}

/** Options of {@linkcode formatProgress}. */
export interface FormatProgressOptions {
  /**
   * ANSI colours (failures in red, counts in bold).
   *
   * @default {false}
   */
  color?: boolean;
  /**
   * Terminal width: the line is kept shorter, dropping the least important parts first.
   *
   * @default {80}
   */
  columns?: number;
}

/**
 * Formats one progress line (no newline). Parts, most important first: done/planned (with the percent),
 * failures, current request and token throughput, elapsed, time left, in flight, and a bar; the last
 * ones are dropped when the line would not fit in `columns - 1` characters.
 *
 * @example Usage
 * ```ts
 * import { formatProgress } from "./progress.ts";
 * const view = {
 *   completed: 120, planned: 400, failed: 3, inFlight: 8, requestsPerSecond: 12.34,
 *   tokensPerSecond: 1234.5, elapsedMs: 12_000, remainingMs: 23_000,
 * };
 * console.log(formatProgress(view, { columns: 120 }));
 * // 120/400 (30%)  3 failed  12.3 req/s  1,235 tok/s  0:12 elapsed  ~0:23 left  8 in flight  [###-------]
 * console.log(formatProgress(view, { columns: 60 }));
 * // 120/400 (30%)  3 failed  12.3 req/s  1,235 tok/s
 * ```
 *
 * @param v What to show.
 * @param options Colour and width.
 * @returns The line.
 */
export function formatProgress(
  v: Readonly<ProgressView>,
  options: FormatProgressOptions = {},
): string {
  const color = options.color ?? false;
  const bold = (s: string) => color ? `\x1b[1m${s}\x1b[22m` : s;
  const red = (s: string) => color ? `\x1b[31m${s}\x1b[39m` : s;
  const parts: [plain: string, shown: string][] = [];
  const add = (plain: string, shown = plain) => parts.push([plain, shown]);
  if (v.planned !== undefined && v.planned > 0) {
    const pct = Math.floor((100 * v.completed) / v.planned);
    add(
      `${v.completed}/${v.planned} (${pct}%)`,
      `${bold(`${v.completed}/${v.planned}`)} (${pct}%)`,
    );
  } else add(`${v.completed} done`, `${bold(String(v.completed))} done`);
  const failed = `${v.failed} failed`;
  add(failed, v.failed > 0 ? red(failed) : failed);
  add(`${rate(v.requestsPerSecond)} req/s`);
  add(`${Math.round(v.tokensPerSecond).toLocaleString("en-US")} tok/s`);
  add(`${clock(v.elapsedMs)} elapsed`);
  if (v.remainingMs !== undefined) add(`~${clock(v.remainingMs)} left`);
  add(`${v.inFlight} in flight`);
  if (v.planned !== undefined && v.planned > 0) {
    const filled = Math.min(10, Math.floor((10 * v.completed) / v.planned));
    add(`[${"#".repeat(filled)}${"-".repeat(10 - filled)}]`);
  }
  const limit = Math.max(20, (options.columns ?? 80) - 1);
  let width = -2;
  let keep = 0;
  for (const [plain] of parts) {
    if (keep > 0 && width + 2 + plain.length > limit) break;
    width += 2 + plain.length;
    keep++;
  }
  return parts.slice(0, keep).map(([, shown]) => shown).join("  ");
}

/** Options of {@linkcode ProgressTracker}. */
export interface ProgressTrackerOptions {
  /** Monotonic time in ms (default `performance.now`). */
  now?: () => number;
  /**
   * The window of the current throughput, in ms.
   *
   * @default {5000}
   */
  windowMs?: number;
}

/**
 * Turns the runner's progress snapshots into what the line shows: the current throughput over a
 * sliding window, the elapsed time on its own clock (so the line keeps moving between requests), and
 * the time left (planned runs: requests left / current rate; timed runs: the planned duration left).
 *
 * @example Usage
 * ```ts
 * import { ProgressTracker } from "./progress.ts";
 * let now = 0;
 * const tracker = new ProgressTracker({ now: () => now });
 * now = 2000;
 * tracker.update({ planned: 10, completed: 4, failed: 0, inFlight: 2, outputTokens: 40, elapsedMs: 2000 });
 * const v = tracker.view();
 * console.log(v.requestsPerSecond, v.tokensPerSecond, v.remainingMs); // 2 20 3000
 * ```
 */
export class ProgressTracker {
  #now: () => number;
  #windowMs: number;
  #t0: number;
  #samples: { t: number; completed: number; tokens: number }[];
  #last: Progress = { completed: 0, failed: 0, inFlight: 0, outputTokens: 0, elapsedMs: 0 };

  /**
   * Starts the clock.
   *
   * @param options Clock and window.
   */
  constructor(options: ProgressTrackerOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#windowMs = options.windowMs ?? 5000;
    this.#t0 = this.#now();
    this.#samples = [{ t: this.#t0, completed: 0, tokens: 0 }];
  }

  /**
   * Takes a snapshot (copied: the runner reuses its object).
   *
   * @param p The runner's progress.
   */
  update(p: Readonly<Progress>): void {
    this.#last = { ...p };
    const t = this.#now();
    const latest = this.#samples[this.#samples.length - 1];
    const sample = { t, completed: p.completed, tokens: p.outputTokens };
    // One sample per 100 ms is plenty: the window stays small however fast requests end.
    if (t - latest.t < 100 && this.#samples.length > 1) {
      this.#samples[this.#samples.length - 1] = sample;
    } else this.#samples.push(sample);
    while (this.#samples.length > 2 && t - this.#samples[1].t >= this.#windowMs) {
      this.#samples.shift();
    }
  }

  /**
   * What the line shows now.
   *
   * @returns The view.
   */
  view(): ProgressView {
    const now = this.#now();
    const p = this.#last;
    const oldest = this.#samples[0];
    const latest = this.#samples[this.#samples.length - 1];
    const spanS = (now - oldest.t) / 1000;
    const requestsPerSecond = spanS > 0 ? (latest.completed - oldest.completed) / spanS : 0;
    const tokensPerSecond = spanS > 0 ? (latest.tokens - oldest.tokens) / spanS : 0;
    const elapsedMs = now - this.#t0;
    let remainingMs: number | undefined;
    if (p.durationMs !== undefined) remainingMs = Math.max(0, p.durationMs - elapsedMs);
    else if (p.planned !== undefined && requestsPerSecond > 0) {
      remainingMs = (1000 * Math.max(0, p.planned - p.completed)) / requestsPerSecond;
    }
    return {
      completed: p.completed,
      planned: p.planned,
      failed: p.failed,
      inFlight: p.inFlight,
      requestsPerSecond,
      tokensPerSecond,
      elapsedMs,
      remainingMs,
    };
  }
}

/** A progress line being drawn; see {@linkcode startProgress}. */
export interface LiveProgress {
  /** The runner's `onProgress` callback. */
  onProgress(p: Readonly<Progress>): void;
  /** Stops redrawing and clears the line. */
  stop(): void;
}

/** Options of {@linkcode startProgress}. */
export interface StartProgressOptions {
  /** `--quiet`: no progress at all. */
  quiet: boolean;
  /** Monotonic time in ms (default `performance.now`). */
  now?: () => number;
  /**
   * Redraw period while nothing ends (the elapsed time keeps moving), in ms; 0 disables the timer.
   *
   * @default {500}
   */
  tickMs?: number;
}

/**
 * Whether the live line is shown: stderr is a terminal and `--quiet` is not set.
 *
 * @example Usage
 * ```ts
 * import { progressEnabled } from "./progress.ts";
 * console.log(progressEnabled({ stderrIsTerminal: true }, false)); // true
 * console.log(progressEnabled({ stderrIsTerminal: false }, false)); // false
 * ```
 *
 * @param io Whether stderr is a terminal.
 * @param quiet `--quiet`.
 * @returns True when the line is shown.
 */
export function progressEnabled(io: Pick<CliIo, "stderrIsTerminal">, quiet: boolean): boolean {
  return !quiet && io.stderrIsTerminal;
}

/**
 * Starts the live line on stderr, or returns undefined when it is off ({@linkcode progressEnabled}).
 * The line is redrawn in place (`\r` + erase line) at most every 100 ms as requests end, and every
 * `tickMs` in between; colours follow `NO_COLOR`; the width follows the terminal's.
 *
 * @example Usage
 * ```ts
 * import { startProgress } from "./progress.ts";
 * const written: string[] = [];
 * const io = { stderrIsTerminal: true, err: (t: string) => void written.push(t), env: () => "1" };
 * const live = startProgress(io, { quiet: false, tickMs: 0, now: () => 0 });
 * live?.onProgress({ planned: 2, completed: 1, failed: 0, inFlight: 1, outputTokens: 5, elapsedMs: 0 });
 * live?.stop();
 * console.log(JSON.stringify(written[0]), JSON.stringify(written.at(-1)));
 * // "\r\u001b[2K1/2 (50%)  0 failed  0.0 req/s  0 tok/s  0:00 elapsed  1 in flight" "\r\u001b[2K"
 * ```
 *
 * @param io Where the line goes, and the environment (`NO_COLOR`).
 * @param options `--quiet`, clock and redraw period.
 * @returns The live line, or undefined when off.
 */
export function startProgress(
  io: Pick<CliIo, "stderrIsTerminal" | "err" | "env" | "terminalColumns">,
  options: StartProgressOptions,
): LiveProgress | undefined {
  if (!progressEnabled(io, options.quiet)) return undefined;
  const tracker = new ProgressTracker({ now: options.now });
  const now = options.now ?? (() => performance.now());
  const noColor = io.env("NO_COLOR");
  const color = noColor === undefined || noColor === "";
  let lastDraw = -Infinity;
  const draw = () => {
    lastDraw = now();
    const columns = io.terminalColumns?.() || 80; // 0 when the size is unknown
    io.err(`\r\x1b[2K${formatProgress(tracker.view(), { color, columns })}`);
  };
  const tickMs = options.tickMs ?? 500;
  const timer = tickMs > 0 ? setInterval(draw, tickMs) : undefined;
  return {
    onProgress(p) {
      tracker.update(p);
      if (now() - lastDraw >= 100) draw();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      io.err("\r\x1b[2K");
    },
  };
}

function rate(perSecond: number): string {
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString("en-US") : perSecond.toFixed(1);
}

function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
