// The tail of worker.log: scrollable, keyboard focusable, follows new lines while scrolled to
// the bottom, and a button that opens the whole file in an editor.

import type { DashboardUpMessage } from '../../src/protocol/dashboardProtocol';
import { custom, el, setHidden, setText } from '../shared/dom';

export class LogSection {
  private readonly pre = el('pre', { class: 'log-text' });
  private readonly scroller = el('div', { class: 'log', role: 'log', 'aria-label': 'Worker log', tabindex: '0' }, this.pre);
  private readonly note = el('p', { class: 'muted log-note' });
  private shownLines: readonly string[] = [];

  constructor(root: HTMLElement, post: (message: DashboardUpMessage) => void) {
    const open = custom('vscode-button', { appearance: 'secondary', id: 'open-log' }, 'Open Log');
    open.addEventListener('click', () => post({ type: 'log/open', payload: {} }));
    root.append(el('div', { class: 'section-head' }, el('h2', { id: 'log-title' }, 'Log'), open), this.note, this.scroller);
  }

  update(lines: readonly string[], truncated: boolean): void {
    setHidden(this.note, !truncated);
    setText(this.note, 'Older lines are left out here; Open Log shows the whole worker.log.');
    if (lines === this.shownLines) return;
    const atBottom = this.scroller.scrollTop + this.scroller.clientHeight >= this.scroller.scrollHeight - 4;
    const previous = this.shownLines;
    const appended = lines.length > previous.length && previous.length > 0 && lines[previous.length - 1] === previous[previous.length - 1] && lines[0] === previous[0];
    if (appended) this.pre.append(document.createTextNode(`\n${lines.slice(previous.length).join('\n')}`));
    else this.pre.textContent = lines.length === 0 ? 'The worker has not written to its log yet.' : lines.join('\n');
    this.shownLines = lines;
    if (atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}
