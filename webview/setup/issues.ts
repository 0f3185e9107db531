// Inline issues: each shown under the control it is about, in a polite live region.

import type { FieldIssue, IssueField } from '../../src/protocol/setupPanelProtocol';
import { h, replaceChildren } from './dom';

export interface IssueSlot {
  element: HTMLElement;
  /** The id to reference from the control (aria-describedby / aria-errormessage). */
  id: string;
  update(issues: readonly FieldIssue[]): void;
}

/** A place for the issues of some fields; the control it describes is marked invalid while one is an error. */
export function issueSlot(fields: readonly IssueField[], id: string, control?: HTMLElement): IssueSlot {
  const element = h('div', { id, class: 'issues', 'aria-live': 'polite' });
  let last = '';
  return {
    element,
    id,
    update(issues) {
      const mine = issues.filter((i) => fields.includes(i.field));
      const key = JSON.stringify(mine);
      if (key === last) return;
      last = key;
      replaceChildren(
        element,
        ...mine.map((i) =>
          h('p', { class: `issue ${i.severity}` }, h('span', { class: `codicon-like ${i.severity}`, 'aria-hidden': 'true' }, i.severity === 'error' ? '✕' : '!'), ` ${i.message}`),
        ),
      );
      if (control) {
        if (mine.some((i) => i.severity === 'error')) control.setAttribute('aria-invalid', 'true');
        else control.removeAttribute('aria-invalid');
      }
    },
  };
}
