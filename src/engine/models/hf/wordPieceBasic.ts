// BERT "basic" tokenization, as the Hugging Face BertNormalizer + BertPreTokenizer do it: drop
// control characters, turn whitespace into spaces, put spaces around CJK ideographs, lowercase and
// strip accents when asked, then split on whitespace and on every punctuation character.

export interface BasicTokenizerOptions {
  /** Lowercase the text (BERT uncased). */
  lowercase: boolean;
  /** Strip accents; null follows `lowercase`. */
  stripAccents: boolean | null;
  /** Put spaces around CJK ideographs so each is its own word. */
  handleChineseChars: boolean;
  /** Drop control characters and turn all whitespace into spaces (default true). */
  cleanText?: boolean;
}

const CONTROL = /^\p{C}$/u;
const WHITE_SPACE = /^\p{White_Space}$/u;
const PUNCTUATION = /^\p{P}$/u;
const NONSPACING_MARK = /\p{Mn}/gu;

/** Whitespace as BERT sees it: tab, newline, carriage return, or Unicode White_Space. */
export function isBertWhitespace(ch: string): boolean {
  return ch === '\t' || ch === '\n' || ch === '\r' || WHITE_SPACE.test(ch);
}

/** Control characters BERT removes: Unicode category C*, except tab, newline and carriage return. */
export function isBertControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

/** Punctuation as BERT sees it: every non-alphanumeric printable ASCII character, plus Unicode P*. */
export function isBertPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return PUNCTUATION.test(ch);
}

/** The CJK Unified Ideograph blocks of the original BERT code (not Hiragana, Katakana or Hangul). */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** NFD, then drop nonspacing marks (é → e). */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(NONSPACING_MARK, '');
}

/** The normalizer step: clean, space out CJK, lowercase and strip accents per the options. */
export function bertNormalize(text: string, options: BasicTokenizerOptions): string {
  const clean = options.cleanText ?? true;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (clean && (cp === 0 || cp === 0xfffd || isBertControl(ch))) continue;
    if (clean && isBertWhitespace(ch)) out += ' ';
    else if (options.handleChineseChars && isCjkIdeograph(cp)) out += ` ${ch} `;
    else out += ch;
  }
  if (options.lowercase) out = out.toLowerCase();
  if (options.stripAccents ?? options.lowercase) out = stripAccents(out);
  return out;
}

/** The pre-tokenizer step: words split on whitespace, each punctuation character a word of its own. */
export function bertPreTokenize(text: string): string[] {
  const words: string[] = [];
  let current = '';
  for (const ch of text) {
    if (isBertWhitespace(ch)) {
      if (current) words.push(current);
      current = '';
    } else if (isBertPunctuation(ch)) {
      if (current) words.push(current);
      words.push(ch);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) words.push(current);
  return words;
}
