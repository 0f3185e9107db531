// Streams the records of a CSV/TSV file through csv-parse, each with the physical line where it starts.

import { parse, type CsvError, type Options } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingStream } from './fingerprint';
import { countLeadingLineBreaks, countLineBreaks } from './lineBreaks';
import type { ReadSummary, RecordSink } from './rawRecord';

/** Largest record, in characters; beyond it the parser stops (an unclosed quote swallowing the file). */
const MAX_RECORD_CHARS = 32 * 1024 * 1024;

/** With `raw: true`, csv-parse emits each record with its raw text. */
interface RawOutput {
  readonly record: string[];
  readonly raw: string;
}

/** csv-parse 5 options, with the `on_skip` hook its typings leave out. */
interface CsvOptions extends Options {
  on_skip: (err: CsvError | undefined, raw: string | undefined) => void;
}

/**
 * The csv-parse options every reader of datasets uses: raw records (for line counting), BOM,
 * relaxed quotes and field counts (checked later, with their line), any line break, bad records
 * skipped and handed to `onSkip`.
 */
export function csvParserOptions(delimiter: string, onSkip: (err: CsvError | undefined, raw: string) => void): CsvOptions {
  return {
    delimiter,
    bom: true,
    raw: true,
    quote: '"',
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_CHARS,
    on_skip: (err, raw) => onSkip(err, raw ?? ''),
  };
}

/**
 * Start lines of consecutive raw records. csv-parse's own line counter miscounts "\r\n" inside
 * quotes, so lines are counted from each record's raw text, which starts with the blank lines
 * skipped before it. Call it for every record, skipped ones included, in file order.
 */
export function recordLineCounter(): (raw: string) => number {
  let nextLine = 1;
  return (raw: string): number => {
    const start = nextLine + countLeadingLineBreaks(raw);
    nextLine += countLineBreaks(raw);
    return start;
  };
}

/** A record csv-parse skipped, and how many records it had emitted before. */
interface Skipped {
  afterRecords: number;
  raw: string;
  err: CsvError | undefined;
}

export async function readCsvRecords(path: string, delimiter: string, sink: RecordSink): Promise<ReadSummary> {
  const startOf = recordLineCounter();
  // Skips are reported by a callback while records flow through the stream: they are queued
  // with their position and delivered in order.
  const skipped: Skipped[] = [];
  let delivered = 0;
  const deliverSkips = (): void => {
    while (skipped.length > 0 && skipped[0].afterRecords <= delivered) {
      const { raw, err } = skipped.shift() as Skipped;
      sink({ kind: 'error', line: startOf(raw), message: describeCsvError(err) });
    }
  };
  const options = csvParserOptions(delimiter, (err, raw) => {
    skipped.push({ afterRecords: parser.info.records, raw, err });
  });
  const parser = parse(options);
  const consume = new Writable({
    objectMode: true,
    highWaterMark: 256,
    write: (output: RawOutput, _encoding: BufferEncoding, callback: (error?: Error | null) => void) => {
      try {
        deliverSkips();
        sink({ kind: 'fields', line: startOf(output.raw), fields: output.record });
        delivered++;
        callback();
      } catch (err) {
        callback(err instanceof Error ? err : new Error(String(err)));
      }
    },
  });
  const hashing = new HashingStream();
  await pipeline(createReadStream(path), hashing, parser, consume);
  deliverSkips();
  for (const rest of skipped.splice(0)) {
    sink({ kind: 'error', line: startOf(rest.raw), message: describeCsvError(rest.err) });
  }
  return { fingerprint: hashing.digest(), bytes: hashing.bytes };
}

function describeCsvError(err: CsvError | undefined): string {
  switch (err?.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field starting here is never closed, so the record runs to the end of the file (the file may be truncated). Close the quote or remove the record.';
    case 'CSV_MAX_RECORD_SIZE':
      return `the record starting here is longer than ${MAX_RECORD_CHARS / (1024 * 1024)} MB, most likely because of an unclosed quote; the rest of the file was not read. Close the quote or remove the record.`;
    default:
      return `the record starting here cannot be parsed (${err?.message ?? 'unknown error'}). Fix its quoting or remove it.`;
  }
}
