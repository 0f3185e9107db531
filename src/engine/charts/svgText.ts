// Building SVG text safely: escaped text and attributes, a fixed palette, rounded coordinates.

/** Escapes the five XML special characters, and drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate with at most one decimal, so files stay small and diff well. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** An element with attributes (escaped) and optional content (already SVG). */
export function element(name: string, attributes: Record<string, string | number | undefined>, content?: string): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(typeof value === 'number' ? px(value) : value)}"`)
    .join('');
  return content === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

/** A text element; `text` is escaped. */
export function textElement(text: string, attributes: Record<string, string | number | undefined>): string {
  return element('text', attributes, escapeXml(text));
}

/** Ten colours that stay apart for the common kinds of colour blindness (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function paletteColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** A rough width of `text` in pixels at `fontSize` (no font metrics in plain Node). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.58;
}

/** The document wrapper: size, view box, white background (readable in dark Markdown previews), font. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    element('title', {}, escapeXml(title)),
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
