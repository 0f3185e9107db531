// The header: run name, status (role=status), progress bar, facts and the action buttons.
// Built once; update() copies a HeaderView into it.

import { isExtraEpochs, MAX_EXTRA_EPOCHS, type DashboardUpMessage } from '../../src/protocol/dashboardProtocol';
import { custom, el, replaceChildren, setHidden, setText } from '../shared/dom';
import type { HeaderView } from './headerModel';

type Post = (message: DashboardUpMessage) => void;

interface Fact {
  row: HTMLElement;
  value: HTMLElement;
}

export class HeaderSection {
  private readonly name = el('h1', { class: 'run-name' });
  private readonly statusLabel = el('span', { class: 'status-label' });
  private readonly statusReason = el('span', { class: 'status-reason' });
  private readonly status = el('p', { class: 'status', role: 'status' }, this.statusLabel, this.statusReason);
  private readonly bar = el('div', { class: 'progress-fill' });
  private readonly progress = el(
    'div',
    { class: 'progress', role: 'progressbar', 'aria-label': 'Training progress', 'aria-valuemin': '0', 'aria-valuemax': '100' },
    this.bar,
  );
  private readonly progressText = el('p', { class: 'progress-text' });
  private readonly facts = new Map<string, Fact>();
  private readonly backendSummary = el('summary', {});
  private readonly skippedList = el('ul', { class: 'skipped' });
  private readonly backendDetails = el('details', { class: 'backend' }, this.backendSummary, this.skippedList);
  private readonly stop: HTMLElement;
  private readonly resume: HTMLElement;
  private readonly extend: HTMLElement;
  private readonly extendGroup: HTMLElement;
  private readonly epochs: HTMLInputElement;
  private readonly epochsError = el('span', { class: 'field-error', id: 'extend-error', role: 'alert' });
  private readonly compare: HTMLElement;

  constructor(root: HTMLElement, post: Post) {
    const factList = el('dl', { class: 'facts' });
    for (const label of ['Elapsed', 'ETA', 'Throughput', 'Technique', 'Trainable parameters', 'Backend', 'Model', 'Dataset']) {
      const value = el('dd', {});
      const row = el('div', { class: 'fact' }, el('dt', {}, label), value);
      factList.appendChild(row);
      this.facts.set(label, { row, value });
    }
    this.facts.get('Backend')?.value.appendChild(this.backendDetails);

    this.stop = custom('vscode-button', { id: 'stop' }, 'Stop');
    this.resume = custom('vscode-button', { id: 'resume' }, 'Resume');
    this.epochs = el('input', {
      id: 'extend-epochs',
      class: 'epochs-input',
      type: 'number',
      min: '1',
      max: String(MAX_EXTRA_EPOCHS),
      step: '1',
      value: '3',
      'aria-label': 'Epochs to add',
      'aria-describedby': 'extend-error',
    });
    this.extend = custom('vscode-button', { id: 'extend' }, 'Extend');
    this.extendGroup = el('span', { class: 'extend-group' }, el('label', { for: 'extend-epochs' }, 'Epochs to add'), this.epochs, this.extend, this.epochsError);
    const openFolder = custom('vscode-button', { id: 'open-folder', appearance: 'secondary' }, 'Open Run Folder');
    this.compare = custom('vscode-button', { id: 'compare', appearance: 'secondary' }, 'Compare with…');

    this.stop.addEventListener('click', () => post({ type: 'run/stop', payload: {} }));
    this.resume.addEventListener('click', () => post({ type: 'run/resume', payload: {} }));
    this.extend.addEventListener('click', () => this.submitExtend(post));
    this.epochs.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.submitExtend(post);
    });
    openFolder.addEventListener('click', () => post({ type: 'run/openFolder', payload: {} }));
    this.compare.addEventListener('click', () => post({ type: 'run/compare', payload: {} }));

    const actions = el('div', { class: 'actions', role: 'group', 'aria-label': 'Run actions' }, this.stop, this.resume, this.extendGroup, openFolder, this.compare);
    root.append(
      el('div', { class: 'title-row' }, this.name, this.status),
      this.progress,
      this.progressText,
      factList,
      actions,
    );
  }

  update(view: HeaderView): void {
    setText(this.name, view.title);
    setText(this.statusLabel, view.statusLabel);
    setText(this.statusReason, view.statusReason ? ` ${view.statusReason}` : '');
    this.status.dataset.status = view.status;
    if (view.progress === null) {
      this.progress.removeAttribute('aria-valuenow');
      this.progress.classList.add('indeterminate');
      this.bar.style.width = '100%';
    } else {
      const percent = Math.round(view.progress * 100);
      this.progress.setAttribute('aria-valuenow', String(percent));
      this.progress.classList.remove('indeterminate');
      this.bar.style.width = `${(view.progress * 100).toFixed(2)}%`;
    }
    this.progress.setAttribute('aria-valuetext', view.progressText);
    setText(this.progressText, view.progressText);
    this.fact('Elapsed', view.elapsed);
    this.fact('ETA', view.eta);
    this.fact('Throughput', view.throughput);
    this.fact('Technique', view.technique);
    this.fact('Trainable parameters', view.parameters);
    this.fact('Model', view.model);
    this.fact('Dataset', view.dataset);
    setText(this.backendSummary, view.device === '—' ? view.backend : `${view.backend} · ${view.device}`);
    replaceChildren(
      this.skippedList,
      ...(view.skipped.length === 0 ? [el('li', {}, 'No backend was skipped: the first one tried works.')] : view.skipped.map((s) => el('li', {}, `Skipped ${s}`))),
    );
    this.backendDetails.title = view.skipped.length === 0 ? '' : view.skipped.map((s) => `Skipped ${s}`).join('\n');

    setHidden(this.stop, view.buttons.stop === null);
    if (view.buttons.stop !== null) setText(this.stop, view.buttons.stop);
    this.stop.title = view.buttons.stop === 'Kill' ? 'Stop was asked: Kill ends the worker now, without a checkpoint.' : 'Save a checkpoint, then stop.';
    setHidden(this.resume, !view.buttons.resume);
    setHidden(this.extendGroup, !view.buttons.extend);
    setHidden(this.compare, !view.buttons.compare);
  }

  private fact(label: string, text: string): void {
    const fact = this.facts.get(label);
    if (fact) setText(fact.value, text);
  }

  private submitExtend(post: Post): void {
    const epochs = Number(this.epochs.value);
    if (!isExtraEpochs(epochs)) {
      this.epochs.setAttribute('aria-invalid', 'true');
      setText(this.epochsError, `Enter a whole number from 1 to ${MAX_EXTRA_EPOCHS}.`);
      return;
    }
    this.epochs.removeAttribute('aria-invalid');
    setText(this.epochsError, '');
    post({ type: 'run/extend', payload: { epochs } });
  }
}
