// Confusion matrices of every classification run side by side, and the difference of the pair
// (candidate − baseline), its cells coloured by what the change means: more rows right on the
// diagonal or fewer mistakes off it is better.

import type { CompareState, CompareUpMessage, ConfusionMatrix } from '../../src/protocol/comparePanelProtocol';
import { changeKind } from './confusionChange';
import { el, replaceChildren } from '../shared/dom';
import { formatSigned } from './format';
import { PairPicker } from './pairPicker';
import { swatch } from './runHeader';

function headRow(labels: readonly string[]): HTMLTableRowElement {
  return el('tr', {}, el('th', { scope: 'col', class: 'corner' }, 'true ↓ / predicted →'), ...labels.map((l) => el('th', { scope: 'col' }, l)));
}

function matrixTable(m: ConfusionMatrix, name: string): HTMLTableElement {
  const rows = m.labels.map((truth, i) => {
    const row = m.matrix[i] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, truth),
      ...m.labels.map((predicted, j) => {
        const count = row[j] ?? 0;
        const share = total > 0 ? count / total : 0;
        const cell = el('td', { class: i === j ? 'cm-cell diagonal' : 'cm-cell', title: `true ${truth} → predicted ${predicted}: ${count}` }, String(count));
        cell.style.setProperty('--share', `${Math.round(share * 100)}%`);
        if (share > 0.55) cell.classList.add('strong');
        return cell;
      }),
    );
  });
  return el('table', { class: 'confusion', 'aria-label': `Confusion matrix of ${name}` }, el('thead', {}, headRow(m.labels)), el('tbody', {}, ...rows));
}

function differenceTable(d: ConfusionMatrix, title: string): HTMLTableElement {
  const rows = d.labels.map((truth, i) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, truth),
      ...d.labels.map((predicted, j) => {
        const value = d.matrix[i]?.[j] ?? 0;
        const kind = changeKind(value, i === j);
        const meaning = kind === 'same' ? 'no change' : kind === 'better' ? 'better' : 'worse';
        return el(
          'td',
          { class: `cm-diff ${kind}`, 'aria-label': `true ${truth}, predicted ${predicted}: ${formatSigned(value)} (${meaning})` },
          formatSigned(value),
        );
      }),
    ),
  );
  return el('table', { class: 'confusion', 'aria-label': title }, el('thead', {}, headRow(d.labels)), el('tbody', {}, ...rows));
}

export class ConfusionSection {
  private readonly grid = el('div', { class: 'matrices' });
  private readonly diff = el('div', { class: 'difference' });
  private readonly picker: PairPicker;

  constructor(private readonly root: HTMLElement, post: (m: CompareUpMessage) => void) {
    this.picker = new PairPicker('confusion-pair', post);
    root.append(
      el('div', { class: 'section-head' }, el('h2', { id: 'confusion-title' }, 'Confusion matrices')),
      this.grid,
      el('div', { class: 'section-head sub' }, el('h3', {}, 'Difference of two runs'), this.picker.root),
      this.diff,
    );
  }

  update(state: CompareState, colors: readonly string[]): void {
    const shown = state.runs.flatMap((run, i) => {
      const m = state.confusions[i];
      return m ? [{ run, m, color: colors[i] }] : [];
    });
    this.root.hidden = shown.length === 0;
    if (shown.length === 0) return;
    replaceChildren(
      this.grid,
      ...shown.map(({ run, m, color }) => el('figure', { class: 'matrix' }, el('figcaption', {}, swatch(color), run.name), matrixTable(m, run.name))),
    );
    this.picker.update(state);
    const d = state.confusionDifference;
    const pair = state.pair;
    if (!pair) {
      replaceChildren(this.diff, el('p', { class: 'muted' }, 'Add another classification run to see a difference.'));
      return;
    }
    const nameOf = (ref: typeof pair.baseline): string => state.runs.find((r) => r.ref.runId === ref.runId && r.ref.runsDir === ref.runsDir)?.name ?? ref.runId;
    if (!d) {
      replaceChildren(this.diff, el('p', { class: 'muted' }, 'Both runs need a classification evaluation (evaluation.json with a confusion matrix).'));
      return;
    }
    const title = `${nameOf(pair.candidate)} − ${nameOf(pair.baseline)}`;
    replaceChildren(
      this.diff,
      el('p', { class: 'hint muted' }, `Counts of ${nameOf(pair.candidate)} minus those of ${nameOf(pair.baseline)}. `, el('span', { class: 'key better' }, 'better'), ' more right or fewer mistakes; ', el('span', { class: 'key worse' }, 'worse'), ' the reverse.'),
      d.note ? el('p', { class: 'notice', role: 'note' }, d.note) : null,
      differenceTable(d, `Confusion difference: ${title}`),
    );
  }
}
