// The base-model picker: the built-in models (nn-sentiment, the MLP built for the data, MobileNetV2
// for images), the catalog's Hugging Face text encoders (parameters, size, licence, and whether
// they are on this machine or downloaded when the run starts), and a local folder chosen with an
// open dialog (a Hugging Face folder or a TF.js Layers folder).

import type { ModelChoice, SetupState } from '../../src/protocol/setupPanelProtocol';
import { h, nameRadio, replaceChildren, setText, setValue, toggleAttr, uid, valueOf } from './dom';
// Decimal units as the catalog and Hugging Face show sizes (the same function the host's tags use).
import { formatBytes } from '../../src/engine/zoo/formatSize';
import { issueSlot } from './issues';
import { sendChange, type Send } from './messages';
import type { Section } from './datasetSection';

/** A radio named by the model's title and tags (accessible name), described by its detail. */
function radioName(choice: ModelChoice): string {
  return `${choice.title}${choice.recommended ? ' (recommended)' : ''}, ${choice.tag}`;
}

function radioFor(choice: ModelChoice, checked: boolean): HTMLElement {
  const detailId = uid('model-detail');
  return h(
    'vscode-radio',
    { value: choice.value, checked, class: `choice model-${choice.source}`, 'aria-describedby': detailId },
    h('span', { class: 'choice-title' }, choice.title),
    choice.recommended ? h('span', { class: 'tag' }, 'recommended') : null,
    h('span', { class: `tag tag-source${choice.download ? ' tag-download' : ''}` }, choice.tag),
    h('span', { class: 'choice-detail', id: detailId }, choice.detail),
  );
}

/** What choosing this model means before training starts, or '' when nothing happens first. */
export function downloadNotice(choice: ModelChoice | undefined): string {
  if (!choice?.download) return '';
  const d = choice.download;
  return `${choice.title} is not on this machine yet: it will be downloaded (≈${formatBytes(d.approxBytes)}) from ${d.from} when the run starts, into ${d.into}, and reused after that. The run's dashboard and a notification show the download's progress.`;
}

export function modelSection(send: Send): Section {
  const group = h('vscode-radio-group', { orientation: 'vertical', 'aria-labelledby': 'model-heading', class: 'choices' });
  const folderButton = h('vscode-button', { appearance: 'secondary' }, 'Choose a Local Folder…');
  const folderNote = h(
    'span',
    { class: 'note' },
    'A Hugging Face model folder (config.json, model.safetensors and tokenizer.json or vocab.txt: BERT, DistilBERT or RoBERTa), or a TF.js Layers model folder (model.json and its weights; a Keras text model needs word_index.json beside it).',
  );
  const notice = h('p', { class: 'download-notice', role: 'status', 'aria-live': 'polite' });
  const issues = issueSlot(['model'], 'model-issues', group);
  group.addEventListener('change', () => {
    const value = valueOf(group);
    if (value && value !== current) sendChange({ field: 'model', value });
  });
  folderButton.addEventListener('click', () => send({ type: 'setup/pickModelFolder', payload: {} }));
  // Images train on the MobileNetV2 backbone only: no folder to choose for them.
  const folderRow = h('div', { class: 'row' }, folderButton, folderNote);
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'model-heading' },
    h('h2', { id: 'model-heading' }, 'Base model'),
    group,
    folderRow,
    notice,
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
      folderRow.hidden = state.dataset.status === 'ready' && state.dataset.inspection.task === 'image-classification' && !state.models.some((m) => m.source === 'folder');
      setText(notice, downloadNotice(state.models.find((m) => m.value === current)));
      issues.update(state.issues);
    },
  };
}
