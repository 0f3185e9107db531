// The technique picker: the four techniques, each explained, with trainable and total parameters
// of the chosen model (counted by the training worker; "computing…" meanwhile).

import type { TechniqueName } from '../../src/protocol/configTypes';
import type { ParamsStatus, SetupState } from '../../src/protocol/setupPanelProtocol';
import { h, nameRadio, setText, setValue, toggleAttr, valueOf } from './dom';
import { formatCompact, formatInt, formatPercent } from './format';
import { issueSlot } from './issues';
import { sendChange } from './messages';
import type { Section } from './datasetSection';

export const TECHNIQUE_TEXT: Record<TechniqueName, { title: string; explain: string }> = {
  lora: {
    title: 'LoRA',
    explain: 'Keeps the weights W frozen and learns a low-rank update (alpha / r)·B·A on chosen layers; only A and B train. Few trainable parameters, and the update can be merged into W.',
  },
  adapter: {
    title: 'Adapter layers',
    explain: 'Inserts small bottleneck layers (down, non-linearity, up, plus a residual) after chosen layers and trains only them. They start as the identity, so training starts from the base model.',
  },
  features: {
    title: 'Feature extraction',
    explain: 'Freezes the whole base and trains a new head on its outputs. The outputs are computed once and cached, so every epoch after the first costs only the head.',
  },
  full: {
    title: 'Full fine-tuning',
    explain: 'Every weight of the base and the new head trains, at a low learning rate. The most capacity; the slowest, with the largest checkpoints.',
  },
};

const ORDER: TechniqueName[] = ['lora', 'adapter', 'features', 'full'];

export function paramsText(params: ParamsStatus): string {
  switch (params.status) {
    case 'computing':
      return 'Parameters: computing…';
    case 'ready': {
      const d = params.description;
      const compact = formatCompact(d.totalParams);
      const inAll = compact === formatInt(d.totalParams) ? '' : `; ${compact} in all`;
      return `${formatInt(d.trainableParams)} trainable of ${formatInt(d.totalParams)} parameters (${formatPercent(d.trainableParams, d.totalParams)}${inAll})`;
    }
    case 'failed':
      return `Parameters cannot be counted: ${params.reason}`;
    case 'unknown':
      return `Parameters: ${params.reason}`;
  }
}

export function techniqueSection(): Section {
  const group = h('vscode-radio-group', { orientation: 'vertical', 'aria-labelledby': 'technique-heading', class: 'choices' });
  const counts = new Map<TechniqueName, HTMLElement>();
  const radios = new Map<TechniqueName, HTMLElement>();
  for (const t of ORDER) {
    const count = h('span', { class: 'choice-params', id: `params-${t}` });
    counts.set(t, count);
    // Named by the technique (accessible name), described by its explanation and its parameter counts.
    const radio = h(
      'vscode-radio',
      { value: t, class: 'choice', 'aria-describedby': `explain-${t} params-${t}` },
      h('span', { class: 'choice-title' }, TECHNIQUE_TEXT[t].title),
      h('span', { class: 'choice-detail', id: `explain-${t}` }, TECHNIQUE_TEXT[t].explain),
      count,
    );
    radios.set(t, radio);
    group.appendChild(radio);
  }
  const issues = issueSlot(['technique'], 'technique-issues', group);
  let current = '';
  group.addEventListener('change', () => {
    const value = valueOf(group);
    if ((value === 'lora' || value === 'adapter' || value === 'features' || value === 'full') && value !== current) sendChange({ field: 'technique', value });
  });
  const element = h('section', { class: 'card', 'aria-labelledby': 'technique-heading' }, h('h2', { id: 'technique-heading' }, 'Technique'), group, issues.element);
  return {
    element,
    update(state: SetupState) {
      current = state.options.technique;
      setValue(group, current);
      toggleAttr(group, 'disabled', state.dataset.status !== 'ready');
      for (const [t, radio] of radios) nameRadio(radio, TECHNIQUE_TEXT[t].title);
      for (const t of ORDER) {
        const el = counts.get(t);
        if (!el) continue;
        const p = state.params[t];
        setText(el, paramsText(p));
        el.className = `choice-params params-${p.status}`;
      }
      issues.update(state.issues);
    },
  };
}
