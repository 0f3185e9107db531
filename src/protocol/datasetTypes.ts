// Data types describing a dataset file: shared by engine, worker, CLI, host and webviews.
// This file imports nothing.

/** The file formats the engine reads ('image-folder': a folder of class sub-folders of images). */
export type DatasetFormat = 'csv' | 'tsv' | 'jsonl' | 'json' | 'image-folder';

/** What a column holds, inferred from its values. */
export type ColumnKind = 'text' | 'numeric' | 'categorical' | 'boolean' | 'empty';

export interface ColumnInfo {
  /** Column name (from the header, or `col_1`, `col_2`, … when the file has none). */
  name: string;
  kind: ColumnKind;
  /** Rows whose value is empty or missing. */
  missing: number;
  /** Distinct non-empty values seen (capped at `DISTINCT_CAP` + 1 while streaming). */
  distinct: number;
  /** True when this column could serve as a classification or regression label. */
  labelCandidate: boolean;
}

/** Every kind of problem the dataset reader reports. */
export type ProblemKind =
  | 'unparsable-record'
  | 'wrong-field-count'
  | 'missing-label'
  | 'empty-text'
  | 'non-numeric-value'
  | 'duplicate-row'
  | 'split-leakage'
  | 'too-few-examples'
  | 'class-imbalance'
  | 'no-usable-rows'
  | 'unreadable-image';

export interface DatasetProblem {
  /** 1-based physical line of the file where the record starts; 0 when the problem is not about one line. */
  line: number;
  kind: ProblemKind;
  /** A sentence a user understands: what is wrong and what to do. */
  message: string;
  /** 'error' rows are skipped; 'warning' rows are kept. */
  severity: 'error' | 'warning';
  /** Image datasets: the absolute path of the image file the problem is about. */
  path?: string;
}

/** Counts of one label value. */
export interface LabelCount {
  label: string;
  count: number;
}

/** The result of inspecting a file: cheap, streaming, bounded memory. */
export interface DatasetInspection {
  path: string;
  format: DatasetFormat;
  /** For CSV/TSV: the delimiter found. */
  delimiter?: string;
  hasHeader: boolean;
  /** Data records read (excluding the header), good or bad. */
  rows: number;
  /** Records skipped because of an error-severity problem. */
  skippedRows: number;
  columns: ColumnInfo[];
  /** The label column: the one asked for, or the inferred one. */
  label: string | null;
  /** How the label was chosen, as a sentence (e.g. "inferred: last categorical column"). */
  labelReason: string;
  /** The input text column for text tasks, when there is one. */
  text: string | null;
  /** Image tasks: the column of image paths ('image' for an image folder). Absent otherwise. */
  image?: string | null;
  /** Image tasks: the median width and height in pixels of the images that decode. */
  imageSize?: { medianWidth: number; medianHeight: number };
  task: TaskKind | null;
  /** Label distribution (classification only), most frequent first. */
  labelCounts: LabelCount[];
  /** Problems, each at its line. Capped (see `problemsTruncated`). */
  problems: DatasetProblem[];
  /** How many problems of each kind in total, including those beyond the cap. */
  problemCounts: Partial<Record<ProblemKind, number>>;
  problemsTruncated: boolean;
  /** sha256 of the file bytes, hex. */
  fingerprint: string;
  /** Size of the file in bytes. */
  bytes: number;
}

/** The tasks the engine trains. */
export type TaskKind = 'text-classification' | 'tabular-classification' | 'tabular-regression' | 'image-classification';

/** Fractions of the usable rows that go to validation and test; train gets the rest. */
export interface SplitFractions {
  validation: number;
  test: number;
}

export type SplitName = 'train' | 'validation' | 'test';
