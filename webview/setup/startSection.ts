// Start: the button (accessible name "Start Fine-Tuning"), the reason it is disabled right next to
// it, a one-line summary of what will run; and the notice of the run started last, with a link to its dashboard.

import type { SetupState } from '../../src/protocol/setupPanelProtocol';
import { h, replaceChildren, setText, toggleAttr } from './dom';
import { formatCompact, formatInt } from './format';
import type { Send } from './messages';
import type { Section } from './datasetSection';
import { TECHNIQUE_TEXT } from './techniqueSection';

function modelTitle(state: SetupState): string {
  return state.models.find((m) => m.value === state.options.model)?.title ?? state.options.model;
}

function summary(state: SetupState): string {
  const o = state.options;
  const params = state.params[o.technique];
  const count = params.status === 'ready' ? `, ${formatInt(params.description.trainableParams)} of ${formatCompact(params.description.totalParams)} parameters train` : '';
  return `${TECHNIQUE_TEXT[o.technique].title} on ${modelTitle(state)}${count}; ${o.numbers.epochs} epochs at learning rate ${o.numbers.learningRate}, batch size ${o.numbers.batchSize}.`;
}

/** The notice of the last run started from this panel, shown under the page title. */
export function startedNotice(send: Send): Section {
  const element = h('div', { class: 'started', role: 'status', 'aria-live': 'polite' });
  let last = '';
  return {
    element,
    update(state) {
      const key = JSON.stringify(state.started);
      if (key === last) return;
      last = key;
      const run = state.started;
      if (!run) {
        replaceChildren(element);
        return;
      }
      const link = h('a', { href: '#' }, 'Open its dashboard');
      link.addEventListener('click', (event) => {
        event.preventDefault();
        send({ type: 'setup/openDashboard', payload: run });
      });
      replaceChildren(element, `Started run ${run.runId}. `, link, '. Change the choices below to start another run to compare with it.');
    },
  };
}

export function startSection(send: Send): Section {
  const button = h('vscode-button', { id: 'start', 'aria-label': 'Start Fine-Tuning', disabled: true }, 'Start Fine-Tuning');
  const reason = h('p', { id: 'start-reason', class: 'start-reason', role: 'status', 'aria-live': 'polite' });
  const plan = h('p', { class: 'plan' });
  let enabled = false;
  button.addEventListener('click', () => {
    if (enabled) send({ type: 'setup/start', payload: {} });
  });
  const element = h('footer', { class: 'start-bar', 'aria-label': 'Start' }, h('div', { class: 'start-row' }, button, reason), plan);
  return {
    element,
    update(state) {
      enabled = state.startBlocked === null;
      toggleAttr(button, 'disabled', !enabled);
      const ready = state.started
        ? `Run ${state.started.runId} started. Start again to train another run with other choices, to compare.`
        : 'Ready: the run will train in a separate process, and its dashboard opens.';
      setText(reason, state.startBlocked ?? ready);
      const blockedByError = !state.trusted || state.issues.some((i) => i.severity === 'error');
      reason.className = `start-reason ${enabled ? 'ready' : blockedByError ? 'blocked' : 'waiting'}`;
      setText(plan, state.dataset.status === 'ready' ? summary(state) : '');
    },
  };
}
