// A small well-formedness check of XML text (no dependency): tags balance, attributes are quoted
// and unique, text holds only the five predefined entities or character references.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function checkText(text: string, where: string): void {
  const stripped = text.replace(ENTITY, '');
  if (stripped.includes('&')) throw new Error(`bare & in ${where}: ${text.slice(0, 80)}`);
  if (stripped.includes('<')) throw new Error(`bare < in ${where}`);
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Parses `xml` into a tree, throwing on the first well-formedness error. */
export function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '').trim();
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt === -1 ? body.length : lt);
    checkText(text, stack[stack.length - 1].name);
    stack[stack.length - 1].text += unescape(text);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) throw new Error(`malformed tag at ${lt}: ${body.slice(lt, lt + 60)}`);
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
    } else {
      const attributes: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) {
        if (a[1] in attributes) throw new Error(`attribute ${a[1]} twice on <${name}>`);
        checkText(a[2], `attribute ${a[1]}`);
        attributes[a[1]] = unescape(a[2]);
      }
      const element: XmlElement = { name, attributes, children: [], text: '' };
      stack[stack.length - 1].children.push(element);
      if (!selfClosing) stack.push(element);
    }
    i = tag.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (root.children.length !== 1) throw new Error(`${root.children.length} root elements`);
  return root.children[0];
}

/** Every element of the tree named `name`, depth first. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(element);
  return out;
}
