// Reads an image folder dataset (one sub-folder per class) into the same inspection and examples
// a CSV gives: an 'image' column (the path relative to the folder) and a 'label' column (the
// sub-folder's name). Line numbers are positions in the sorted file listing; problems carry the
// file's path. Unreadable files are skipped and counted; nothing throws on a bad image.

import type { ColumnInfo, DatasetInspection } from '../../../protocol/datasetTypes';
import { reportClassBalance, sortedLabelCounts } from '../classBalance';
import { DatasetError } from '../datasetError';
import { DEFAULT_MAX_PROBLEMS, type DatasetOptions, type LoadedDataset } from '../datasetOptions';
import type { Example } from '../example';
import { ProblemLog } from '../problemLog';
import { checkImageItems, type ImageItem } from './imageChecks';
import { hasImageExtension, IMAGE_EXTENSIONS } from './imageFiles';
import { listImageFolder } from './imageFolder';

/** The columns an image folder presents. */
export const FOLDER_IMAGE_COLUMN = 'image';
export const FOLDER_LABEL_COLUMN = 'label';

function noUsableImagesMessage(files: number, classes: number): string {
  if (files === 0) return 'The folder holds no files. Put the images in one sub-folder per class, e.g. cats/1.jpg and dogs/2.jpg.';
  if (classes === 0) return `None of the ${files} files is inside a class sub-folder. Put the images in one sub-folder per class, e.g. cats/1.jpg and dogs/2.jpg.`;
  return `None of the ${files} files can be used: see the problems listed with their paths. Images must be ${IMAGE_EXTENSIONS.join(', ')} files that decode.`;
}

export async function analyzeImageFolder(root: string, options: DatasetOptions, collect: boolean): Promise<LoadedDataset> {
  if (options.label && options.label !== FOLDER_LABEL_COLUMN) {
    throw new DatasetError(
      `An image folder takes its labels from its sub-folders, so the label column "${options.label}" does not apply`,
      root,
      'Leave the label column out, or use a CSV/JSONL file with an image-path column and a label column.',
    );
  }
  const entries = await listImageFolder(root);
  const log = new ProblemLog(options.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  const candidates: { item: ImageItem; label: string }[] = [];
  entries.forEach((entry, i) => {
    const line = i + 1;
    if (entry.label === null) {
      log.add(line, 'unreadable-image', 'error', `${entry.relativePath} is not inside a class sub-folder; it was skipped. Move it into a sub-folder named after its class.`, entry.file);
    } else if (!hasImageExtension(entry.file)) {
      log.add(line, 'unreadable-image', 'error', `${entry.relativePath} is not an image file (only ${IMAGE_EXTENSIONS.join(', ')} are read); it was skipped.`, entry.file);
    } else {
      candidates.push({ item: { line, file: entry.file, shown: entry.relativePath }, label: entry.label });
    }
  });
  const checked = await checkImageItems(candidates.map((c) => c.item), log);
  const labelCounts = new Map<string, number>();
  const examples: Example[] = [];
  candidates.forEach(({ item, label }, i) => {
    if (!checked.ok[i]) return;
    labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
    if (collect) examples.push({ line: item.line, values: { [FOLDER_IMAGE_COLUMN]: item.shown, [FOLDER_LABEL_COLUMN]: label }, label, file: item.file });
  });
  const usable = checked.ok.filter(Boolean).length;
  const counts = sortedLabelCounts(labelCounts);
  reportClassBalance(counts, FOLDER_LABEL_COLUMN, log);
  if (usable === 0) log.addSummary('no-usable-rows', 'error', noUsableImagesMessage(entries.length, new Set(entries.map((e) => e.label).filter((l) => l !== null)).size));
  const columns: ColumnInfo[] = [
    { name: FOLDER_IMAGE_COLUMN, kind: 'text', missing: 0, distinct: usable, labelCandidate: false },
    { name: FOLDER_LABEL_COLUMN, kind: 'categorical', missing: 0, distinct: counts.length, labelCandidate: true },
  ];
  const inspection: DatasetInspection = {
    path: root,
    format: 'image-folder',
    hasHeader: false,
    rows: entries.length,
    skippedRows: entries.length - usable,
    columns,
    label: FOLDER_LABEL_COLUMN,
    labelReason: 'the name of the sub-folder each image is in',
    text: null,
    image: FOLDER_IMAGE_COLUMN,
    ...(checked.medianSize ? { imageSize: checked.medianSize } : {}),
    task: 'image-classification',
    labelCounts: counts,
    problems: log.problems,
    problemCounts: log.counts,
    problemsTruncated: log.truncated,
    fingerprint: checked.fingerprint,
    bytes: checked.bytes,
  };
  return { inspection, examples, features: [FOLDER_IMAGE_COLUMN] };
}
