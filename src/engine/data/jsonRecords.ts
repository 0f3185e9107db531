// Reads a JSON file holding an array of objects (the whole file at once), with each object's line.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DatasetError } from './datasetError';
import { jsonArrayElementLines } from './jsonElementLines';
import { describeJsonValue, isJsonObject, jsonCells } from './jsonCells';
import { countLineBreaks } from './lineBreaks';
import type { ReadSummary, RecordSink } from './rawRecord';

/** Largest .json file read whole; larger data belongs in JSON Lines. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

export async function readJsonRecords(path: string, size: number, sink: RecordSink): Promise<ReadSummary> {
  if (size > MAX_JSON_BYTES) {
    throw new DatasetError(
      `The JSON dataset is ${Math.round(size / (1024 * 1024))} MB, too large to read at once`,
      path,
      'Convert it to JSON Lines (.jsonl, one object per line), which is read as a stream.',
    );
  }
  const bytes = await readFile(path);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const summary = { fingerprint: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  if (text.trim() === '') return summary;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatasetError(`The JSON dataset is not valid JSON: ${reason}`, path, 'Fix the JSON syntax, or save the data as JSON Lines.', errorLine(text, reason));
  }
  if (!Array.isArray(parsed)) {
    throw new DatasetError(
      `The JSON dataset holds ${describeJsonValue(parsed)}, not an array of objects`,
      path,
      'Write the records as an array, like [{"text": "...", "label": "..."}, ...], or use JSON Lines.',
      1,
    );
  }
  const lines = jsonArrayElementLines(text);
  parsed.forEach((element: unknown, index) => {
    const line = lines[index] ?? 0;
    if (isJsonObject(element)) sink({ kind: 'object', line, values: jsonCells(element) });
    else sink({ kind: 'error', line, message: `array element ${index + 1} is ${describeJsonValue(element)}, not an object. Make every element an object or remove it.` });
  });
  return summary;
}

/** The line of a JSON.parse error, from the "position N" or "line N" in its message. */
function errorLine(text: string, reason: string): number | undefined {
  const lineMatch = /line (\d+)/.exec(reason);
  if (lineMatch) return Number(lineMatch[1]);
  const positionMatch = /position (\d+)/.exec(reason);
  if (positionMatch) return countLineBreaks(text.slice(0, Number(positionMatch[1]))) + 1;
  return undefined;
}
