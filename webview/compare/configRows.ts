// The rows of the configuration table: all settings or only those that differ, each group's
// header before its first row. Pure.

import type { ConfigRow } from '../../src/protocol/comparePanelProtocol';

export type ConfigLine = { group: string } | ConfigRow;

export function visibleRows(rows: readonly ConfigRow[], onlyDifferences: boolean): ConfigLine[] {
  const out: ConfigLine[] = [];
  let group = '';
  for (const row of rows) {
    if (onlyDifferences && !row.differs) continue;
    if (row.group !== group) {
      group = row.group;
      out.push({ group });
    }
    out.push(row);
  }
  return out;
}
