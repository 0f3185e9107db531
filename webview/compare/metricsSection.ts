// The metrics table: one column per run, one row per figure, the best value of each row marked.
// A row header orders the runs by that row (again: the other way round); exports go to the host.

import type { CompareState, CompareUpMessage, MetricRow, TableSort } from '../../src/protocol/comparePanelProtocol';
import { custom, el, replaceChildren } from '../shared/dom';
import { formatMetric } from './format';
import { runHeaderCell } from './runHeader';

function nextSort(current: TableSort | null, row: string): TableSort | null {
  if (current?.row !== row) return { row, bestFirst: true };
  return current.bestFirst ? { row, bestFirst: false } : null;
}

function sortLabel(row: MetricRow, sort: TableSort | null): string {
  if (sort?.row !== row.key) return '';
  if (row.direction === 'none') return sort.bestFirst ? '▼ largest first' : '▲ smallest first';
  return sort.bestFirst ? '▼ best first' : '▲ best last';
}

function ariaSort(row: MetricRow, sort: TableSort | null): string | false {
  if (sort?.row !== row.key) return false;
  const descending = row.direction === 'lower' ? !sort.bestFirst : sort.bestFirst;
  return descending ? 'descending' : 'ascending';
}

export class MetricsSection {
  private readonly body = el('div', { class: 'table-scroll' });
  private readonly clear = custom('vscode-button', { appearance: 'secondary', 'data-focus': 'clear-sort' }, 'Original Order');
  private sort: TableSort | null = null;

  constructor(root: HTMLElement, private readonly post: (m: CompareUpMessage) => void) {
    const csv = custom('vscode-button', { appearance: 'secondary' }, 'Export CSV…');
    const md = custom('vscode-button', { appearance: 'secondary' }, 'Export Markdown…');
    csv.addEventListener('click', () => post({ type: 'compare/exportTable', payload: { format: 'csv' } }));
    md.addEventListener('click', () => post({ type: 'compare/exportTable', payload: { format: 'markdown' } }));
    this.clear.addEventListener('click', () => post({ type: 'compare/sortBy', payload: { sort: null } }));
    root.append(
      el('div', { class: 'section-head' }, el('h2', { id: 'metrics-title' }, 'Metrics'), el('div', { class: 'actions' }, this.clear, csv, md)),
      el('p', { class: 'hint muted' }, 'The best value of each row is highlighted. Choose a metric to order the runs by it.'),
      this.body,
    );
  }

  update(state: CompareState, colors: readonly string[]): void {
    this.sort = state.sort;
    this.clear.hidden = state.sort === null;
    if (state.runs.length === 0) {
      replaceChildren(this.body, el('p', { class: 'muted' }, 'No runs to compare: add runs with Add Runs….'));
      return;
    }
    const head = el(
      'tr',
      {},
      el('th', { scope: 'col', class: 'row-head-col' }, 'Metric'),
      ...state.runs.map((run, i) => runHeaderCell(run, colors[i], this.post, true)),
    );
    const rows: HTMLTableRowElement[] = [];
    let group = '';
    for (const row of state.metrics) {
      if (row.group !== group) {
        group = row.group;
        rows.push(el('tr', { class: 'group-row' }, el('th', { scope: 'rowgroup', colspan: String(state.runs.length + 1) }, group)));
      }
      rows.push(this.row(row));
    }
    const table = el(
      'table',
      { class: 'metrics', 'aria-label': 'Metrics' },
      el('thead', {}, head),
      el('tbody', {}, ...(rows.length > 0 ? rows : [el('tr', {}, el('td', { colspan: String(state.runs.length + 1), class: 'muted' }, 'These runs have no metrics yet.'))])),
    );
    replaceChildren(this.body, table);
  }

  private row(row: MetricRow): HTMLTableRowElement {
    const button = el(
      'button',
      { type: 'button', class: 'sort', title: 'Order the runs by this row', 'data-focus': `sort:${row.key}` },
      row.label,
      el('span', { class: 'sort-state' }, sortLabel(row, this.sort)),
    );
    button.addEventListener('click', () => this.post({ type: 'compare/sortBy', payload: { sort: nextSort(this.sort, row.key) } }));
    const header = el('th', { scope: 'row', 'aria-sort': ariaSort(row, this.sort) }, button);
    const cells = row.values.map((value, i) => {
      const best = row.best.includes(i);
      return el('td', { class: best ? 'best' : '' }, formatMetric(value, row.format), best ? el('span', { class: 'sr-only' }, ' (best)') : null);
    });
    return el('tr', {}, header, ...cells);
  }
}
