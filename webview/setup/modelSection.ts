// The base-model picker: the embedded text model, the MLP built for the data, or a local TF.js
// Layers model folder chosen with an open dialog.

import type { ModelChoice, SetupState } from '../../src/protocol/setupPanelProtocol';
import { h, nameRadio, replaceChildren, setValue, toggleAttr, uid, valueOf } from './dom';
import { issueSlot } from './issues';
import { sendChange, type Send } from './messages';
import type { Section } from './datasetSection';

/** A radio named by the model's title (accessible name), described by its detail. */
function radioName(choice: ModelChoice): string {
  return `${choice.title}${choice.recommended ? ' (recommended)' : ''}`;
}

function radioFor(choice: ModelChoice, checked: boolean): HTMLElement {
  const detailId = uid('model-detail');
  return h(
    'vscode-radio',
    { value: choice.value, checked, class: 'choice', 'aria-describedby': detailId },
    h('span', { class: 'choice-title' }, choice.title),
    choice.recommended ? h('span', { class: 'tag' }, 'recommended') : null,
    h('span', { class: 'choice-detail', id: detailId }, choice.detail),
  );
}

export function modelSection(send: Send): Section {
  const group = h('vscode-radio-group', { orientation: 'vertical', 'aria-labelledby': 'model-heading', class: 'choices' });
  const folderButton = h('vscode-button', { appearance: 'secondary' }, 'Choose a Model Folder…');
  const issues = issueSlot(['model'], 'model-issues', group);
  group.addEventListener('change', () => {
    const value = valueOf(group);
    if (value && value !== current) sendChange({ field: 'model', value });
  });
  folderButton.addEventListener('click', () => send({ type: 'setup/pickModelFolder', payload: {} }));
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'model-heading' },
    h('h2', { id: 'model-heading' }, 'Base model'),
    group,
    h('div', { class: 'row' }, folderButton, h('span', { class: 'note' }, 'A TF.js Layers model folder (model.json and weights); a Keras text model needs word_index.json beside it.')),
    issues.element,
  );
  let lastKey = '';
  let current = '';
  return {
    element,
    update(state: SetupState) {
      current = state.options.model;
      const key = JSON.stringify(state.models);
      if (key !== lastKey) {
        lastKey = key;
        const radios = state.models.map((m) => radioFor(m, m.value === current));
        replaceChildren(group, ...radios);
        radios.forEach((radio, i) => nameRadio(radio, radioName(state.models[i])));
      }
      setValue(group, current);
      toggleAttr(group, 'disabled', state.dataset.status !== 'ready');
      issues.update(state.issues);
    },
  };
}
