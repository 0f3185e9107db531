// Checks the image files of a dataset: every file decoded once (see checkImageFile), unreadable
// ones reported at their line with their path, identical pictures reported as duplicates, and a
// fingerprint over the names and contents of all of them.

import { createHash } from 'node:crypto';
import { mapLimit } from '../../../storage/mapLimit';
import type { ProblemLog } from '../problemLog';
import { checkImageFile } from './imageFiles';

/** Files decoded at once (sharp decodes on libuv's thread pool). */
const PARALLEL_DECODES = 4;

export interface ImageItem {
  /** 1-based line (CSV/JSONL) or position in the folder listing. */
  line: number;
  /** Absolute path. */
  file: string;
  /** How messages name the image: 'cats/3.png', 'Line 5: image "img/3.png"'. */
  shown: string;
}

export interface CheckedImages {
  /** Per item: true when the image decodes. */
  ok: boolean[];
  /** sha256 over every item's name and content hash, hex. */
  fingerprint: string;
  /** Bytes of all image files read. */
  bytes: number;
  /** Median width and height of the images that decode; null when none does. */
  medianSize: { medianWidth: number; medianHeight: number } | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

export async function checkImageItems(items: readonly ImageItem[], log: ProblemLog): Promise<CheckedImages> {
  const checks = await mapLimit(items, PARALLEL_DECODES, (item) => checkImageFile(item.file));
  const hash = createHash('sha256');
  const firstWithContent = new Map<string, ImageItem>();
  let bytes = 0;
  const widths: number[] = [];
  const heights: number[] = [];
  const ok = checks.map((check, i) => {
    const item = items[i];
    hash.update(`${item.shown}\0${check.sha256 ?? 'unreadable'}\n`);
    bytes += check.bytes;
    if (!check.ok) {
      log.add(item.line, 'unreadable-image', 'error', `${item.shown}: ${check.reason}; it was skipped. Replace or remove the file.`, item.file);
      return false;
    }
    widths.push(check.width);
    heights.push(check.height);
    const first = firstWithContent.get(check.sha256);
    if (first === undefined) firstWithContent.set(check.sha256, item);
    else {
      log.add(
        item.line,
        'duplicate-row',
        'warning',
        `${item.shown} is the same picture as ${first.shown}; duplicates count twice in training and can leak between splits. Remove one of them.`,
        item.file,
      );
    }
    return true;
  });
  const medianSize = widths.length === 0 ? null : { medianWidth: median(widths), medianHeight: median(heights) };
  return { ok, fingerprint: hash.digest('hex'), bytes, medianSize };
}
