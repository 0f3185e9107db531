// finetune inspect <dataset> [--label] [--text] [--json]

import * as path from 'node:path';
import { inspectDataset } from '../../engine/data/inspectDataset';
import { flag, requirePositional, stringOption } from '../cliArgs';
import type { CliContext } from '../cliContext';
import { formatTable } from '../formatEvaluation';

export async function inspectCommand(ctx: CliContext): Promise<number> {
  const file = path.resolve(requirePositional(ctx.cli, 0, 'the dataset file', 'finetune inspect <dataset> [--label COL] [--json]'));
  const inspection = await inspectDataset(file, { label: stringOption(ctx.cli, 'label') ?? null, text: stringOption(ctx.cli, 'text') ?? null });
  if (flag(ctx.cli, 'json')) {
    ctx.out(`${JSON.stringify(inspection, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${inspection.path}`,
    inspection.format === 'image-folder'
      ? `format image-folder (one sub-folder per class), ${inspection.rows} files, ${inspection.skippedRows} skipped`
      : `format ${inspection.format}${inspection.delimiter ? ` (delimiter ${JSON.stringify(inspection.delimiter)})` : ''}, ${inspection.hasHeader ? 'header row' : 'no header'}, ${inspection.rows} rows, ${inspection.skippedRows} skipped`,
    `task: ${inspection.task ?? 'unknown'}; label: ${inspection.label ?? 'none'} (${inspection.labelReason})${inspection.text ? `; text: ${inspection.text}` : ''}${inspection.image ? `; images: ${inspection.image}` : ''}`,
    '',
    formatTable([
      ['column', 'kind', 'distinct', 'missing', 'label?'],
      ...inspection.columns.map((c) => [c.name, c.kind, String(c.distinct), String(c.missing), c.labelCandidate ? 'yes' : '']),
    ]),
  ];
  if (inspection.labelCounts.length > 0) {
    lines.push('', formatTable([['class', 'rows'], ...inspection.labelCounts.map((l) => [l.label, String(l.count)])]));
  }
  if (inspection.problems.length > 0) {
    const total = Object.values(inspection.problemCounts).reduce((a, b) => a + (b ?? 0), 0);
    lines.push('', `${total} problem${total === 1 ? '' : 's'}:`);
    for (const p of inspection.problems.slice(0, 30)) {
      const where = p.path ? path.relative(process.cwd(), p.path) : p.line > 0 ? `${path.basename(file)}:${p.line}` : path.basename(file);
      lines.push(`  ${where} ${p.severity} ${p.kind}: ${p.message}`);
    }
    if (inspection.problems.length > 30 || inspection.problemsTruncated) lines.push(`  … more: run with --json for the full list`);
  }
  lines.push('', `fingerprint sha256:${inspection.fingerprint}`);
  ctx.out(`${lines.join('\n')}\n`);
  return 0;
}
