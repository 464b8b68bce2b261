/**
 * A mergeable HDR-style log-linear histogram of integer microseconds with 3 significant digits.
 *
 * Layout: values `0..2047` each have their own bucket (exact); above that, every power-of-two range
 * `[2^e, 2^(e+1))` is split into 1024 equal sub-buckets, so a bucket's width is at most 1/1024 of its
 * lowest value (relative error < 0.0977%). Values up to `2^53 - 1` µs are tracked. Counters are
 * allocated in blocks of 256 only where values fall (a few KiB for typical latencies), at most 45,056
 * counters, whatever the run's length.
 *
 * Beside the buckets, the exact count, min, max, sum and the sum of squared deviations (Welford/Chan,
 * numerically stable) are kept in doubles, so `min`, `max`, `mean` and `stddev` are exact, not bucketed.
 *
 * @module
 */

const SUB_BUCKET_BITS = 10;
const SUB_HALF = 1 << SUB_BUCKET_BITS; // 1024
const LINEAR_LIMIT = 2 * SUB_HALF; // 2048: values below are stored exactly
const MAX_VALUE_US = Number.MAX_SAFE_INTEGER;
const MAX_INDEX = _indexOf(MAX_VALUE_US);
const BLOCK_BITS = 8; // counters are allocated in blocks of 256 (2 KiB), only where values fall
const BLOCK_SIZE = 1 << BLOCK_BITS;

/**
 * The compact, JSON-safe, lossless form of a {@linkcode Histogram}.
 *
 * `buckets` is a flat list of pairs `[indexDelta, count, indexDelta, count, ...]` over the non-empty
 * buckets in increasing index order; each bucket's index is the previous index (0 at first) plus its
 * delta.
 */
export interface EncodedHistogram {
  /** Format version; always 1. */
  version: 1;
  /** Sub-bucket resolution in bits; always 10 (3 significant digits). */
  sub_bucket_bits: 10;
  /** Number of recorded values. */
  count: number;
  /** Exact smallest value in µs, or null when empty. */
  min: number | null;
  /** Exact largest value in µs, or null when empty. */
  max: number | null;
  /** Exact sum of values in µs. */
  sum: number;
  /** Sum of squared deviations from the mean (µs²). */
  m2: number;
  /** Sparse bucket counts: `[indexDelta, count]` pairs, flattened. */
  buckets: number[];
}

/** One non-empty bucket: every value in `[lowUs, highUs]` is counted here. */
export interface HistogramBucket {
  /** Lowest value of the bucket, in µs. */
  lowUs: number;
  /** Highest value of the bucket, in µs. */
  highUs: number;
  /** Number of values recorded in the bucket. */
  count: number;
}

/**
 * HDR-style histogram of microsecond values: constant memory, lossless merge and encoding.
 *
 * Percentiles follow HdrHistogram's rank rule: `percentile(p)` finds the lowest recorded value such
 * that at least `p`% of the values are less than or equal to it, and reports the middle of that value's
 * bucket (HdrHistogram's "median-equivalent" value), clamped to the exact `[min, max]`. So it is within
 * 0.05% of the true value (plus the 0.5 µs of rounding to whole microseconds), and values below 2048 µs
 * are exact. When the rank is the first or the last value, the exact min or max is returned.
 *
 * @example Usage
 * ```ts
 * import { Histogram } from "./histogram.ts";
 * const h = new Histogram();
 * for (let v = 1; v <= 100; v++) h.record(v * 1000);
 * console.log(h.count, h.min, h.max, h.mean); // 100 1000 100000 50500
 * console.log(h.percentile(50)); // 49999.5 (the middle of the bucket 49984..50015)
 * const copy = Histogram.decode(JSON.parse(JSON.stringify(h.encode())));
 * console.log(copy.percentile(99) === h.percentile(99)); // true
 * ```
 */
export class Histogram {
  #blocks: (Float64Array | undefined)[] = [];
  #count = 0;
  #min = Infinity;
  #max = -Infinity;
  #sum = 0;
  #m2 = 0;

  /**
   * Records a value `count` times. The buckets hold the value rounded to whole microseconds; the exact
   * statistics (min, max, mean, stddev) use the value as given. Negative values count as 0; values above
   * `2^53 - 1` count as `2^53 - 1`.
   *
   * @param valueUs The value in microseconds; must be finite.
   * @param count How many times to record it; a non-negative integer.
   * @throws {RangeError} When `valueUs` is not finite or `count` is not a non-negative integer.
   */
  record(valueUs: number, count = 1): void {
    if (!Number.isFinite(valueUs)) {
      throw new RangeError(
        `Cannot record value as it must be a finite number: current value is ${valueUs}`,
      );
    }
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(
        `Cannot record value as 'count' must be a non-negative integer: current value is ${count}`,
      );
    }
    if (count === 0) return;
    const value = Math.min(Math.max(valueUs, 0), MAX_VALUE_US);
    const index = _indexOf(Math.round(value));
    this.#add(index, count);
    if (this.#count > 0) {
      const delta = value - this.#sum / this.#count;
      this.#m2 += (delta * delta * this.#count * count) / (this.#count + count);
    }
    this.#count += count;
    this.#sum += value * count;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /**
   * Adds every value of `other` to this histogram (as if each had been recorded here).
   *
   * @param other The histogram to add; left unchanged.
   */
  merge(other: Histogram): void {
    if (other.#count === 0) return;
    for (const [index, count] of other.#nonEmpty()) this.#add(index, count);
    if (this.#count > 0) {
      const delta = other.#sum / other.#count - this.#sum / this.#count;
      const n = this.#count + other.#count;
      this.#m2 += other.#m2 + (delta * delta * this.#count * other.#count) / n;
    } else {
      this.#m2 = other.#m2;
    }
    this.#count += other.#count;
    this.#sum += other.#sum;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#count;
  }

  /** Exact sum of the recorded values in µs (0 when empty). */
  get sum(): number {
    return this.#sum;
  }

  /** Exact smallest recorded value in µs, or `undefined` when empty. */
  get min(): number | undefined {
    return this.#count === 0 ? undefined : this.#min;
  }

  /** Exact largest recorded value in µs, or `undefined` when empty. */
  get max(): number | undefined {
    return this.#count === 0 ? undefined : this.#max;
  }

  /** Exact arithmetic mean in µs, or `undefined` when empty. */
  get mean(): number | undefined {
    return this.#count === 0 ? undefined : this.#sum / this.#count;
  }

  /** Population standard deviation in µs (numpy's `std`), or `undefined` when empty. */
  get stddev(): number | undefined {
    return this.#count === 0 ? undefined : Math.sqrt(Math.max(0, this.#m2) / this.#count);
  }

  /**
   * The value at a percentile (HdrHistogram semantics, see the class documentation).
   *
   * @param p The percentile, from 0 to 100.
   * @returns The value in µs, or `undefined` when the histogram is empty.
   * @throws {RangeError} When `p` is not within 0..100.
   */
  percentile(p: number): number | undefined {
    if (!(p >= 0 && p <= 100)) {
      throw new RangeError(
        `Cannot compute percentile as 'p' must be within 0..100: current value is ${p}`,
      );
    }
    if (this.#count === 0) return undefined;
    const exact = (p * this.#count) / 100;
    const rank = Math.max(1, Math.ceil(exact - exact * 1e-12));
    if (rank === 1) return this.#min;
    if (rank >= this.#count) return this.#max;
    let seen = 0;
    for (const [i, count] of this.#nonEmpty()) {
      seen += count;
      if (seen >= rank) {
        const middle = (_lowOf(i) + _highOf(i)) / 2;
        return Math.min(Math.max(middle, this.#min), this.#max);
      }
    }
    return this.#max;
  }

  /**
   * The non-empty buckets in increasing value order (for plots and exports).
   *
   * @returns An iterable of buckets.
   */
  *buckets(): IterableIterator<HistogramBucket> {
    for (const [i, count] of this.#nonEmpty()) {
      yield { lowUs: _lowOf(i), highUs: _highOf(i), count };
    }
  }

  /**
   * The compact lossless form: `Histogram.decode(h.encode())` answers every query like `h`.
   *
   * @returns A JSON-safe object.
   */
  encode(): EncodedHistogram {
    const buckets: number[] = [];
    let previous = 0;
    for (const [i, count] of this.#nonEmpty()) {
      buckets.push(i - previous, count);
      previous = i;
    }
    const empty = this.#count === 0;
    return {
      version: 1,
      sub_bucket_bits: SUB_BUCKET_BITS,
      count: this.#count,
      min: empty ? null : this.#min,
      max: empty ? null : this.#max,
      sum: this.#sum,
      m2: this.#m2,
      buckets,
    };
  }

  /**
   * Rebuilds a histogram from {@linkcode Histogram.encode}'s output.
   *
   * @param encoded The encoded form (e.g. parsed back from JSON).
   * @returns A new histogram.
   * @throws {TypeError} When `encoded` is not a valid encoded histogram.
   */
  static decode(encoded: EncodedHistogram): Histogram {
    const e = encoded as unknown as Record<string, unknown>;
    if (e === null || typeof e !== "object") fail("encoded", e);
    if (e.version !== 1) fail("version", e.version);
    if (e.sub_bucket_bits !== SUB_BUCKET_BITS) fail("sub_bucket_bits", e.sub_bucket_bits);
    const buckets = e.buckets;
    if (!Array.isArray(buckets) || buckets.length % 2 !== 0) fail("buckets", buckets);
    const h = new Histogram();
    let index = 0;
    let total = 0;
    for (let k = 0; k < buckets.length; k += 2) {
      const delta = buckets[k];
      const count = buckets[k + 1];
      if (!Number.isSafeInteger(delta) || delta < (k === 0 ? 0 : 1)) fail(`buckets[${k}]`, delta);
      if (!Number.isSafeInteger(count) || count <= 0) fail(`buckets[${k + 1}]`, count);
      index += delta;
      if (index > MAX_INDEX) fail(`buckets[${k}]`, delta);
      h.#add(index, count);
      total += count;
    }
    if (e.count !== total) fail("count", e.count);
    if (total > 0) {
      if (!isFiniteNumber(e.min) || e.min < 0) fail("min", e.min);
      if (!isFiniteNumber(e.max) || e.max < e.min) fail("max", e.max);
      h.#min = e.min;
      h.#max = e.max;
    }
    if (!isFiniteNumber(e.sum)) fail("sum", e.sum);
    if (!isFiniteNumber(e.m2)) fail("m2", e.m2);
    h.#count = total;
    h.#sum = e.sum;
    h.#m2 = e.m2;
    return h;
  }

  #add(index: number, count: number): void {
    const b = index >> BLOCK_BITS;
    const block = this.#blocks[b] ??= new Float64Array(BLOCK_SIZE);
    block[index & (BLOCK_SIZE - 1)] += count;
  }

  *#nonEmpty(): Generator<[index: number, count: number]> {
    for (let b = 0; b < this.#blocks.length; b++) {
      const block = this.#blocks[b];
      if (!block) continue;
      for (let k = 0; k < BLOCK_SIZE; k++) {
        if (block[k] > 0) yield [(b << BLOCK_BITS) + k, block[k]];
      }
    }
  }
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function fail(field: string, value: unknown): never {
  const shown = Array.isArray(value) ? `an array of ${value.length}` : JSON.stringify(value);
  throw new TypeError(
    `Cannot decode histogram as '${field}' is invalid: current value is ${shown}`,
  );
}

/** Bucket index of a non-negative integer value. */
function _indexOf(value: number): number {
  if (value < LINEAR_LIMIT) return value;
  let e = Math.floor(Math.log2(value));
  if (2 ** e > value) e--;
  else if (2 ** (e + 1) <= value) e++;
  const shift = e - SUB_BUCKET_BITS;
  const sub = Math.floor(value / 2 ** shift);
  return LINEAR_LIMIT + (shift - 1) * SUB_HALF + (sub - SUB_HALF);
}

/** Lowest value counted in a bucket. */
function _lowOf(index: number): number {
  if (index < LINEAR_LIMIT) return index;
  const k = index - LINEAR_LIMIT;
  const shift = Math.floor(k / SUB_HALF) + 1;
  return (SUB_HALF + (k % SUB_HALF)) * 2 ** shift;
}

/** Highest value counted in a bucket. */
function _highOf(index: number): number {
  if (index < LINEAR_LIMIT) return index;
  const k = index - LINEAR_LIMIT;
  const shift = Math.floor(k / SUB_HALF) + 1;
  return (SUB_HALF + (k % SUB_HALF) + 1) * 2 ** shift - 1;
}
