// Start: the button (accessible name "Start Fine-Tuning"), the reason it is disabled right next to
// it, the device the run will train on (with a link to the full GPU check), a one-line summary of
// what will run; and the notice of the run started last, with a link to its dashboard.

import type { DeviceStatus, SetupState } from '../../src/protocol/setupPanelProtocol';
import { formatBytes } from '../../src/engine/zoo/formatSize';
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
  const download = state.models.find((m) => m.value === o.model)?.download;
  const first = download ? ` Downloads the model first (≈${formatBytes(download.approxBytes)}).` : '';
  return `${TECHNIQUE_TEXT[o.technique].title} on ${modelTitle(state)}${count}; ${o.numbers.epochs} epochs at learning rate ${o.numbers.learningRate}, batch size ${o.numbers.batchSize}.${first}`;
}

/** The device line's text (after "Device: "). */
export function deviceText(device: DeviceStatus): string {
  switch (device.status) {
    case 'checking':
      return 'checking which device runs will train on…';
    case 'failed':
      return `unknown: the GPU check failed (${device.reason})`;
    case 'ready':
      return device.reason === null ? device.text : `${device.text} — ${device.reason}`;
  }
}

/** "Device: GPU — … (WebGPU)" or "Device: CPU (WebAssembly) — no GPU backend usable: …", and a link to the full check. */
function deviceLine(send: Send): { element: HTMLElement; update(device: DeviceStatus): void } {
  const ring = h('vscode-progress-ring', { 'aria-hidden': 'true', class: 'inline-ring' });
  const text = h('span', { class: 'device-text' });
  const link = h('a', { href: '#', class: 'device-check' }, 'Check GPU Setup');
  link.addEventListener('click', (event) => {
    event.preventDefault();
    send({ type: 'setup/checkGpu', payload: {} });
  });
  const element = h('p', { class: 'device', id: 'device-line', role: 'status', 'aria-live': 'polite' }, ring, h('span', { class: 'device-label' }, 'Device: '), text, ' ', link);
  return {
    element,
    update(device) {
      ring.hidden = device.status !== 'checking';
      element.dataset.kind = device.status === 'ready' ? device.kind : device.status;
      setText(text, deviceText(device));
    },
  };
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
  const device = deviceLine(send);
  let enabled = false;
  button.addEventListener('click', () => {
    if (enabled) send({ type: 'setup/start', payload: {} });
  });
  const element = h('footer', { class: 'start-bar', 'aria-label': 'Start' }, h('div', { class: 'start-row' }, button, reason), device.element, plan);
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
      device.update(state.device);
    },
  };
}
