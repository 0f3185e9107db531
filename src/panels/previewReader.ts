// Reads one page of a dataset for the setup panel's preview: only the records up to the end of
// the page are read (the stream is closed as soon as the page is full), each with the physical
// line where it starts, counted as the engine counts them. Records that cannot be parsed and
// blank lines are left out of the preview (the problems list shows them). Pure Node, no vscode.

import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { DatasetFormat } from '../protocol/datasetTypes';
import { isJsonObject, jsonCells } from '../engine/data/jsonCells';
import { readJsonRecords } from '../engine/data/jsonRecords';
import { csvParserOptions, recordLineCounter } from '../engine/data/csvRecords';

/** Longest cell text sent to the webview; longer values end with an ellipsis. */
export const MAX_CELL_CHARS = 400;

export interface PreviewRequest {
  path: string;
  format: DatasetFormat;
  /** CSV/TSV: the delimiter the inspection found. */
  delimiter?: string;
  /** CSV/TSV: the first record is a header and is not shown as data. */
  hasHeader: boolean;
  /** Column names from the inspection: CSV fields are shown by position, JSON values by name. */
  columns: string[];
  /** First data row of the page (0-based). */
  offset: number;
  count: number;
}

export interface PreviewRow {
  line: number;
  cells: string[];
}

export interface PreviewRows {
  rows: PreviewRow[];
  /** True when the file ends within (or before) this page. */
  atEnd: boolean;
}

function clip(text: string): string {
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

/** Collects the rows of the page from a stream of records; `full` says when to stop reading. */
class PageCollector {
  private seen = 0;
  readonly rows: PreviewRow[] = [];
  constructor(private readonly offset: number, private readonly count: number) {}

  /** Takes the next data record; returns true once one record past the page was seen (so the file does not end here). */
  accept(line: number, cells: () => string[]): boolean {
    const index = this.seen++;
    if (index >= this.offset + this.count) return true;
    if (index >= this.offset) this.rows.push({ line, cells: cells().map(clip) });
    return false;
  }
}

/** What csv-parse emits with `raw: true`: the fields and the record's raw text. */
interface RawOutput {
  record: string[];
  raw: string;
}

function isRawOutput(value: unknown): value is RawOutput {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { record?: unknown; raw?: unknown };
  return Array.isArray(v.record) && v.record.every((f) => typeof f === 'string') && typeof v.raw === 'string';
}

async function readCsvPage(request: PreviewRequest, page: PageCollector): Promise<boolean> {
  const startOf = recordLineCounter();
  const skipped: { afterRecords: number; raw: string }[] = [];
  const options = csvParserOptions(request.delimiter ?? (request.format === 'tsv' ? '\t' : ','), (_err, raw) => {
    skipped.push({ afterRecords: parser.info.records, raw });
  });
  const parser = parse(options);
  const source = createReadStream(request.path);
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  let delivered = 0;
  let headerPending = request.hasHeader;
  const width = request.columns.length;
  try {
    for await (const output of parser) {
      if (!isRawOutput(output)) continue;
      while (skipped.length > 0 && skipped[0].afterRecords <= delivered) startOf(skipped.shift()?.raw ?? '');
      delivered++;
      const line = startOf(output.raw);
      const fields = output.record;
      if (fields.length === 1 && fields[0].trim() === '') continue;
      if (headerPending) {
        headerPending = false;
        continue;
      }
      const cells = (): string[] => Array.from({ length: width > 0 ? width : fields.length }, (_, i) => fields[i] ?? '');
      if (page.accept(line, cells)) return false;
    }
    return true;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

async function readJsonlPage(request: PreviewRequest, page: PageCollector): Promise<boolean> {
  const source = createReadStream(request.path);
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
      if (trimmed === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch {
        continue;
      }
      if (!isJsonObject(value)) continue;
      const values = jsonCells(value);
      if (page.accept(line, () => request.columns.map((c) => values.get(c) ?? ''))) return false;
    }
    return true;
  } finally {
    lines.close();
    source.destroy();
  }
}

/** A .json file is an array: it is parsed whole (as the engine does), and only the page is kept. */
async function readJsonPage(request: PreviewRequest, page: PageCollector): Promise<boolean> {
  const { size } = await stat(request.path);
  let more = false;
  await readJsonRecords(request.path, size, (record) => {
    if (more || record.kind !== 'object') return;
    if (page.accept(record.line, () => request.columns.map((c) => record.values.get(c) ?? ''))) more = true;
  });
  return !more;
}

export async function readPreviewRows(request: PreviewRequest): Promise<PreviewRows> {
  const page = new PageCollector(request.offset, request.count);
  const atEnd =
    request.format === 'jsonl'
      ? await readJsonlPage(request, page)
      : request.format === 'json'
        ? await readJsonPage(request, page)
        : await readCsvPage(request, page);
  return { rows: page.rows, atEnd };
}
