// Atomic file writes: the data goes to a temporary file in the same folder, is flushed to disk
// (fsync), then renamed over the target. A reader sees the old file or the new one, never a
// half-written one, even when the process dies mid-write.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorCode } from './storageErrors';

/** Temporary files start with a dot and end with this suffix; readers of a folder skip them. */
export const TEMP_SUFFIX = '.tmp';

/** Error codes under which a rename is retried (Windows: a reader or a virus scanner holds the file). */
const RETRYABLE_RENAME = new Set(['EPERM', 'EACCES', 'EBUSY']);
const RENAME_ATTEMPTS = 5;

/** The name of a fresh temporary file next to `target`. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  return path.join(dir, `.${base}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/** True for a file name written by `tempPathFor`. */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Flushes a folder's entry table so a rename survives a power loss; not possible on Windows. */
async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse to sync a folder; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}

function fsyncDirSync(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // See fsyncDir.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fs.promises.rename(from, to);
      return;
    } catch (error) {
      const code = errorCode(error);
      if (attempt >= RENAME_ATTEMPTS || code === undefined || !RETRYABLE_RENAME.has(code)) throw error;
      await delay(10 * attempt * attempt);
    }
  }
}

/** Writes `data` to `target` atomically. The target's folder must exist. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(temp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await renameWithRetry(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await fsyncDir(path.dirname(target));
}

/** Synchronous `writeFileAtomic`, for exit handlers where nothing asynchronous runs any more. */
export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  const temp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx');
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // Already failing; the original error matters.
      }
    }
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirSync(path.dirname(target));
}

/** The text every JSON file of the run store is written as: two-space indent, final newline. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes `value` as JSON to `target` atomically. */
export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, toJsonText(value));
}

/** Synchronous `writeJsonAtomic`, for exit handlers. */
export function writeJsonAtomicSync(target: string, value: unknown): void {
  writeFileAtomicSync(target, toJsonText(value));
}
