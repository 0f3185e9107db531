// Small real datasets for the scenarios, written into the fresh workspace folder.

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeTabularCsv } from '../../unit/helpers/fixtures';

/** The physical line (1-based, the header is line 1) of the malformed row in `tabularWithOneBadRow`. */
export const BAD_ROW_LINE = 10;
export const TABULAR_FILE = 'tabular.csv';

/**
 * The unit tests' tabular CSV (four numeric features, a categorical colour, a yes/no label that a
 * linear rule separates: the MLP learns it in a few epochs), with line 10 replaced by a row of 3 fields
 * where 6 are expected. Returns the file's path.
 */
export function tabularWithOneBadRow(workspace: string, rows = 60): string {
  const file = writeTabularCsv(workspace, rows);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[BAD_ROW_LINE - 1] = '1.0,oops,3';
  writeFileSync(file, lines.join('\n'));
  return file;
}

export const BROKEN_FILE = 'broken.csv';

/** A CSV where no row can be used: every record has the wrong number of fields. */
export function everyRowMalformed(workspace: string): string {
  const lines = ['age,income,city,label'];
  for (let i = 0; i < 12; i++) lines.push(i % 2 === 0 ? `${20 + i},${1000 * i}` : `${20 + i},${1000 * i},Paris,yes,extra,fields`);
  const file = path.join(workspace, BROKEN_FILE);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
