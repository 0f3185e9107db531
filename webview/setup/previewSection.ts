// The data preview: one page of rows (only these were read from the file), in a toolkit data
// grid with keyboard navigation; rows with a problem are marked; Previous / Next page.

import type { DatasetProblem } from '../../src/protocol/datasetTypes';
import type { PreviewPage } from '../../src/protocol/setupPanelProtocol';
import { h, replaceChildren, setText, toggleAttr } from './dom';
import { formatInt } from './format';
import type { Send } from './messages';
import type { Section } from './datasetSection';

function gridFor(page: PreviewPage, problemsByLine: Map<number, DatasetProblem[]>): HTMLElement {
  const columns = ['Line', ...page.columns];
  const template = ['5em', ...page.columns.map(() => 'minmax(8em, 1fr)')].join(' ');
  const grid = h('vscode-data-grid', { 'aria-label': 'Data preview', 'grid-template-columns': template, 'generate-header': 'none' });
  const header = h('vscode-data-grid-row', { 'row-type': 'sticky-header' });
  columns.forEach((name, i) => header.appendChild(h('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': String(i + 1), title: name }, name)));
  grid.appendChild(header);
  for (const row of page.rows) {
    const problems = problemsByLine.get(row.line) ?? [];
    const worst = problems.some((p) => p.severity === 'error') ? 'error' : problems.length > 0 ? 'warning' : '';
    const r = h('vscode-data-grid-row', { class: worst ? `row-${worst}` : undefined });
    const lineTitle = problems.length > 0 ? problems.map((p) => p.message).join('\n') : `Line ${row.line}`;
    r.appendChild(
      h(
        'vscode-data-grid-cell',
        { 'grid-column': '1', title: lineTitle, class: 'line-cell', 'aria-label': problems.length > 0 ? `Line ${row.line}, ${worst === 'error' ? 'skipped' : 'warning'}` : undefined },
        `${worst === 'error' ? '✕ ' : worst === 'warning' ? '! ' : ''}${row.line}`,
      ),
    );
    row.cells.forEach((cell, i) => r.appendChild(h('vscode-data-grid-cell', { 'grid-column': String(i + 2), title: cell }, cell)));
    grid.appendChild(r);
  }
  return grid;
}

export function previewSection(send: Send): Section {
  const status = h('p', { class: 'note', 'aria-live': 'polite' });
  const holder = h('div', { class: 'grid-holder' });
  const previous = h('vscode-button', { appearance: 'secondary', 'aria-label': 'Previous page of rows' }, 'Previous');
  const next = h('vscode-button', { appearance: 'secondary', 'aria-label': 'Next page of rows' }, 'Next');
  const pager = h('div', { class: 'pager' }, previous, next, status);
  let page: PreviewPage | null = null;
  previous.addEventListener('click', () => {
    if (page && page.offset > 0) send({ type: 'setup/showRows', payload: { offset: Math.max(0, page.offset - page.pageSize) } });
  });
  next.addEventListener('click', () => {
    if (page && !page.atEnd) send({ type: 'setup/showRows', payload: { offset: page.offset + page.pageSize } });
  });
  const element = h('section', { class: 'card', 'aria-labelledby': 'preview-heading' }, h('h2', { id: 'preview-heading' }, 'Preview'), pager, holder);
  let lastKey = '';
  return {
    element,
    update(state) {
      const preview = state.preview;
      if (preview.status !== 'ready') {
        page = null;
        toggleAttr(previous, 'disabled', true);
        toggleAttr(next, 'disabled', true);
        setText(status, preview.status === 'loading' ? 'Loading the first rows…' : `The preview cannot be shown: ${preview.reason}`);
        if (lastKey !== '') replaceChildren(holder);
        lastKey = '';
        return;
      }
      page = preview.page;
      const problems = state.dataset.status === 'ready' ? state.dataset.inspection.problems : [];
      const key = JSON.stringify([page, problems.length]);
      toggleAttr(previous, 'disabled', page.offset === 0);
      toggleAttr(next, 'disabled', page.atEnd);
      const first = page.offset + 1;
      const last = page.offset + page.rows.length;
      setText(
        status,
        page.rows.length === 0
          ? 'No data rows to show.'
          : `Rows ${formatInt(first)}–${formatInt(last)}${page.total !== null ? ` of ${formatInt(page.total)}` : ''} (read from the file as shown)`,
      );
      if (key === lastKey) return;
      lastKey = key;
      const byLine = new Map<number, DatasetProblem[]>();
      for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);
      replaceChildren(holder, gridFor(page, byLine));
    },
  };
}
