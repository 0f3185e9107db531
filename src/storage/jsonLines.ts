// JSON Lines (one JSON value per line): parsing that survives a crash mid-append.

import type { Guard } from './readJson';

export interface ParsedJsonLines<T> {
  records: T[];
  /** Lines that were not JSON or not of the expected shape, 1-based; a torn last line is one. */
  skippedLines: number[];
  /**
   * Bytes of the text up to and including the last newline: where a reader that follows a growing
   * file continues. A last line without a newline is not consumed (its writer may still be busy).
   */
  consumedBytes: number;
}

/**
 * Parses JSON Lines. Blank lines are ignored; lines that do not parse or fail the guard are skipped
 * and listed: a crash mid-append leaves at most a torn last line, which is then skipped.
 */
export function parseJsonLines<T>(text: string, guard: Guard<T>, firstLineNumber = 1): ParsedJsonLines<T> {
  const records: T[] = [];
  const skippedLines: number[] = [];
  const lastNewline = text.lastIndexOf('\n');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch {
      skippedLines.push(firstLineNumber + i);
      continue;
    }
    if (guard(value)) records.push(value);
    else skippedLines.push(firstLineNumber + i);
  }
  return { records, skippedLines, consumedBytes: Buffer.byteLength(text.slice(0, lastNewline + 1), 'utf8') };
}

/** Serializes values as JSON Lines, each line ending with a newline. */
export function toJsonLines(values: Iterable<unknown>): string {
  const parts: string[] = [];
  for (const value of values) parts.push(JSON.stringify(value), '\n');
  return parts.join('');
}
