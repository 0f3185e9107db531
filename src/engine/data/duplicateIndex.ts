// Remembers row digests to find repeated rows, in bounded memory.

/** Rows remembered; later rows are still compared with these but not remembered themselves. */
export const DUPLICATE_ROWS_CAP = 2_000_000;

export class DuplicateIndex {
  private readonly firstLines = new Map<string, number>();

  /** The line of an earlier identical row, or undefined (and the row is remembered). */
  check(cells: readonly string[], line: number): number | undefined {
    const key = rowDigest(cells);
    const first = this.firstLines.get(key);
    if (first === undefined && this.firstLines.size < DUPLICATE_ROWS_CAP) this.firstLines.set(key, line);
    return first;
  }
}

/**
 * A 64-bit digest of the cells (two independent 32-bit multiplicative hashes, as in cyrb53), as a
 * 4-character key: collisions are negligible at the cap (about 1 in 10^7 for 2 million rows).
 */
export function rowDigest(cells: readonly string[]): string {
  let h1 = 0xdeadbeef ^ cells.length;
  let h2 = 0x41c6ce57 ^ cells.length;
  for (const cell of cells) {
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    // A separator that no character code equals, so ["ab", "c"] and ["a", "bc"] differ.
    h1 = Math.imul(h1 ^ 0x10000, 2654435761);
    h2 = Math.imul(h2 ^ 0x10000, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return String.fromCharCode(h1 & 0xffff, h1 >>> 16, h2 & 0xffff, h2 >>> 16);
}
