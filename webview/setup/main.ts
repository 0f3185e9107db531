// The setup panel's webview: builds the page once, says it is ready, then renders each state
// snapshot the host sends (setup/stateChanged). Keeps the dataset path and the options
// (vscode.setState) so the panel comes back after a reload.

import { isSetupUpdate, type SetupPersistedState, type SetupState } from '../../src/protocol/setupPanelProtocol';
import { registerToolkit } from '../shared/toolkit';
import { vscodeApi } from '../shared/vscodeApi';
import { datasetSection, type Section } from './datasetSection';
import { h, replaceChildren, setText } from './dom';
import { hyperSection } from './hyperSection';
import { modelSection } from './modelSection';
import { previewSection } from './previewSection';
import { send } from './messages';
import { startedNotice, startSection } from './startSection';
import { techniqueSection } from './techniqueSection';

registerToolkit();

const app = document.getElementById('app') ?? document.body;
const title = h('h1', { id: 'title' }, 'Fine-tune');
const notice = startedNotice(send);
const sections: Section[] = [datasetSection(send), previewSection(send), modelSection(send), techniqueSection(), hyperSection(), startSection(send)];
replaceChildren(app, h('header', { class: 'page-header' }, title, notice.element), ...sections.map((s) => s.element));
sections.push(notice);
app.setAttribute('aria-labelledby', 'title');

function render(state: SetupState): void {
  setText(title, `Fine-tune ${state.file.name}`);
  document.title = `Fine-tune ${state.file.name}`;
  for (const section of sections) section.update(state);
  const persisted: SetupPersistedState = { datasetPath: state.file.path, options: state.options };
  vscodeApi<SetupPersistedState>().setState(persisted);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isSetupUpdate(event.data)) render(event.data.payload.state);
});

send({ type: 'setup/ready', payload: {} });
