// The dataset's problems, each with its line as a link that opens the file at that line.

import type { DatasetInspection, DatasetProblem } from '../../src/protocol/datasetTypes';
import { h } from './dom';
import { formatInt, plural } from './format';
import type { Send } from './messages';

/** Singular and plural names of each problem kind, for "1 duplicate row, 3 missing labels". */
const KIND_NAMES: Record<string, [string, string]> = {
  'unparsable-record': ['unparsable record', 'unparsable records'],
  'wrong-field-count': ['row with the wrong field count', 'rows with the wrong field count'],
  'missing-label': ['missing label', 'missing labels'],
  'empty-text': ['empty text', 'empty texts'],
  'non-numeric-value': ['non-numeric value', 'non-numeric values'],
  'duplicate-row': ['duplicate row', 'duplicate rows'],
  'split-leakage': ['leak between splits', 'leaks between splits'],
  'too-few-examples': ['class with too few examples', 'classes with too few examples'],
  'class-imbalance': ['class imbalance', 'class imbalances'],
  'no-usable-rows': ['file with no usable rows', 'files with no usable rows'],
};

function kindName(kind: string, n: number): string {
  const names = KIND_NAMES[kind];
  return names ? names[n === 1 ? 0 : 1] : kind;
}

function problemItem(problem: DatasetProblem, send: Send): HTMLElement {
  const severity = h('span', { class: `severity ${problem.severity}` }, problem.severity === 'error' ? 'Error' : 'Warning');
  if (problem.line <= 0) return h('li', { class: 'problem' }, severity, h('span', { class: 'problem-text' }, problem.message));
  const link = h('a', { href: '#', class: 'line-link', 'aria-label': `Open line ${problem.line} in the file: ${problem.message}` }, `Line ${formatInt(problem.line)}`);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    send({ type: 'setup/openLine', payload: { line: problem.line } });
  });
  // The link says the line; the message need not say it again.
  const text = problem.message.replace(new RegExp(`^Line ${problem.line}:? `), '');
  return h('li', { class: 'problem' }, severity, link, h('span', { class: 'problem-text' }, text.charAt(0).toUpperCase() + text.slice(1)));
}

export function problemsList(inspection: DatasetInspection, send: Send): HTMLElement {
  const counts = Object.entries(inspection.problemCounts).filter(([, n]) => (n ?? 0) > 0);
  const total = counts.reduce((s, [, n]) => s + (n ?? 0), 0);
  if (total === 0) return h('p', { class: 'ok' }, 'No problems found: every row can be used.');
  const summary = counts.map(([kind, n]) => `${formatInt(n ?? 0)} ${kindName(kind, n ?? 0)}`).join(', ');
  const skipped = inspection.skippedRows > 0 ? ` ${plural(inspection.skippedRows, 'row')} will be skipped.` : '';
  const list = h('ul', { class: 'problems', 'aria-label': 'Dataset problems' });
  for (const p of inspection.problems) list.appendChild(problemItem(p, send));
  return h(
    'div',
    {},
    h('p', { class: 'problem-summary' }, `${plural(total, 'problem')}: ${summary}.${skipped}`),
    list,
    inspection.problemsTruncated ? h('p', { class: 'note' }, `Showing the first ${formatInt(inspection.problems.length)}; run "finetune inspect" for all of them.`) : null,
  );
}
