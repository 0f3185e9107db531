// Reads the start of a file and refuses files that are not text (binary data, UTF-16).

import { open } from 'node:fs/promises';
import { DatasetError } from './datasetError';

/** Bytes checked for NUL bytes and invalid UTF-8. */
const TEXT_CHECK_BYTES = 1024;

export interface FileHead {
  /** The first bytes of the file (up to the requested size). */
  bytes: Buffer;
  /** Size of the whole file. */
  size: number;
}

export async function readFileHead(path: string, maxBytes: number): Promise<FileHead> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatasetError(`Cannot open the dataset: ${reason}`, path, 'Check that the file exists and is readable.');
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new DatasetError('The dataset is not a file', path, 'Choose a CSV, TSV, JSONL or JSON file (image folders are not supported yet).');
    }
    const size = stat.size;
    const buffer = Buffer.alloc(Math.min(maxBytes, size));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { bytes: buffer.subarray(0, filled), size };
  } finally {
    await handle.close();
  }
}

/** Throws a DatasetError unless the first KB is UTF-8 text without NUL bytes. */
export function assertLooksLikeText(head: Buffer, path: string): void {
  const start = head.subarray(0, TEXT_CHECK_BYTES);
  const utf16 =
    start.length >= 2 && ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff));
  if (utf16) {
    throw new DatasetError(
      'The dataset does not look like a text file: it is encoded as UTF-16',
      path,
      'Save it again as UTF-8 (for example "CSV UTF-8" in a spreadsheet program).',
    );
  }
  const nul = start.indexOf(0);
  if (nul !== -1 || !isValidUtf8Prefix(start)) {
    throw new DatasetError(
      `The dataset does not look like a text file: ${nul !== -1 ? 'it contains NUL bytes' : 'it is not valid UTF-8'} in its first ${TEXT_CHECK_BYTES} bytes`,
      path,
      'Choose a CSV, TSV, JSONL or JSON file saved as UTF-8 text.',
      1,
    );
  }
}

/** True when the bytes are valid UTF-8, allowing a multi-byte character cut at the end. */
function isValidUtf8Prefix(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}
