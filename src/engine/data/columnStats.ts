// Per-column counters kept while streaming: constant memory per column.

import { createHash } from 'node:crypto';
import { DISTINCT_CAP } from './datasetOptions';
import { isBooleanDigit, isBooleanWord, isNumericValue } from './cellValues';

/** A value that names an image file. */
const IMAGE_PATH = /\.(jpe?g|png|webp)$/i;
/** Values longer than this are kept as digests in the distinct set. */
const LONG_VALUE = 64;

export class ColumnStats {
  /** Records that reached this column (right field count, or any JSON object). */
  observed = 0;
  nonEmpty = 0;
  numeric = 0;
  /** Values that are boolean words or 0/1. */
  booleanLike = 0;
  /** Values that are boolean words (not digits). */
  booleanWords = 0;
  /** Values with white space inside (several words). */
  withSpace = 0;
  /** Values that end in an image file extension (.jpg, .jpeg, .png, .webp): paths of an image dataset. */
  imagePaths = 0;
  /** Sum of trimmed lengths of non-empty values. */
  totalLength = 0;
  /** Distinct trimmed non-empty values, up to DISTINCT_CAP + 1. */
  readonly distinct = new Set<string>();
  /** Distinct lower-cased values while they are few (for boolean columns). */
  readonly lowerDistinct = new Set<string>();

  add(raw: string): void {
    this.observed++;
    const value = raw.trim();
    if (value === '') return;
    this.nonEmpty++;
    this.totalLength += value.length;
    if (/\s/.test(value)) this.withSpace++;
    if (IMAGE_PATH.test(value)) this.imagePaths++;
    if (isNumericValue(value)) this.numeric++;
    const word = isBooleanWord(value);
    if (word) this.booleanWords++;
    if (word || isBooleanDigit(value)) {
      this.booleanLike++;
      if (this.lowerDistinct.size <= 2) this.lowerDistinct.add(value.toLowerCase());
    }
    if (this.distinct.size <= DISTINCT_CAP) {
      this.distinct.add(value.length > LONG_VALUE ? createHash('sha1').update(value).digest('base64') : value);
    }
  }

  /** Records without a value. */
  get missing(): number {
    return this.observed - this.nonEmpty;
  }

  /** Share of non-empty values that are numbers. */
  get numericRatio(): number {
    return this.nonEmpty === 0 ? 0 : this.numeric / this.nonEmpty;
  }

  /** True when most values hold several words: prose rather than codes or IDs. */
  get wordy(): boolean {
    return this.withSpace * 2 >= this.nonEmpty && this.nonEmpty > 0;
  }

  get averageLength(): number {
    return this.nonEmpty === 0 ? 0 : this.totalLength / this.nonEmpty;
  }

  /** True when every non-empty value seen is different (exact below the distinct cap). */
  get allDistinct(): boolean {
    return this.nonEmpty > 1 && this.distinct.size === this.nonEmpty;
  }
}
