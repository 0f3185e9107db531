// The configuration of several runs side by side: one row per setting, marked when the runs
// differ. Only Differences keeps the marked rows. Pure.

import type { ConfigRow } from '../protocol/comparePanelProtocol';
import type { RunRecord } from '../protocol/runTypes';
import { flattenConfig, shortFingerprint, type ConfigEntry } from './compareConfigFlatten';

const FINGERPRINT_KEYS = new Set(['dataset.fingerprint', 'model.fingerprint']);

/** Rows of every setting any run has, in the order of the first run that has it. */
export function diffConfigs(runs: readonly RunRecord[]): ConfigRow[] {
  const flat = runs.map((run) => new Map(flattenConfig(run).map((e) => [e.key, e])));
  const order: ConfigEntry[] = [];
  const seen = new Set<string>();
  for (const entries of flat) {
    for (const entry of entries.values()) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      order.push(entry);
    }
  }
  return order.map((first) => {
    const raw = flat.map((entries) => entries.get(first.key)?.value ?? '—');
    const differs = raw.some((v) => v !== raw[0]);
    // Fingerprints compare in full but are shown short.
    const values = FINGERPRINT_KEYS.has(first.key) ? raw.map((v) => (v === '—' ? v : shortFingerprint(v))) : raw;
    return { key: first.key, group: first.group, label: first.label, values, differs };
  });
}

/** The rows shown: all of them, or only those that differ. */
export function visibleConfigRows(rows: readonly ConfigRow[], onlyDifferences: boolean): ConfigRow[] {
  return onlyDifferences ? rows.filter((r) => r.differs) : [...rows];
}
