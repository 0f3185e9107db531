// Appending to line-oriented files (metrics.jsonl, worker.log) with one write call per batch.

import * as fs from 'node:fs';

/**
 * Appends `text` (whole lines, each ending with a newline) to `file`, creating it if needed, in a
 * single write. When the file does not end with a newline (an earlier writer died mid-line), a
 * newline is written first so the torn line stays alone on its line and the new lines stay intact.
 */
export async function appendLines(file: string, text: string): Promise<void> {
  if (text === '') return;
  const handle = await fs.promises.open(file, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.write(prefix + text);
  } finally {
    await handle.close();
  }
}

/** Turns a log line (or several) into text ending with exactly one newline. */
export function asLine(line: string): string {
  return line.endsWith('\n') ? line : `${line}\n`;
}
