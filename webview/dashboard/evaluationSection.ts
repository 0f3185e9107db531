// The test-split evaluation once the run is done: metrics, per-class table and the confusion
// matrix as a heat-map grid (row-normalised colour, counts as text).

import type { ClassificationEvaluation, Evaluation, RegressionEvaluation } from '../../src/protocol/runTypes';
import { el, replaceChildren } from '../shared/dom';
import { formatCount, formatPercent, formatValue } from './format';

function metricsTable(rows: [string, string][], caption: string): HTMLTableElement {
  return el(
    'table',
    { class: 'metrics-table' },
    el('caption', {}, caption),
    el('tbody', {}, ...rows.map(([name, value]) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, value)))),
  );
}

function classificationMetrics(e: ClassificationEvaluation): HTMLElement[] {
  const metrics = metricsTable(
    [
      ['Accuracy', `${formatValue(e.accuracy)} (${formatPercent(e.accuracy)})`],
      ['Macro-F1', formatValue(e.macroF1)],
      ['Loss', formatValue(e.loss)],
      ['Test rows', formatCount(e.rows)],
      ['Checkpoint', e.checkpoint],
    ],
    'Test metrics',
  );
  const head = el('tr', {}, ...['Class', 'Precision', 'Recall', 'F1', 'Support'].map((h) => el('th', { scope: 'col' }, h)));
  const perClass = el(
    'table',
    { class: 'per-class' },
    el('caption', {}, 'Per class'),
    el('thead', {}, head),
    el(
      'tbody',
      {},
      ...e.perClass.map((c) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, c.label),
          el('td', {}, formatValue(c.precision)),
          el('td', {}, formatValue(c.recall)),
          el('td', {}, formatValue(c.f1)),
          el('td', {}, formatCount(c.support)),
        ),
      ),
    ),
  );
  return [el('div', { class: 'eval-tables' }, metrics, perClass), confusionMatrix(e)];
}

/** Rows: true class; columns: predicted class. Colour: share of the row; diagonal in the "good" colour. */
export function confusionMatrix(e: ClassificationEvaluation): HTMLElement {
  const { labels, matrix } = e.confusion;
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col', class: 'corner' }, 'true ↓ / predicted →'),
    ...labels.map((l) => el('th', { scope: 'col' }, l)),
  );
  const body = labels.map((label, i) => {
    const row = matrix[i] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, label),
      ...labels.map((predicted, j) => {
        const count = row[j] ?? 0;
        const share = total > 0 ? count / total : 0;
        const cell = el(
          'td',
          {
            class: i === j ? 'cm-cell diagonal' : 'cm-cell',
            'aria-label': `true ${label}, predicted ${predicted}: ${count} (${formatPercent(share)} of ${label})`,
            title: `true ${label} → predicted ${predicted}: ${count} (${formatPercent(share)} of the row)`,
          },
          formatCount(count),
        );
        cell.style.setProperty('--share', `${Math.round(share * 100)}%`);
        if (share > 0.55) cell.classList.add('strong');
        return cell;
      }),
    );
  });
  return el(
    'div',
    { class: 'confusion-wrap' },
    el('table', { class: 'confusion' }, el('caption', {}, 'Confusion matrix (test split)'), el('thead', {}, head), el('tbody', {}, ...body)),
  );
}

function regressionMetrics(e: RegressionEvaluation): HTMLElement[] {
  return [
    metricsTable(
      [
        ['MAE', formatValue(e.mae)],
        ['RMSE', formatValue(e.rmse)],
        ['R²', formatValue(e.r2)],
        ['Loss', formatValue(e.loss)],
        ['Test rows', formatCount(e.rows)],
        ['Checkpoint', e.checkpoint],
      ],
      'Test metrics',
    ),
  ];
}

export class EvaluationSection {
  private shown: Evaluation | null | undefined = undefined;
  private shownWaiting = '';
  private readonly body = el('div', { class: 'eval-body' });

  constructor(root: HTMLElement) {
    root.append(el('h2', { id: 'evaluation-title' }, 'Test evaluation'), this.body);
  }

  update(evaluation: Evaluation | null, waitingText: string): void {
    if (evaluation === this.shown && (evaluation !== null || waitingText === this.shownWaiting)) return;
    this.shown = evaluation;
    this.shownWaiting = waitingText;
    if (evaluation === null) {
      replaceChildren(this.body, el('p', { class: 'muted' }, waitingText));
      return;
    }
    replaceChildren(this.body, ...(evaluation.task === 'tabular-regression' ? regressionMetrics(evaluation) : classificationMetrics(evaluation)));
  }
}
