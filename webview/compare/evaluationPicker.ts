// The "Evaluation" dropdown: the test split, or a named evaluation every run has (a checkpoint
// evaluated on another dataset file). The host switches the test metrics, the confusion matrices
// and the per-example differences to the one chosen.

import type { CompareState, CompareUpMessage } from '../../src/protocol/comparePanelProtocol';
import { el, replaceChildren } from '../shared/dom';

/** The option value of the test split (named evaluations cannot be empty). */
const TEST_SPLIT = '';

function basename(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

export class EvaluationPicker {
  readonly root: HTMLElement;
  private readonly select: HTMLSelectElement;

  constructor(post: (m: CompareUpMessage) => void) {
    this.select = el('select', { id: 'evaluation', 'data-focus': 'evaluation', title: 'The evaluation the test metrics, confusion matrices and per-example differences show' });
    this.root = el('div', { class: 'field evaluation-picker' }, el('label', { for: 'evaluation' }, 'Evaluation'), this.select);
    this.select.addEventListener('change', () => {
      const value = this.select.value;
      post({ type: 'compare/setEvaluation', payload: { name: value === TEST_SPLIT ? null : value } });
    });
  }

  update(state: CompareState): void {
    this.root.hidden = state.runs.length === 0;
    replaceChildren(
      this.select,
      el('option', { value: TEST_SPLIT }, 'Test split'),
      ...state.evaluations.map((e) => el('option', { value: e.name }, `${e.name} (${basename(e.datasetPath)})`)),
    );
    this.select.value = state.evaluation ?? TEST_SPLIT;
  }
}
