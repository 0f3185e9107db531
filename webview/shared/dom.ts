// A small element builder shared by the panels: attributes and children, no innerHTML (so nothing
// from a run folder or a dataset is ever parsed as HTML), and a re-render that keeps the focus.

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/** A custom element (the toolkit's vscode-* components). */
export function custom(tag: string, attrs: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node: Element, attrs: Record<string, string | boolean>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function setHidden(node: Element, hidden: boolean): void {
  if (hidden) node.setAttribute('hidden', '');
  else node.removeAttribute('hidden');
}

/**
 * Replaces the children of `parent`; the element that had the focus, found again by its
 * `data-focus` key, gets it back (sorting or removing a run re-renders the table under the user).
 */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && parent.contains(active) ? active.dataset.focus : undefined;
  parent.replaceChildren();
  append(parent, children);
  if (key === undefined) return;
  const again = Array.from(parent.querySelectorAll<HTMLElement>('[data-focus]')).find((e) => e.dataset.focus === key);
  again?.focus();
}
