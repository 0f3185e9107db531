// Every setting of the runs side by side; Only Differences (on by default) keeps the settings
// whose values are not the same in every run.

import type { CompareState, CompareUpMessage } from '../../src/protocol/comparePanelProtocol';
import { visibleRows } from './configRows';
import { custom, el, replaceChildren, setText } from '../shared/dom';
import { runHeaderCell } from './runHeader';

type Checkbox = HTMLElement & { checked: boolean };

export class ConfigSection {
  private readonly checkbox: Checkbox;
  private readonly summary = el('p', { class: 'hint muted' });
  private readonly body = el('div', { class: 'table-scroll' });

  constructor(root: HTMLElement, private readonly post: (m: CompareUpMessage) => void) {
    this.checkbox = custom('vscode-checkbox', { checked: true, 'data-focus': 'only-differences' }, 'Only Differences') as Checkbox;
    this.checkbox.addEventListener('change', () => {
      post({ type: 'compare/setOnlyDifferences', payload: { on: this.checkbox.checked } });
    });
    root.append(el('div', { class: 'section-head' }, el('h2', { id: 'config-title' }, 'Configuration differences'), this.checkbox), this.summary, this.body);
  }

  update(state: CompareState, colors: readonly string[]): void {
    if (this.checkbox.checked !== state.onlyDifferences) this.checkbox.checked = state.onlyDifferences;
    const differing = state.config.filter((r) => r.differs).length;
    setText(
      this.summary,
      state.runs.length < 2
        ? 'Add another run to see what differs.'
        : `${differing} of ${state.config.length} settings differ${state.onlyDifferences ? '; the others are hidden' : ''}.`,
    );
    if (state.runs.length === 0) {
      replaceChildren(this.body);
      return;
    }
    const shown = visibleRows(state.config, state.onlyDifferences);
    if (shown.length === 0) {
      replaceChildren(this.body, el('p', { class: 'muted' }, state.runs.length < 2 ? '' : 'The runs have the same configuration.'));
      return;
    }
    const head = el('tr', {}, el('th', { scope: 'col', class: 'row-head-col' }, 'Setting'), ...state.runs.map((run, i) => runHeaderCell(run, colors[i], this.post, false)));
    const body = shown.map((item) =>
      'key' in item
        ? el(
            'tr',
            { class: item.differs ? 'differs' : '' },
            el('th', { scope: 'row' }, item.label),
            ...item.values.map((v) => el('td', { class: 'setting', title: v }, v)),
          )
        : el('tr', { class: 'group-row' }, el('th', { scope: 'rowgroup', colspan: String(state.runs.length + 1) }, item.group)),
    );
    replaceChildren(this.body, el('table', { class: 'config', 'aria-label': 'Configuration' }, el('thead', {}, head), el('tbody', {}, ...body)));
  }
}
