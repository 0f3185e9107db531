// Small DOM helpers of the setup webview: elements built in code (no HTML strings, no inline
// handlers), values of toolkit controls read and written without casts.

type Attrs = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (true: present, false/undefined: absent) and children. */
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) el.setAttribute(name, '');
    else if (typeof value === 'string') el.setAttribute(name, value);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces every child of an element. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** Sets text only when it differs (keeps screen readers from re-announcing live regions). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Sets or removes a boolean attribute. */
export function toggleAttr(el: Element, name: string, on: boolean): void {
  if (on && !el.hasAttribute(name)) el.setAttribute(name, '');
  else if (!on && el.hasAttribute(name)) el.removeAttribute(name);
}

interface ValueHolder {
  value: unknown;
}

function holdsValue(el: object): el is ValueHolder {
  return 'value' in el;
}

/** The current value of an input-like element (toolkit text field, dropdown, radio group). */
export function valueOf(el: EventTarget | null): string {
  if (el && holdsValue(el) && typeof el.value === 'string') return el.value;
  return '';
}

/** Writes a control's value unless the user is typing in it or it already holds the value. */
export function setValue(el: HTMLElement, value: string): void {
  if (!holdsValue(el)) return;
  if (el.value === value) return;
  if (el.contains(document.activeElement) || el === document.activeElement) return;
  el.value = value;
}

let nextId = 0;
/** A unique element id with a readable prefix. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Gives a toolkit radio its accessible name. The toolkit's radio sets aria-label to its whole text
 * when it is connected, so this runs after it is in the document (and again whenever it may have been reset).
 */
export function nameRadio(radio: Element, name: string): void {
  if (radio.getAttribute('aria-label') !== name) radio.setAttribute('aria-label', name);
}
