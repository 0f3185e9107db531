// How a data-parallel step splits its batch: contiguous runs of the batch's rows, one per
// participant (the main thread first, then the worker threads), as even as the batch allows; the
// dropout seed of each shard, derived from the step's seed; and the loss denominator of the whole
// batch, so that the shards' losses (each Σ w·l over its rows divided by that one denominator)
// add up to the full batch's loss, and their gradients to the full batch's gradient.

/** One participant's part of a batch. */
export interface Shard {
  /** Positions into the training split (rows of its x and y). */
  rows: number[];
  /** The dropout seed of this shard's forward pass. */
  seed: number;
}

const SEED_MODULUS = 2147483647;
/** A large odd step between the seeds of a step's shards. */
const SHARD_SEED_STRIDE = 1000003;

/** The dropout seed of shard `index` of a step whose single-thread seed is `stepSeed` (shard 0 keeps it). */
export function shardSeed(stepSeed: number, index: number): number {
  return (stepSeed + index * SHARD_SEED_STRIDE) % SEED_MODULUS;
}

/**
 * Splits `rows` into at most `participants` contiguous shards of sizes that differ by at most one
 * (the first shards get the extra rows): 7 rows on 2 → 4 + 3. Never makes an empty shard, so a
 * batch smaller than `participants` gets one shard per row.
 */
export function planShards(rows: readonly number[], participants: number, stepSeed: number): Shard[] {
  const count = Math.max(1, Math.min(Math.floor(participants), rows.length));
  const base = Math.floor(rows.length / count);
  const extra = rows.length % count;
  const shards: Shard[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const size = base + (i < extra ? 1 : 0);
    shards.push({ rows: rows.slice(start, start + size), seed: shardSeed(stepSeed, i) });
    start += size;
  }
  return shards;
}

/** The same floor as batchLoss's (src/engine/training/forward.ts) on the sum of class weights. */
const EPSILON = 1e-7;

/**
 * The denominator of the batch's loss, as batchLoss computes it: the row count (a mean), or with
 * class weights the sum over the batch of each row's weight (Σ_c y[c]·w[c]), floored at 1e-7.
 * `y` holds the one-hot (or soft) targets of the whole split, `width` values per row.
 */
export function lossDenominator(rows: readonly number[], y: ArrayLike<number>, width: number, classWeights: readonly number[] | null): number {
  if (classWeights === null) return rows.length;
  let sum = 0;
  for (const r of rows) {
    let w = 0;
    for (let c = 0; c < width; c++) w += y[r * width + c] * classWeights[c];
    sum += w;
  }
  return Math.max(sum, EPSILON);
}
