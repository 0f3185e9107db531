// Classifying cell values: numbers, boolean words, emptiness.

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Words that, two of them in a column, make it a boolean column (with 0/1 as the digits' part). */
const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'y', 'n', 't', 'f']);

/** True for a trimmed value that is a finite decimal number ("1", "-2.5", "3e4"; not "NaN", "0x1f"). */
export function isNumericValue(trimmed: string): boolean {
  return trimmed.length > 0 && trimmed.length < 400 && NUMBER.test(trimmed) && Number.isFinite(Number(trimmed));
}

/** True for a trimmed value that is a boolean word (true/false/yes/no/y/n/t/f, any case). */
export function isBooleanWord(trimmed: string): boolean {
  return BOOLEAN_WORDS.has(trimmed.toLowerCase());
}

/** True for "0" or "1", the digits a boolean column may mix with words. */
export function isBooleanDigit(trimmed: string): boolean {
  return trimmed === '0' || trimmed === '1';
}
