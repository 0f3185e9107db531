// Opens a dataset file by its extension: checks that it is text, finds the CSV delimiter, and
// gives a reader that streams its records (as many times as asked).

import { extname } from 'node:path';
import type { DatasetFormat } from '../../protocol/datasetTypes';
import { readCsvRecords } from './csvRecords';
import { DatasetError } from './datasetError';
import { sniffDelimiter } from './delimiterSniffer';
import { assertLooksLikeText, readFileHead } from './fileHead';
import { readJsonRecords } from './jsonRecords';
import { readJsonlRecords } from './jsonlRecords';
import type { RawRecord, ReadSummary, RecordSink } from './rawRecord';

/** Bytes of the file start used to find the delimiter. */
const SNIFF_BYTES = 64 * 1024;

export interface DatasetSource {
  format: DatasetFormat;
  /** CSV/TSV only. */
  delimiter?: string;
  /** Streams every record to the sink, in file order. */
  read(sink: RecordSink): Promise<ReadSummary>;
}

export async function openDatasetSource(path: string): Promise<DatasetSource> {
  const extension = extname(path).toLowerCase();
  const kind = formatOfExtension(extension);
  if (kind === null) {
    throw new DatasetError(
      `Unknown dataset format "${extension || '(no extension)'}"`,
      path,
      'Use a .csv, .tsv, .txt (delimited), .jsonl or .json file.',
    );
  }
  const head = await readFileHead(path, SNIFF_BYTES);
  assertLooksLikeText(head.bytes, path);
  if (kind === 'jsonl') return { format: 'jsonl', read: (sink) => readJsonlRecords(path, sink) };
  if (kind === 'json') return cachedJsonSource(path, head.size);
  const sample = new TextDecoder('utf-8').decode(head.bytes).replace(/^\uFEFF/, '');
  const delimiter = sniffDelimiter(sample, head.bytes.length === head.size, kind === 'tsv' ? '\t' : ',');
  return {
    format: delimiter === '\t' ? 'tsv' : 'csv',
    delimiter,
    read: (sink) => readCsvRecords(path, delimiter, sink),
  };
}

function formatOfExtension(extension: string): 'csv' | 'tsv' | 'jsonl' | 'json' | null {
  switch (extension) {
    case '.csv':
    case '.txt':
      return 'csv';
    case '.tsv':
    case '.tab':
      return 'tsv';
    case '.jsonl':
    case '.ndjson':
      return 'jsonl';
    case '.json':
      return 'json';
    default:
      return null;
  }
}

/** A .json file is read whole once; later passes replay its records. */
function cachedJsonSource(path: string, size: number): DatasetSource {
  let cache: { records: RawRecord[]; summary: ReadSummary } | null = null;
  return {
    format: 'json',
    read: async (sink) => {
      if (cache === null) {
        const records: RawRecord[] = [];
        const summary = await readJsonRecords(path, size, (r) => records.push(r));
        cache = { records, summary };
      }
      for (const record of cache.records) sink(record);
      return cache.summary;
    },
  };
}
