// Every setting of a run as a flat row ("lora.rank" → "8"), and the side-by-side view of several
// runs' settings with "only the differences": for comparison reports.

import type { RunRecord } from '../../protocol/runTypes';

export interface SettingRow {
  /** 'Dataset', 'Model', 'Training', 'Environment'. */
  group: string;
  /** Dotted name, e.g. 'lora.rank', 'dataset.fingerprint'. */
  key: string;
  value: string;
}

export interface SettingDiffRow {
  group: string;
  key: string;
  /** One value per run, '—' where a run lacks the setting. */
  values: string[];
  /** True when not every run has the same value. */
  differs: boolean;
}

export interface SettingDiff {
  rows: SettingDiffRow[];
  /** Settings left out because every run has the same value (0 unless only differences are asked for). */
  hiddenSame: number;
}

const MISSING = '—';

function show(value: unknown): string {
  if (value === null || value === undefined) return MISSING;
  if (Array.isArray(value)) return value.length === 0 ? '(default)' : value.map(show).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Leaves of a plain object as dotted keys, in insertion order; arrays are leaves. */
function flatten(prefix: string, value: unknown, out: [string, unknown][]): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(prefix ? `${prefix}.${key}` : key, inner, out);
  } else {
    out.push([prefix, value]);
  }
}

/** The settings of one run: dataset and split, model, technique and hyper-parameters, backend and versions. */
export function settingRows(run: RunRecord): SettingRow[] {
  const rows: SettingRow[] = [];
  const add = (group: string, key: string, value: unknown): void => void rows.push({ group, key, value: show(value) });
  const d = run.dataset;
  add('Dataset', 'dataset.path', d?.path ?? run.config.datasetPath);
  add('Dataset', 'dataset.fingerprint', d ? `sha256:${d.fingerprint.slice(0, 12)}` : null);
  add('Dataset', 'dataset.label', d?.label ?? run.config.labelColumn);
  add('Dataset', 'dataset.text', d?.text ?? run.config.textColumn);
  add('Dataset', 'dataset.split', d ? `${d.split.train} / ${d.split.validation} / ${d.split.test}` : null);
  add('Model', 'model', run.model?.source ?? run.config.model);
  add('Model', 'model.fingerprint', run.model ? `sha256:${run.model.fingerprint.slice(0, 12)}` : null);
  add('Model', 'technique', run.config.technique);
  const config: [string, unknown][] = [];
  const { datasetPath: _path, labelColumn: _label, textColumn: _text, model: _model, technique: _technique, ...rest } = run.config;
  flatten('', rest, config);
  for (const [key, value] of config) add('Training', key, value);
  add('Environment', 'backend', run.backend?.name ?? (run.config.backend ? `${run.config.backend} (asked for)` : null));
  add('Environment', 'tfjs', run.environment?.tfjs);
  add('Environment', 'node', run.environment ? `${run.environment.runtime} ${run.environment.node}` : null);
  add('Environment', 'platform', run.environment ? `${run.environment.platform}/${run.environment.arch}, ${run.environment.cpus} CPUs` : null);
  add('Environment', 'gitCommit', run.gitCommit?.slice(0, 12));
  return rows;
}

/** The runs' settings side by side, every key any run has, in first-seen order. */
export function diffSettings(runs: readonly RunRecord[], onlyDifferences: boolean): SettingDiff {
  const perRun = runs.map((run) => new Map(settingRows(run).map((row) => [row.key, row])));
  const order: { key: string; group: string }[] = [];
  const seen = new Set<string>();
  for (const map of perRun) {
    for (const row of map.values()) {
      if (seen.has(row.key)) continue;
      seen.add(row.key);
      order.push({ key: row.key, group: row.group });
    }
  }
  const all = order.map(({ key, group }) => {
    const values = perRun.map((map) => map.get(key)?.value ?? MISSING);
    return { group, key, values, differs: values.some((v) => v !== values[0]) };
  });
  const rows = onlyDifferences ? all.filter((row) => row.differs) : all;
  return { rows, hiddenSame: all.length - rows.length };
}
