// First pass over a dataset: finds the header and the columns and keeps per-column counters.

import { ColumnStats } from './columnStats';
import { detectHeader, HEADER_SAMPLE_RECORDS } from './headerDetection';
import type { RawRecord } from './rawRecord';

/** Most columns a JSON/JSONL dataset may have; keys beyond it are ignored. */
const MAX_JSON_COLUMNS = 1000;

export interface ScannedSchema {
  /** Column names, in file order. */
  columns: string[];
  /** Counters aligned with `columns`. */
  stats: ColumnStats[];
  hasHeader: boolean;
  /** Line of the header record, or null. */
  headerLine: number | null;
  /** Fields a CSV/TSV record must have; null for JSON formats. */
  expectedFields: number | null;
}

/** True for a CSV record that is only white space: treated as a blank line. */
export function isBlankRecord(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0].trim() === '';
}

export class SchemaScanner {
  private readonly sample: { line: number; fields: string[] }[] = [];
  private firstRecordSeen = false;
  private firstIsFields = false;
  private decided = false;
  private schema: ScannedSchema = { columns: [], stats: [], hasHeader: false, headerLine: null, expectedFields: null };
  private readonly jsonIndex = new Map<string, number>();

  constructor(private readonly delimited: boolean) {
    if (!delimited) this.schema.hasHeader = true;
  }

  accept(record: RawRecord): void {
    if (record.kind === 'fields' && isBlankRecord(record.fields)) return;
    if (!this.firstRecordSeen) {
      this.firstRecordSeen = true;
      this.firstIsFields = record.kind === 'fields';
    }
    if (record.kind === 'object') this.acceptObject(record.values);
    else if (record.kind === 'fields') {
      if (this.decided) this.observeFields(record.fields);
      else {
        this.sample.push({ line: record.line, fields: record.fields });
        if (this.sample.length >= HEADER_SAMPLE_RECORDS) this.decide();
      }
    }
  }

  finish(): ScannedSchema {
    if (this.delimited && !this.decided) this.decide();
    return this.schema;
  }

  private decide(): void {
    this.decided = true;
    const decision = detectHeader(this.sample.map((r) => r.fields));
    const hasHeader = decision.hasHeader && this.firstIsFields;
    const columns = hasHeader
      ? this.sample[0].fields.map((f) => f.trim())
      : Array.from({ length: decision.expectedFields }, (_v, i) => `col_${i + 1}`);
    this.schema = {
      columns,
      stats: columns.map(() => new ColumnStats()),
      hasHeader,
      headerLine: hasHeader ? this.sample[0].line : null,
      expectedFields: decision.expectedFields,
    };
    for (const record of hasHeader ? this.sample.slice(1) : this.sample) this.observeFields(record.fields);
    this.sample.length = 0;
  }

  private observeFields(fields: readonly string[]): void {
    if (fields.length !== this.schema.expectedFields) return;
    const { stats } = this.schema;
    for (let i = 0; i < fields.length; i++) stats[i].add(fields[i]);
  }

  private acceptObject(values: ReadonlyMap<string, string>): void {
    for (const key of values.keys()) {
      if (!this.jsonIndex.has(key) && this.jsonIndex.size < MAX_JSON_COLUMNS) {
        this.jsonIndex.set(key, this.schema.columns.length);
        this.schema.columns.push(key);
        // A column first seen now was missing from every earlier object.
        const stats = new ColumnStats();
        stats.observed = this.schema.stats[0]?.observed ?? 0;
        this.schema.stats.push(stats);
      }
    }
    for (const [index, column] of this.schema.columns.entries()) {
      this.schema.stats[index].add(values.get(column) ?? '');
    }
  }
}
