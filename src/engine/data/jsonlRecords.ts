// Streams the records of a JSON Lines file: one JSON object per line, blank lines ignored.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { HashingStream } from './fingerprint';
import { describeJsonValue, isJsonObject, jsonCells } from './jsonCells';
import type { ReadSummary, RecordSink } from './rawRecord';

export async function readJsonlRecords(path: string, sink: RecordSink): Promise<ReadSummary> {
  const hashing = new HashingStream();
  const source = createReadStream(path);
  source.on('error', (err) => hashing.destroy(err));
  source.pipe(hashing);
  const lines = createInterface({ input: hashing, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (trimmed === '') continue;
    sink(parseLine(trimmed, line));
  }
  return { fingerprint: hashing.digest(), bytes: hashing.bytes };
}

function parseLine(text: string, line: number): Parameters<RecordSink>[0] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { kind: 'error', line, message: `this line is not valid JSON (${reason}). Fix the line or remove it.` };
  }
  if (!isJsonObject(value)) {
    return {
      kind: 'error',
      line,
      message: `this line holds ${describeJsonValue(value)}, not a JSON object. Write one object per line, like {"text": "...", "label": "..."}.`,
    };
  }
  return { kind: 'object', line, values: jsonCells(value) };
}
