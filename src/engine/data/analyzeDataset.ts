// Reads a dataset in two streaming passes: the first infers the columns, the label and the task;
// the second checks every record against them. Memory stays bounded unless examples are kept.

import type { DatasetInspection } from '../../protocol/datasetTypes';
import { reportClassBalance, sortedLabelCounts } from './classBalance';
import { columnInfo } from './columnKinds';
import { chooseColumns, type DatasetChoice } from './labelChoice';
import { DEFAULT_MAX_PROBLEMS, type DatasetOptions, type LoadedDataset } from './datasetOptions';
import { openDatasetSource } from './datasetSource';
import { featureColumns } from './featureColumns';
import { noUsableRowsMessage } from './noUsableRows';
import { ProblemLog } from './problemLog';
import { RowValidator } from './rowValidator';
import { SchemaScanner } from './schemaScanner';
import { chooseImageColumns, findImageColumn } from './images/imageColumn';
import { analyzeImageFolder } from './images/imageFolderDataset';
import { isFolder } from './images/imageFolder';
import { checkImageRows } from './images/imageRows';
import { createHash } from 'node:crypto';

export async function analyzeDataset(path: string, options: DatasetOptions, collect: boolean): Promise<LoadedDataset> {
  // A folder is an image dataset, unless it is named like a data file (then it is a mistake, said below).
  if ((await isFolder(path)) && !/\.(csv|tsv|tab|txt|jsonl|ndjson|json)$/i.test(path)) return analyzeImageFolder(path, options, collect);
  const source = await openDatasetSource(path);
  const scanner = new SchemaScanner(source.format === 'csv' || source.format === 'tsv');
  const summary = await source.read((record) => scanner.accept(record));
  const schema = scanner.finish();
  const columns = schema.columns.map((name, i) => columnInfo(name, schema.stats[i]));
  const imageColumn = findImageColumn(path, columns, schema.stats, options.image);
  const choice: DatasetChoice =
    columns.length === 0
      ? { label: null, labelReason: 'the file has no columns', text: null, task: null }
      : imageColumn !== null
        ? chooseImageColumns(path, columns, schema.stats, options, imageColumn)
        : chooseColumns(path, columns, schema.stats, options);
  const images = choice.task === 'image-classification' ? imageColumn : null;

  const log = new ProblemLog(options.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  const labelIndex = choice.label === null ? -1 : schema.columns.indexOf(choice.label);
  const regression = choice.task === 'tabular-regression';
  const validator = new RowValidator(
    {
      columns: schema.columns,
      expectedFields: schema.expectedFields,
      headerLine: schema.headerLine,
      labelIndex,
      textIndex: choice.task === 'text-classification' && choice.text !== null ? schema.columns.indexOf(choice.text) : -1,
      regression,
      numericColumns: columns.flatMap((c, i) => (c.kind === 'numeric' && schema.stats[i].numericRatio < 1 ? [i] : [])),
      // Image rows are kept to check their files.
      collect: collect || images !== null,
    },
    log,
  );
  await source.read((record) => validator.accept(record));
  const imageRows = images !== null ? await checkImageRows(path, validator.examples, images, log) : null;
  const usable = imageRows ? imageRows.examples.length : validator.usable;
  const skipped = validator.skipped + (imageRows?.skipped ?? 0);

  const labelCounts = sortedLabelCounts(imageRows?.labelCounts ?? validator.labelCounts);
  if (choice.label !== null && !regression) reportClassBalance(labelCounts, choice.label, log);
  if (usable === 0) {
    log.addSummary('no-usable-rows', 'error', noUsableRowsMessage(summary.bytes, schema.hasHeader, validator.rows, skipped, log.counts));
  }
  const inspection: DatasetInspection = {
    path,
    format: source.format,
    ...(source.delimiter === undefined ? {} : { delimiter: source.delimiter }),
    hasHeader: schema.hasHeader,
    rows: validator.rows,
    skippedRows: skipped,
    columns,
    label: choice.label,
    labelReason: choice.labelReason,
    text: choice.text,
    ...(images !== null ? { image: images } : {}),
    ...(imageRows?.medianSize ? { imageSize: imageRows.medianSize } : {}),
    task: choice.task,
    labelCounts,
    problems: log.problems,
    problemCounts: log.counts,
    problemsTruncated: log.truncated,
    // An image dataset changes when its images do.
    fingerprint: imageRows ? createHash('sha256').update(`${summary.fingerprint}\n${imageRows.fingerprint}`).digest('hex') : summary.fingerprint,
    bytes: summary.bytes,
  };
  if (imageRows && images !== null) return { inspection, examples: collect ? imageRows.examples : [], features: [images] };
  const features = featureColumns(columns, schema.stats, choice.task, choice.label, choice.text);
  return { inspection, examples: validator.examples, features };
}
