// The label distribution as a horizontal bar chart built from DOM elements: a list, so screen
// readers read each class with its count; bars coloured with VS Code's chart colours.

import type { LabelCount } from '../../src/protocol/datasetTypes';
import { h } from './dom';
import { formatInt, formatPercent } from './format';

/** Classes drawn; the rest are summed into one line. */
const MAX_BARS = 20;

export function labelChart(counts: readonly LabelCount[], label: string): HTMLElement {
  const total = counts.reduce((n, c) => n + c.count, 0);
  const shown = counts.slice(0, MAX_BARS);
  const rest = counts.slice(MAX_BARS);
  const max = Math.max(1, ...shown.map((c) => c.count));
  const list = h('ul', { class: 'bars', 'aria-label': `Label distribution of "${label}": ${counts.length} classes, ${formatInt(total)} rows` });
  shown.forEach((c, i) => {
    const bar = h('span', { class: `bar tone-${i % 6}`, 'aria-hidden': 'true' });
    bar.style.width = `${Math.max(0.5, (100 * c.count) / max)}%`;
    list.appendChild(
      h(
        'li',
        { class: 'bar-row' },
        h('span', { class: 'bar-name', title: c.label }, c.label === '' ? '(empty)' : c.label),
        h('span', { class: 'bar-track' }, bar),
        h('span', { class: 'bar-value' }, `${formatInt(c.count)} · ${formatPercent(c.count, total)}`),
      ),
    );
  });
  if (rest.length > 0) {
    const n = rest.reduce((s, c) => s + c.count, 0);
    list.appendChild(h('li', { class: 'bar-row more' }, `${rest.length} more classes: ${formatInt(n)} rows (${formatPercent(n, total)})`));
  }
  return list;
}
