// WordPiece tokenization from a BERT `vocab.txt` (one token per line, id = line number), for models
// that ship no tokenizer.json: special tokens in the text are kept whole, the rest goes through BERT
// basic tokenization, then greedy longest-match-first WordPiece with the `##` continuation prefix.

import { bertNormalize, bertPreTokenize, type BasicTokenizerOptions } from './wordPieceBasic';

/** Words longer than this (in characters) become the unknown token, as in BERT. */
export const MAX_CHARS_PER_WORD = 100;

export interface WordPieceVocab {
  /** token → id (a token listed twice keeps its last line, as transformers does) */
  ids: Map<string, number>;
  /** Number of lines, i.e. one more than the largest id. */
  size: number;
}

/** Parses vocab.txt text: one token per line, `\r\n` or `\n`, final newline optional. */
export function parseVocabTxt(text: string): WordPieceVocab {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const ids = new Map<string, number>();
  lines.forEach((line, i) => ids.set(line.endsWith('\r') ? line.slice(0, -1) : line, i));
  return { ids, size: lines.length };
}

export interface WordPieceOptions extends BasicTokenizerOptions {
  /** The unknown token, e.g. "[UNK]" (must be in the vocabulary). */
  unkToken: string;
  /** Tokens matched verbatim in the raw text and never split, e.g. "[CLS]", "[MASK]". */
  specialTokens: readonly string[];
  /** Continuation prefix of word pieces after the first. */
  continuingSubwordPrefix?: string;
}

export class WordPieceTokenizer {
  private readonly unkId: number;
  private readonly specials: string[];
  private readonly prefix: string;

  constructor(private readonly vocab: WordPieceVocab, private readonly options: WordPieceOptions) {
    const unk = vocab.ids.get(options.unkToken);
    if (unk === undefined) throw new Error(`the unknown token ${options.unkToken} is not in the vocabulary`);
    this.unkId = unk;
    this.specials = [...new Set(options.specialTokens)].filter((t) => t.length > 0 && vocab.ids.has(t)).sort((a, b) => b.length - a.length);
    this.prefix = options.continuingSubwordPrefix ?? '##';
  }

  /** Token strings of `text`, without [CLS]/[SEP]. */
  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const segment of this.splitOnSpecials(text)) {
      if (segment.special) {
        out.push(segment.text);
        continue;
      }
      for (const word of bertPreTokenize(bertNormalize(segment.text, this.options))) out.push(...this.wordPieces(word));
    }
    return out;
  }

  /** Token ids of `text`, without [CLS]/[SEP]. */
  encode(text: string): number[] {
    return this.tokenize(text).map((t) => this.vocab.ids.get(t) ?? this.unkId);
  }

  /** Greedy longest-match-first pieces of one word; the unknown token if any part has no match. */
  wordPieces(word: string): string[] {
    const chars = [...word];
    if (chars.length > MAX_CHARS_PER_WORD) return [this.options.unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | null = null;
      while (start < end) {
        const piece = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        if (this.vocab.ids.has(piece)) {
          found = piece;
          break;
        }
        end -= 1;
      }
      if (found === null) return [this.options.unkToken];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  /** Splits raw text around special tokens (leftmost, then longest match). */
  private splitOnSpecials(text: string): Array<{ text: string; special: boolean }> {
    if (this.specials.length === 0) return [{ text, special: false }];
    const out: Array<{ text: string; special: boolean }> = [];
    let plainStart = 0;
    let i = 0;
    while (i < text.length) {
      const match = this.specials.find((s) => text.startsWith(s, i));
      if (match === undefined) {
        i += 1;
        continue;
      }
      if (i > plainStart) out.push({ text: text.slice(plainStart, i), special: false });
      out.push({ text: match, special: true });
      i += match.length;
      plainStart = i;
    }
    if (plainStart < text.length) out.push({ text: text.slice(plainStart), special: false });
    return out;
  }
}
