// The test rows one run of the pair gets right and the other wrong (fixed and broken), with the
// row's input, label, both predictions and confidences. A row opens the dataset file at its line.
// Runs evaluated on different rows get the host's explanation instead of a table.

import type { CompareRunColumn, CompareState, CompareUpMessage, ExampleRow } from '../../src/protocol/comparePanelProtocol';
import { sameRef } from '../../src/protocol/comparePanelProtocol';
import { el, replaceChildren } from '../shared/dom';
import { formatConfidence } from './format';
import { PairPicker } from './pairPicker';

function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

function predictionCell(prediction: ExampleRow['baseline'], right: boolean): HTMLTableCellElement {
  const confidence = formatConfidence(prediction.confidence);
  return el(
    'td',
    { class: right ? 'pred right' : 'pred wrong' },
    el('span', { class: 'pred-mark', 'aria-hidden': 'true' }, right ? '✓' : '✗'),
    ' ',
    prediction.prediction,
    confidence ? el('span', { class: 'muted' }, ` ${confidence}`) : null,
    el('span', { class: 'sr-only' }, right ? ' (right)' : ' (wrong)'),
  );
}

export class ExamplesSection {
  private readonly picker: PairPicker;
  private readonly body = el('div', { class: 'examples-body' });

  constructor(root: HTMLElement, private readonly post: (m: CompareUpMessage) => void) {
    this.picker = new PairPicker('examples-pair', post);
    root.append(el('div', { class: 'section-head' }, el('h2', { id: 'examples-title' }, 'Per-example differences'), this.picker.root), this.body);
  }

  update(state: CompareState): void {
    this.picker.update(state);
    const pair = state.pair;
    const examples = state.examples;
    if (!pair || !examples) {
      replaceChildren(this.body, el('p', { class: 'muted' }, 'Compare two runs to see the test rows one gets right and the other wrong.'));
      return;
    }
    const find = (ref: typeof pair.baseline): CompareRunColumn | undefined => state.runs.find((r) => sameRef(r.ref, ref));
    const baseline = find(pair.baseline);
    const candidate = find(pair.candidate);
    if (!baseline || !candidate) return;
    if (examples.kind === 'unavailable') {
      replaceChildren(this.body, el('p', { class: 'notice', role: 'status' }, examples.message));
      return;
    }
    const summary = el(
      'p',
      { class: 'summary' },
      `On the ${examples.rows} test rows both runs were evaluated on, `,
      el('strong', {}, candidate.name),
      ` fixes ${examples.fixedCount} and breaks ${examples.brokenCount} compared with `,
      el('strong', {}, baseline.name),
      ` (both right: ${examples.bothRight}, both wrong: ${examples.bothWrong}).`,
    );
    const file = basename(examples.datasetPath);
    replaceChildren(
      this.body,
      summary,
      examples.note ? el('p', { class: 'notice', role: 'note' }, examples.note) : null,
      this.table(`Fixed: ${baseline.name} wrong, ${candidate.name} right`, examples.fixed, examples.fixedCount, baseline, candidate, file, 'fixed'),
      this.table(`Broken: ${baseline.name} right, ${candidate.name} wrong`, examples.broken, examples.brokenCount, baseline, candidate, file, 'broken'),
    );
  }

  private table(title: string, rows: readonly ExampleRow[], count: number, baseline: CompareRunColumn, candidate: CompareRunColumn, file: string, kind: 'fixed' | 'broken'): HTMLElement {
    const heading = el('h3', {}, `${title} (${count})`);
    if (rows.length === 0) return el('div', { class: 'example-list' }, heading, el('p', { class: 'muted' }, 'None.'));
    const head = el(
      'tr',
      {},
      el('th', { scope: 'col' }, 'Line'),
      el('th', { scope: 'col', class: 'input-col' }, 'Input'),
      el('th', { scope: 'col' }, 'Label'),
      el('th', { scope: 'col' }, baseline.name),
      el('th', { scope: 'col' }, candidate.name),
    );
    const body = rows.map((row) => {
      const open = el('button', { type: 'button', class: 'link', title: `Open ${file} at line ${row.line}`, 'aria-label': `Open ${file} at line ${row.line}`, 'data-focus': `${kind}:${row.line}` }, String(row.line));
      const go = (): void => this.post({ type: 'compare/openLine', payload: { ref: baseline.ref, line: row.line } });
      open.addEventListener('click', (event) => {
        event.stopPropagation();
        go();
      });
      const tr = el(
        'tr',
        { class: 'example' },
        el('td', { class: 'line' }, open),
        el('td', { class: 'input', title: row.input ?? '' }, el('div', { class: 'clamp' }, row.input ?? el('span', { class: 'muted' }, '(not read)'))),
        el('td', {}, row.label),
        predictionCell(row.baseline, kind === 'broken'),
        predictionCell(row.candidate, kind === 'fixed'),
      );
      tr.addEventListener('click', go);
      return tr;
    });
    const more = count > rows.length ? el('p', { class: 'muted' }, `The first ${rows.length} of ${count} rows are shown.`) : null;
    return el('div', { class: 'example-list' }, heading, el('div', { class: 'table-scroll' }, el('table', { class: 'examples', 'aria-label': title }, el('thead', {}, head), el('tbody', {}, ...body))), more);
  }
}
