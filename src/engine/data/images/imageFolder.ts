// Lists an image folder dataset: one sub-folder per class (the sub-folder's name is the label),
// images inside it at any depth. Hidden files and folders are left out; files at the top level
// are listed without a label (they are problems: no class).

import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export interface FolderEntry {
  /** Path relative to the dataset folder, with '/' separators. */
  relativePath: string;
  /** Absolute path. */
  file: string;
  /** The class sub-folder's name; null for a file at the top level. */
  label: string | null;
}

/** System litter that is never a dataset file. */
const IGNORED_NAMES = new Set(['thumbs.db', 'desktop.ini']);

function ignored(name: string): boolean {
  return name.startsWith('.') || IGNORED_NAMES.has(name.toLowerCase());
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function kindOf(dir: string, entry: import('node:fs').Dirent): Promise<'file' | 'dir' | 'other'> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) {
    const stat = await fsp.stat(path.join(dir, entry.name)).catch(() => null);
    if (stat?.isFile()) return 'file';
    if (stat?.isDirectory()) return 'dir';
  }
  return 'other';
}

async function walk(root: string, relative: string, label: string | null, out: FolderEntry[], depth: number): Promise<void> {
  const dir = path.join(root, relative);
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => byCodeUnits(a.name, b.name))) {
    if (ignored(entry.name)) continue;
    const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const kind = await kindOf(dir, entry);
    if (kind === 'file') out.push({ relativePath: rel, file: path.join(root, rel), label });
    // Links could loop: 32 levels is deeper than any real dataset.
    else if (kind === 'dir' && depth < 32) await walk(root, rel, label ?? entry.name, out, depth + 1);
  }
}

/** Every file of the folder in code-unit order of its relative path (the order gives line numbers). */
export async function listImageFolder(root: string): Promise<FolderEntry[]> {
  const out: FolderEntry[] = [];
  await walk(root, '', null, out, 0);
  return out.sort((a, b) => byCodeUnits(a.relativePath, b.relativePath));
}

/** True when the path is a folder (an image folder dataset). */
export async function isFolder(file: string): Promise<boolean> {
  const stat = await fsp.stat(file).catch(() => null);
  return stat?.isDirectory() ?? false;
}
