// Image folder datasets (one sub-folder of images per class) for the extension: a quick, bounded
// check that a folder looks like one (for the Explorer command), its inspection in a CLI child
// process (`finetune inspect <folder> --json`: decoding every image stays out of the extension
// host), and the preview rows (relative path, class) from the folder listing. No vscode here.

import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { DatasetInspection } from '../protocol/datasetTypes';
import { hasImageExtension, IMAGE_EXTENSIONS } from '../engine/data/images/imageFiles';
import type { FolderEntry } from '../engine/data/images/imageFolder';
import { UserError } from '../engine/userError';
import type { PreviewRow } from './previewReader';

export type ImageFolderCheck = { ok: true; classes: string[] } | { ok: false; reason: string };

/** Entries looked at per class folder before giving up on finding an image in it. */
const MAX_ENTRIES_PER_CLASS = 2000;
/** Class folders looked at before the answer is taken as yes. */
const MAX_CLASSES_SEEN = 200;

function visible(name: string): boolean {
  return !name.startsWith('.');
}

/** True when an image file is within `dir` (at most two levels down, a bounded number of entries). */
async function holdsImage(dir: string, depth: number, budget: { left: number }): Promise<boolean> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  const folders: string[] = [];
  for (const entry of entries) {
    if (budget.left-- <= 0) return false;
    if (!visible(entry.name)) continue;
    if ((entry.isFile() || entry.isSymbolicLink()) && hasImageExtension(entry.name)) return true;
    if (entry.isDirectory()) folders.push(entry.name);
  }
  if (depth >= 2) return false;
  for (const name of folders) {
    if (await holdsImage(path.join(dir, name), depth + 1, budget)) return true;
  }
  return false;
}

/** Whether `dir` has class sub-folders holding images; looks at a bounded number of entries. */
export async function checkImageFolder(dir: string): Promise<ImageFolderCheck> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (error) {
    return { ok: false, reason: `${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).` };
  }
  const classes: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory() && visible(e.name)).slice(0, MAX_CLASSES_SEEN)) {
    if (await holdsImage(path.join(dir, entry.name), 1, { left: MAX_ENTRIES_PER_CLASS })) classes.push(entry.name);
  }
  if (classes.length > 0) return { ok: true, classes: classes.sort() };
  return {
    ok: false,
    reason: `${path.basename(dir)} has no class sub-folders with images (${IMAGE_EXTENSIONS.join(', ')}). An image dataset is a folder with one sub-folder per class, e.g. cats/1.jpg and dogs/2.jpg.`,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The inspection `finetune inspect --json` printed, checked in the parts the panel reads. */
export function parseInspection(json: string, where: string): DatasetInspection {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UserError(`Reading ${where} gave no inspection that could be read.`, { hint: 'Run `finetune inspect` on it in a terminal to see what happens.' });
  }
  const ok =
    isRecord(value) &&
    typeof value.path === 'string' &&
    typeof value.format === 'string' &&
    typeof value.rows === 'number' &&
    typeof value.skippedRows === 'number' &&
    Array.isArray(value.columns) &&
    Array.isArray(value.labelCounts) &&
    Array.isArray(value.problems) &&
    typeof value.fingerprint === 'string';
  if (!ok) throw new UserError(`Reading ${where} gave an inspection of an unexpected shape.`, { hint: 'The extension and its engine may be of different versions: reinstall the extension.' });
  return value as unknown as DatasetInspection;
}

/** Inspects an image folder with `run` (runCliCommand bound to the CLI and settings). */
export async function inspectImageFolder(run: (args: readonly string[]) => Promise<{ stdout: string }>, dir: string): Promise<DatasetInspection> {
  const { stdout } = await run(['inspect', dir, '--json']);
  return parseInspection(stdout, dir);
}

/** One page of the preview from the folder listing (listImageFolder: line n is entry n - 1): each file's path inside the folder and its class. */
export function folderPreviewRows(listing: readonly FolderEntry[], offset: number, count: number): { rows: PreviewRow[]; atEnd: boolean } {
  const rows = listing.slice(offset, offset + count).map((entry, i) => ({ line: offset + i + 1, cells: [entry.relativePath, entry.label ?? '(no class folder)'] }));
  return { rows, atEnd: offset + count >= listing.length };
}
