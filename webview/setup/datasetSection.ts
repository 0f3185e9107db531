// The "Data" section: what the file holds (summary, columns with their kinds and roles), the label
// and text column choice, the label distribution, and the problems at their lines.

import type { ColumnInfo, DatasetInspection } from '../../src/protocol/datasetTypes';
import type { SetupState } from '../../src/protocol/setupPanelProtocol';
import { columnPicker } from './columnPicker';
import { h, replaceChildren } from './dom';
import { formatBytes, formatInt, plural } from './format';
import { issueSlot } from './issues';
import { labelChart } from './labelChart';
import type { Send } from './messages';
import { problemsList } from './problemsList';

const TASK_NAMES: Record<string, string> = {
  'text-classification': 'text classification',
  'tabular-classification': 'tabular classification',
  'tabular-regression': 'tabular regression',
  'image-classification': 'image classification',
};

function summaryText(inspection: DatasetInspection): string {
  const usable = inspection.rows - inspection.skippedRows;
  if (inspection.format === 'image-folder') {
    const files = `${plural(inspection.rows, 'file')}${inspection.skippedRows > 0 ? ` (${formatInt(usable)} usable images)` : ''}`;
    return `Image folder · ${files} · ${plural(inspection.labelCounts.length, 'class', 'classes')} · ${formatBytes(inspection.bytes)} — image classification: predict each image's class (its sub-folder)`;
  }
  const parts = [
    inspection.format.toUpperCase(),
    `${plural(inspection.rows, 'row')}${inspection.skippedRows > 0 ? ` (${formatInt(usable)} usable)` : ''}`,
    plural(inspection.columns.length, 'column'),
    formatBytes(inspection.bytes),
  ];
  const task = inspection.task ? TASK_NAMES[inspection.task] : 'task unknown: no label column';
  const what =
    inspection.task === 'text-classification'
      ? `: predict "${inspection.label}" from "${inspection.text}"`
      : inspection.label
        ? `: predict "${inspection.label}" from the other columns`
        : '';
  return `${parts.join(' · ')} — ${task}${what}`;
}

/** How the engine will use a column (an approximation of its feature choice, for display). */
function roleOf(column: ColumnInfo, inspection: DatasetInspection): string {
  if (column.name === inspection.label) return 'label';
  if (inspection.task === 'image-classification') return column.name === inspection.image ? 'image input' : 'not used';
  if (inspection.task === 'text-classification') return column.name === inspection.text ? 'text input' : 'not used';
  if (column.kind === 'numeric' || column.kind === 'boolean') return 'input';
  if (column.kind === 'categorical' && column.distinct <= 50 && column.distinct < inspection.rows) return 'input';
  return 'not used';
}

function columnsTable(inspection: DatasetInspection): HTMLElement {
  const head = h('tr', {}, ...['Column', 'Kind', 'Role', 'Missing', 'Distinct'].map((t) => h('th', { scope: 'col' }, t)));
  const rows = inspection.columns.map((c) => {
    const role = roleOf(c, inspection);
    return h(
      'tr',
      { class: role === 'not used' ? 'unused' : '' },
      h('th', { scope: 'row' }, c.name),
      h('td', {}, h('span', { class: `kind kind-${c.kind}` }, c.kind)),
      h('td', { class: `role role-${role.replace(' ', '-')}` }, role),
      h('td', { class: 'num' }, formatInt(c.missing)),
      h('td', { class: 'num' }, c.distinct > 1000 ? '> 1,000' : formatInt(c.distinct)),
    );
  });
  return h('table', { class: 'columns-table' }, h('caption', { class: 'visually-hidden' }, 'Columns and their kinds'), h('thead', {}, head), h('tbody', {}, ...rows));
}

export interface Section {
  element: HTMLElement;
  update(state: SetupState): void;
}

export function datasetSection(send: Send): Section {
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const picker = columnPicker();
  const folderNote = h('p', { class: 'note', hidden: true }, 'Each image is labelled with the name of the sub-folder it is in; the preview lists the files.');
  const chart = h('div', { class: 'chart' });
  const columns = h('div', { class: 'columns' });
  const problems = h('div', { class: 'problems-box' });
  const datasetIssues = issueSlot(['dataset'], 'dataset-issues');
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'data-heading' },
    h('h2', { id: 'data-heading' }, 'Data'),
    summary,
    datasetIssues.element,
    h(
      'div',
      { class: 'two-up' },
      h('div', {}, h('h3', {}, 'Columns'), picker.element, folderNote, columns),
      h('div', {}, h('h3', { id: 'chart-heading' }, 'Label distribution'), chart),
    ),
    h('h3', { id: 'problems-heading' }, 'Problems'),
    problems,
  );
  let lastKey = '';
  return {
    element,
    update(state) {
      picker.update(state);
      const imageFolder = state.dataset.status === 'ready' && state.dataset.inspection.format === 'image-folder';
      picker.element.hidden = imageFolder;
      folderNote.hidden = !imageFolder;
      datasetIssues.update(state.issues);
      const dataset = state.dataset;
      if (dataset.status !== 'ready') {
        lastKey = '';
        const text = dataset.status === 'loading' ? `Reading ${state.file.name}…` : `${state.file.name} cannot be read.`;
        replaceChildren(summary, dataset.status === 'loading' ? h('vscode-progress-ring', { 'aria-hidden': 'true', class: 'inline-ring' }) : null, text);
        replaceChildren(chart);
        replaceChildren(columns);
        replaceChildren(problems, h('p', { class: 'note' }, dataset.status === 'loading' ? 'Checking every row…' : ''));
        return;
      }
      const inspection = dataset.inspection;
      const key = JSON.stringify(inspection);
      if (key === lastKey) return;
      lastKey = key;
      replaceChildren(summary, summaryText(inspection));
      replaceChildren(columns, columnsTable(inspection));
      replaceChildren(
        chart,
        inspection.task === 'tabular-regression'
          ? h('p', { class: 'note' }, `"${inspection.label}" is a number to predict (regression): no classes to count.`)
          : inspection.labelCounts.length > 0 && inspection.label
            ? labelChart(inspection.labelCounts, inspection.label)
            : h('p', { class: 'note' }, 'No label column yet.'),
      );
      replaceChildren(problems, problemsList(inspection, send));
    },
  };
}
