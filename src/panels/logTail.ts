// Follows worker.log: its last lines, then the complete lines appended since a byte offset.
// Only whole lines are consumed, so a line being written is picked up on the next read.

import * as fs from 'node:fs';

export interface LogChunk {
  lines: string[];
  /** Byte offset just after the last complete line read; pass it to the next readLogSince. */
  offset: number;
  /** True when older lines were left out. */
  truncated: boolean;
}

/** The most bytes read at once; a longer stretch keeps only its end. */
const MAX_READ_BYTES = 512 * 1024;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

async function readRange(file: string, from: number, maxLines: number): Promise<LogChunk> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { lines: [], offset: 0, truncated: false };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    let start = size < from ? 0 : from; // replaced or truncated: start over
    let truncated = false;
    if (size - start > MAX_READ_BYTES) {
      start = size - MAX_READ_BYTES;
      truncated = true;
    }
    const buffer = Buffer.alloc(size - start);
    if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, start);
    const end = buffer.lastIndexOf(0x0a) + 1;
    // After a jump, the first line is probably partial: drop it.
    const begin = truncated ? buffer.indexOf(0x0a) + 1 : 0;
    const text = begin < end ? buffer.subarray(begin, end).toString('utf8') : '';
    let lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
    if (lines.length > maxLines) {
      lines = lines.slice(lines.length - maxLines);
      truncated = true;
    }
    return { lines, offset: start + end, truncated };
  } finally {
    await handle.close();
  }
}

/** The last `maxLines` complete lines of the file (none when it does not exist). */
export function readLogTail(file: string, maxLines: number): Promise<LogChunk> {
  return readRange(file, 0, maxLines);
}

/** Complete lines appended since `offset` (at most `maxLines`, the newest). */
export function readLogSince(file: string, offset: number, maxLines: number): Promise<LogChunk> {
  return readRange(file, offset, maxLines);
}
