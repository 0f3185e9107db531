// The metrics table as CSV (raw numbers, for spreadsheets) and as Markdown (formatted, best values
// in bold, and the configuration differences), in the panel's column order. Pure.

import type { CompareRunColumn, ConfigRow, MetricRow } from '../protocol/comparePanelProtocol';
import { formatMetric } from './compareFormat';

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvNumber(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '' : String(value);
}

/** Column titles: run names, with the id added where two runs share a name. */
export function columnTitles(runs: readonly CompareRunColumn[]): string[] {
  return runs.map((r) => (runs.filter((o) => o.name === r.name).length > 1 ? `${r.name} (${r.ref.runId})` : r.name));
}

export function tableToCsv(runs: readonly CompareRunColumn[], rows: readonly MetricRow[]): string {
  const lines = [
    ['Group', 'Metric', ...columnTitles(runs)],
    ['', 'Run id', ...runs.map((r) => r.ref.runId)],
    ...rows.map((row) => [row.group, row.label, ...row.values.map(csvNumber)]),
  ];
  return `${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(head: readonly string[], body: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.map(mdCell).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...body.map((cells) => `| ${cells.join(' | ')} |`),
  ];
}

export function tableToMarkdown(runs: readonly CompareRunColumn[], rows: readonly MetricRow[], config: readonly ConfigRow[] = []): string {
  const titles = columnTitles(runs);
  const out: string[] = ['# Run comparison', ''];
  out.push(`Runs: ${runs.map((r, i) => `${titles[i]} (\`${r.ref.runId}\`)`).join(', ')}.`, '');
  const groups = [...new Set(rows.map((r) => r.group))];
  for (const group of groups) {
    out.push(`## ${group}`, '');
    const body = rows
      .filter((r) => r.group === group)
      .map((r) => [mdCell(r.label), ...r.values.map((v, i) => {
        const text = mdCell(formatMetric(v, r.format));
        return r.best.includes(i) ? `**${text}**` : text;
      })]);
    out.push(...mdTable(['Metric', ...titles], body), '');
  }
  const differing = config.filter((c) => c.differs);
  if (runs.length > 1) {
    out.push('## Configuration differences', '');
    if (differing.length === 0) out.push('The runs have the same configuration.', '');
    else out.push(...mdTable(['Setting', ...titles], differing.map((c) => [mdCell(c.label), ...c.values.map(mdCell)])), '');
  }
  out.push('Best values in **bold**.', '');
  return out.join('\n');
}
