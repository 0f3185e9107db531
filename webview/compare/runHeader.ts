// The header cell of a run column (metrics and configuration tables): colour, name (opens the
// run's dashboard), technique and status, and a Remove button.

import type { CompareRunColumn, CompareUpMessage } from '../../src/protocol/comparePanelProtocol';
import { custom, el } from '../shared/dom';

const TECHNIQUES: Record<string, string> = { full: 'full', features: 'features', adapter: 'adapter', lora: 'LoRA' };

export function runKey(run: CompareRunColumn): string {
  return `${run.ref.runsDir}\u0000${run.ref.runId}`;
}

export function swatch(color: string): HTMLElement {
  const dot = el('span', { class: 'swatch', 'aria-hidden': 'true' });
  dot.style.background = color;
  return dot;
}

export function runHeaderCell(run: CompareRunColumn, color: string, post: (m: CompareUpMessage) => void, removable: boolean): HTMLTableCellElement {
  const open = el('button', { type: 'button', class: 'link run-name', title: `Open the dashboard of ${run.name}`, 'data-focus': `open:${runKey(run)}` }, run.name);
  open.addEventListener('click', () => post({ type: 'compare/openDashboard', payload: { ref: run.ref } }));
  const remove = removable
    ? custom('vscode-button', { appearance: 'icon', class: 'remove', 'aria-label': `Remove ${run.name}`, title: `Remove ${run.name} from the comparison`, 'data-focus': `remove:${runKey(run)}` }, '✕')
    : null;
  remove?.addEventListener('click', () => post({ type: 'compare/removeRun', payload: { ref: run.ref } }));
  return el(
    'th',
    { scope: 'col', class: 'run-col' },
    el('div', { class: 'run-head' }, swatch(color), open, remove),
    el('div', { class: 'run-sub muted' }, `${TECHNIQUES[run.technique] ?? run.technique} · ${run.status}`),
  );
}
