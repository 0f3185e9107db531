// Total size of the files under a folder.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bytes of all regular files under `dir`, recursively; 0 when it does not exist. Links are not followed. */
export async function dirSize(dir: string): Promise<number> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const sizes = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return dirSize(full);
      if (!entry.isFile()) return 0;
      try {
        return (await fs.promises.stat(full)).size;
      } catch {
        return 0; // removed while we looked
      }
    }),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}
