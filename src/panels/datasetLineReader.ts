// Reads chosen rows of a dataset file by the line where each starts (the lines predictions.jsonl
// names), with their values by column name, the way the engine reads the file: same parsers,
// same header detection, same line counting. One streaming pass; only the wanted rows are kept.
// Pure Node, no vscode.

import { openDatasetSource } from '../engine/data/datasetSource';
import type { RawRecord } from '../engine/data/rawRecord';
import { SchemaScanner } from '../engine/data/schemaScanner';

export interface DatasetLines {
  /** Values by column name, for each wanted line that starts a record. */
  rows: Map<number, Map<string, string>>;
  /** sha256 of the file as it is now, hex (compare with the run's dataset fingerprint). */
  fingerprint: string;
}

export async function readDatasetLines(path: string, lines: Iterable<number>): Promise<DatasetLines> {
  const wanted = new Set(lines);
  const source = await openDatasetSource(path);
  const scanner = new SchemaScanner(source.format === 'csv' || source.format === 'tsv');
  const kept: RawRecord[] = [];
  const summary = await source.read((record) => {
    scanner.accept(record);
    if (wanted.has(record.line) && record.kind !== 'error') kept.push(record);
  });
  const schema = scanner.finish();
  const rows = new Map<number, Map<string, string>>();
  for (const record of kept) {
    if (record.kind === 'object') rows.set(record.line, record.values);
    else if (record.kind === 'fields' && record.line !== schema.headerLine) {
      rows.set(record.line, new Map(schema.columns.map((name, i) => [name, record.fields[i] ?? ''])));
    }
  }
  return { rows, fingerprint: summary.fingerprint };
}
