// Finds the image-path column of a CSV/JSONL dataset, and chooses its label and task.

import type { ColumnInfo } from '../../../protocol/datasetTypes';
import type { ColumnStats } from '../columnStats';
import { DatasetError } from '../datasetError';
import { chooseColumns, type ChoiceRequest, type DatasetChoice } from '../labelChoice';

/** A column is an image-path column when at least this share of its values end in an image extension. */
const IMAGE_PATH_SHARE = 0.9;
/** Preferred names when several columns hold image paths. */
const IMAGE_NAMES = ['image', 'image_path', 'path', 'file', 'filename', 'img'];

/** The image-path column: the one asked for, or the inferred one; null when the file has none. */
export function findImageColumn(
  path: string,
  columns: readonly ColumnInfo[],
  stats: readonly ColumnStats[],
  requested?: string | null,
): string | null {
  if (requested) {
    if (!columns.some((c) => c.name === requested)) {
      throw new DatasetError(
        `The image column "${requested}" does not exist; the columns are ${columns.map((c) => `"${c.name}"`).join(', ')}`,
        path,
        'Choose the column that holds the image paths.',
      );
    }
    return requested;
  }
  const found = columns.filter((_, i) => stats[i].nonEmpty > 0 && stats[i].imagePaths >= IMAGE_PATH_SHARE * stats[i].nonEmpty);
  if (found.length === 0) return null;
  const byName = found.find((c) => IMAGE_NAMES.includes(c.name.trim().toLowerCase()));
  return (byName ?? found[0]).name;
}

/** The label (never the image column) and the image task. */
export function chooseImageColumns(
  path: string,
  columns: readonly ColumnInfo[],
  stats: readonly ColumnStats[],
  request: ChoiceRequest,
  imageColumn: string,
): DatasetChoice {
  // Passing the image column as the "text" keeps label inference off it.
  const choice = chooseColumns(path, columns, stats, { label: request.label ?? null, text: imageColumn });
  if (choice.label === null) return { ...choice, text: null, task: null };
  return { ...choice, text: null, task: 'image-classification' };
}
