// The label and text column choice: dropdowns that default to the inferred columns, with the reason.

import type { SetupState } from '../../src/protocol/setupPanelProtocol';
import { h, replaceChildren, setText, setValue, toggleAttr, uid, valueOf } from './dom';
import { issueSlot } from './issues';
import { sendChange } from './messages';

/** Option value standing for "no text column". */
const NONE = '';

interface Picker {
  element: HTMLElement;
  update(state: SetupState): void;
}

function dropdown(labelText: string, id: string): { wrap: HTMLElement; select: HTMLElement; reason: HTMLElement } {
  const labelId = uid('label');
  const select = h('vscode-dropdown', { id, 'aria-labelledby': labelId, position: 'below' });
  const reason = h('p', { class: 'reason' });
  const wrap = h('div', { class: 'field' }, h('label', { id: labelId, for: id, class: 'field-label' }, labelText), select, reason);
  return { wrap, select, reason };
}

/** Rebuilds the options when they changed (the current one marked selected, as the dropdown reads its options later), else sets the value. */
function fillOptions(select: HTMLElement, entries: { value: string; text: string }[], value: string, signature: { last: string }): void {
  const key = JSON.stringify(entries);
  if (key === signature.last) {
    setValue(select, value);
    return;
  }
  signature.last = key;
  replaceChildren(select, ...entries.map((e) => h('vscode-option', { value: e.value, selected: e.value === value }, e.text)));
}

export function columnPicker(): Picker {
  const label = dropdown('Label column (what to predict)', 'label-column');
  const text = dropdown('Text column (what the model reads)', 'text-column');
  const labelIssues = issueSlot(['labelColumn'], 'label-column-issues', label.select);
  const textIssues = issueSlot(['textColumn'], 'text-column-issues', text.select);
  label.wrap.appendChild(labelIssues.element);
  text.wrap.appendChild(textIssues.element);
  const labelSig = { last: '' };
  const textSig = { last: '' };
  label.select.addEventListener('change', (event) => {
    const value = valueOf(event.target);
    if (value) sendChange({ field: 'labelColumn', value });
  });
  text.select.addEventListener('change', (event) => {
    const value = valueOf(event.target);
    sendChange({ field: 'textColumn', value: value === NONE ? null : value });
  });
  const element = h('div', { class: 'column-picker' }, label.wrap, text.wrap);
  return {
    element,
    update(state) {
      const ready = state.dataset.status === 'ready' ? state.dataset.inspection : null;
      toggleAttr(label.select, 'disabled', ready === null);
      toggleAttr(text.select, 'disabled', ready === null);
      labelIssues.update(state.issues);
      textIssues.update(state.issues);
      if (!ready || !state.inferred) return;
      const inferred = state.inferred;
      const labelEntries = ready.columns
        .filter((c) => c.labelCandidate || c.name === ready.label)
        .map((c) => ({ value: c.name, text: `${c.name} (${c.kind}${c.name === inferred.label ? ', inferred' : ''})` }));
      if (ready.label === null) labelEntries.unshift({ value: NONE, text: 'Choose a column…' });
      fillOptions(label.select, labelEntries, ready.label ?? NONE, labelSig);
      setText(label.reason, state.options.labelColumn === null ? inferred.labelReason : `Chosen by you (inferred: ${inferred.label === null ? 'none' : `"${inferred.label}"`}).`);

      const textEntries = ready.columns
        .filter((c) => c.kind === 'text' && c.name !== ready.label)
        .map((c) => ({ value: c.name, text: `${c.name}${c.name === inferred.text ? ' (inferred)' : ''}` }));
      if (inferred.text === null) textEntries.unshift({ value: NONE, text: 'None: tabular data (inferred)' });
      fillOptions(text.select, textEntries, ready.text ?? NONE, textSig);
      setText(text.reason, state.options.textColumn === null ? inferred.textReason : `Chosen by you (inferred: ${inferred.text === null ? 'none' : `"${inferred.text}"`}).`);
    },
  };
}
