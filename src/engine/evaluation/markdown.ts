// Small Markdown helpers for report.md: table cells, tables, numbers.

/** Makes text safe inside a Markdown table cell: pipes escaped, line breaks flattened. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

/** Text shown in `code` spans: backticks would end the span, so a longer fence is used when needed. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const fence = flat.includes('`') ? '`` ' : '`';
  const close = flat.includes('`') ? ' ``' : '`';
  return `${fence}${flat}${close}`;
}

/** A Markdown table. Cells are escaped; `align` per column: 'l' (default) or 'r'. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${headers.map((_, i) => (align[i] === 'r' ? '---:' : '---')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** A metric value: integers as they are, 4 decimals below 100, 2 above, exponent when tiny; '—' for none. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(2);
  if (abs >= 0.001) return value.toFixed(4);
  return value.toExponential(2);
}

/** A count with thousands separators (en-US, so reports do not depend on the machine's locale). */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Signed difference, e.g. "+0.0123". */
export function formatChange(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value > 0 ? `+${formatNumber(value)}` : value < 0 ? `−${formatNumber(-value)}` : '0';
}

/** Seconds as "1h 02m", "3m 12s" or "45.2s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

/** A Markdown image of a file beside the document; targets with spaces or parentheses are bracketed. */
export function image(alt: string, file: string): string {
  const target = /^[^\s()<>]+$/.test(file) ? file : `<${file.replace(/[<>]/g, '')}>`;
  return `![${alt.replace(/[[\]]/g, '')}](${target})`;
}
