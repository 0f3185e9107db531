// Turns a parsed JSON object into cell values: strings stay, numbers and booleans become text,
// null becomes empty, nested arrays and objects become their JSON text.

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonCells(object: Record<string, unknown>): Map<string, string> {
  const cells = new Map<string, string>();
  for (const [key, value] of Object.entries(object)) cells.set(key, cellText(value));
  return cells;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A short description of a JSON value that is not an object, for problem messages. */
export function describeJsonValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
