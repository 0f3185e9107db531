// Picks the two runs compared row by row (baseline and candidate), shared by the confusion
// difference and the per-example differences.

import { sameRef, type CompareRunRef, type CompareState, type CompareUpMessage } from '../../src/protocol/comparePanelProtocol';
import { custom, el, replaceChildren } from '../shared/dom';

function refValue(ref: CompareRunRef): string {
  return JSON.stringify([ref.runsDir, ref.runId]);
}

export class PairPicker {
  readonly root: HTMLElement;
  private readonly baseline: HTMLSelectElement;
  private readonly candidate: HTMLSelectElement;
  private state: CompareState | null = null;

  constructor(id: string, post: (m: CompareUpMessage) => void) {
    this.baseline = el('select', { id: `${id}-baseline`, 'data-focus': `${id}-baseline` });
    this.candidate = el('select', { id: `${id}-candidate`, 'data-focus': `${id}-candidate` });
    const swap = custom('vscode-button', { appearance: 'secondary', title: 'Swap baseline and candidate', 'data-focus': `${id}-swap` }, 'Swap');
    this.root = el(
      'div',
      { class: 'pair-picker', role: 'group', 'aria-label': 'Runs compared' },
      el('div', { class: 'field' }, el('label', { for: `${id}-baseline` }, 'Baseline'), this.baseline),
      swap,
      el('div', { class: 'field' }, el('label', { for: `${id}-candidate` }, 'Candidate'), this.candidate),
    );
    const pick = (baseline: CompareRunRef | undefined, candidate: CompareRunRef | undefined): void => {
      if (baseline && candidate && !sameRef(baseline, candidate)) post({ type: 'compare/pickPair', payload: { pair: { baseline, candidate } } });
    };
    this.baseline.addEventListener('change', () => {
      const b = this.refOf(this.baseline.value);
      const pair = this.state?.pair;
      // Picking the candidate as baseline swaps the two.
      const c = pair && b && sameRef(b, pair.candidate) ? pair.baseline : this.refOf(this.candidate.value);
      pick(b, c);
    });
    this.candidate.addEventListener('change', () => {
      const c = this.refOf(this.candidate.value);
      const pair = this.state?.pair;
      const b = pair && c && sameRef(c, pair.baseline) ? pair.candidate : this.refOf(this.baseline.value);
      pick(b, c);
    });
    swap.addEventListener('click', () => {
      const pair = this.state?.pair;
      if (pair) pick(pair.candidate, pair.baseline);
    });
  }

  update(state: CompareState): void {
    this.state = state;
    const pair = state.pair;
    this.root.hidden = pair === null;
    if (!pair) return;
    for (const [select, chosen] of [
      [this.baseline, pair.baseline],
      [this.candidate, pair.candidate],
    ] as const) {
      replaceChildren(select, ...state.runs.map((run) => el('option', { value: refValue(run.ref) }, run.name)));
      select.value = refValue(chosen);
    }
  }

  private refOf(value: string): CompareRunRef | undefined {
    return this.state?.runs.find((r) => refValue(r.ref) === value)?.ref;
  }
}
