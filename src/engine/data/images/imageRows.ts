// The image files of a CSV/JSONL dataset: each usable row's image-path cell resolved against the
// dataset file's folder (absolute paths are kept), decoded once, and the row skipped (error at its
// line, with the path) when the image is missing or unreadable.

import * as path from 'node:path';
import type { Example } from '../example';
import type { ProblemLog } from '../problemLog';
import { checkImageItems, type CheckedImages, type ImageItem } from './imageChecks';

export interface ImageRows {
  /** The rows whose image decodes, with `file` set. */
  examples: Example[];
  /** Rows skipped because of their image. */
  skipped: number;
  labelCounts: Map<string, number>;
  /** sha256 over the image names and contents, hex. */
  fingerprint: string;
  medianSize: CheckedImages['medianSize'];
}

export async function checkImageRows(datasetPath: string, rows: readonly Example[], imageColumn: string, log: ProblemLog): Promise<ImageRows> {
  const folder = path.dirname(datasetPath);
  const items: ImageItem[] = [];
  const withPath: Example[] = [];
  let skipped = 0;
  for (const row of rows) {
    const cell = (row.values[imageColumn] ?? '').trim();
    if (cell === '') {
      skipped++;
      log.add(row.line, 'unreadable-image', 'error', `Line ${row.line} has no image path in "${imageColumn}"; the row was skipped. Fill in the path or remove the row.`);
      continue;
    }
    const file = path.resolve(folder, cell);
    items.push({ line: row.line, file, shown: `Line ${row.line}: image "${cell}"` });
    withPath.push({ ...row, file });
  }
  const checked = await checkImageItems(items, log);
  const examples = withPath.filter((_, i) => checked.ok[i]);
  skipped += withPath.length - examples.length;
  const labelCounts = new Map<string, number>();
  for (const e of examples) labelCounts.set(e.label, (labelCounts.get(e.label) ?? 0) + 1);
  return { examples, skipped, labelCounts, fingerprint: checked.fingerprint, medianSize: checked.medianSize };
}
