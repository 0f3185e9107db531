// Checks of what users type into input boxes: a message when invalid, null when fine
// (the shape showInputBox's validateInput expects).

export const MAX_EPOCHS = 1000;

export function parseEpochs(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= 1 && value <= MAX_EPOCHS ? value : null;
}

export function validateEpochs(text: string): string | null {
  return parseEpochs(text) === null ? `Enter a whole number of epochs from 1 to ${MAX_EPOCHS}.` : null;
}

export function parseLearningRate(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) && value > 0 && value <= 1 ? value : null;
}

export function validateLearningRate(text: string): string | null {
  return parseLearningRate(text) === null ? 'Enter a learning rate above 0 and at most 1, e.g. 0.002 or 2e-3.' : null;
}

export function validateRunName(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return 'A run needs a name.';
  if (trimmed.length > 200) return 'Keep the name under 200 characters.';
  return null;
}

/** For tabular Try It: a JSON object holding every feature column. */
export function validateColumnsJson(text: string, features: readonly string[]): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'Enter a JSON object of column values, e.g. {"age": 42, "city": "Oslo"}.';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'Enter a JSON object (in braces) of column values.';
  const missing = features.filter((feature) => !(feature in parsed));
  return missing.length > 0 ? `Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.` : null;
}

/** A JSON object with every feature column, to fill in. */
export function columnsTemplate(features: readonly string[]): string {
  return JSON.stringify(Object.fromEntries(features.map((feature) => [feature, ''])));
}
