// Second pass over a dataset: checks every record against the chosen schema, reports problems
// at their lines, counts labels, and (when loading) keeps the usable records as examples.

import { isNumericValue } from './cellValues';
import { DuplicateIndex } from './duplicateIndex';
import type { Example } from './example';
import type { ProblemLog } from './problemLog';
import type { RawRecord } from './rawRecord';
import { isBlankRecord } from './schemaScanner';

/** Most distinct labels counted; a classification label with more is not a usable label anyway. */
const MAX_LABELS = 10_000;

export interface ValidationPlan {
  columns: readonly string[];
  /** Fields a CSV/TSV record must have; null for JSON formats. */
  expectedFields: number | null;
  headerLine: number | null;
  /** -1 when there is no label. */
  labelIndex: number;
  /** -1 when the task has no text input. */
  textIndex: number;
  regression: boolean;
  /** Numeric columns that hold some non-numeric values: those get warnings. */
  numericColumns: readonly number[];
  /** Keep usable records as examples. */
  collect: boolean;
}

export class RowValidator {
  /** Data records read, good or bad (no header, no blank lines). */
  rows = 0;
  skipped = 0;
  usable = 0;
  readonly labelCounts = new Map<string, number>();
  readonly examples: Example[] = [];
  private readonly duplicates = new DuplicateIndex();

  constructor(
    private readonly plan: ValidationPlan,
    private readonly log: ProblemLog,
  ) {}

  accept(record: RawRecord): void {
    if (record.kind === 'fields' && (isBlankRecord(record.fields) || record.line === this.plan.headerLine)) return;
    this.rows++;
    if (record.kind === 'error') {
      this.skip(record.line, 'unparsable-record', `Line ${record.line}: ${record.message}`);
      return;
    }
    const cells = record.kind === 'fields' ? record.fields : this.plan.columns.map((c) => record.values.get(c) ?? '');
    if (this.plan.expectedFields !== null && cells.length !== this.plan.expectedFields) {
      this.skip(
        record.line,
        'wrong-field-count',
        `Line ${record.line} has ${cells.length} field${cells.length === 1 ? '' : 's'} where ${this.plan.expectedFields} are expected; the row was skipped. Check its delimiters and quotes.`,
      );
      return;
    }
    if (this.checkRow(record.line, cells)) this.use(record.line, cells);
  }

  /** Reports the row's problems; false when an error skips it. */
  private checkRow(line: number, cells: readonly string[]): boolean {
    const { columns, labelIndex, textIndex } = this.plan;
    const label = labelIndex === -1 ? '' : cells[labelIndex].trim();
    if (labelIndex !== -1 && label === '') {
      this.skip(line, 'missing-label', `Line ${line} has no value in the label column "${columns[labelIndex]}"; the row was skipped. Fill in the label or remove the row.`);
      return false;
    }
    if (textIndex !== -1 && cells[textIndex].trim() === '') {
      this.skip(line, 'empty-text', `Line ${line} has an empty "${columns[textIndex]}" text; the row was skipped. Fill in the text or remove the row.`);
      return false;
    }
    if (this.plan.regression && !isNumericValue(label)) {
      this.skip(line, 'non-numeric-value', `Line ${line}: the label "${columns[labelIndex]}" is ${quote(label)}, not a number, and regression needs numeric labels; the row was skipped. Fix the value or remove the row.`);
      return false;
    }
    const odd = this.plan.numericColumns.filter((i) => i !== labelIndex || !this.plan.regression).filter((i) => {
      const value = cells[i].trim();
      return value !== '' && !isNumericValue(value);
    });
    if (odd.length > 0) {
      const list = odd.map((i) => `"${columns[i]}" is ${quote(cells[i].trim())}`).join(', ');
      this.log.add(line, 'non-numeric-value', 'warning', `Line ${line}: ${list} in a column of numbers. Fix the value, or leave the cell empty if it is unknown.`);
    }
    const first = this.duplicates.check(cells, line);
    if (first !== undefined) {
      this.log.add(line, 'duplicate-row', 'warning', `Line ${line} repeats line ${first} exactly; duplicates count twice in training and can leak between splits. Remove one of them.`);
    }
    return true;
  }

  private use(line: number, cells: readonly string[]): void {
    this.usable++;
    const { labelIndex, columns } = this.plan;
    const label = labelIndex === -1 ? '' : cells[labelIndex].trim();
    if (labelIndex !== -1 && !this.plan.regression) {
      const count = this.labelCounts.get(label);
      if (count !== undefined) this.labelCounts.set(label, count + 1);
      else if (this.labelCounts.size < MAX_LABELS) this.labelCounts.set(label, 1);
    }
    if (this.plan.collect) {
      const values: Record<string, string> = {};
      columns.forEach((name, i) => {
        values[name] = cells[i];
      });
      this.examples.push({ line, values, label });
    }
  }

  private skip(line: number, kind: 'unparsable-record' | 'wrong-field-count' | 'missing-label' | 'empty-text' | 'non-numeric-value', message: string): void {
    this.skipped++;
    this.log.add(line, kind, 'error', message);
  }
}

/** A value quoted for a message, shortened when long. */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}
