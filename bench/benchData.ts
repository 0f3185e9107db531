// The generated inputs of `npm run bench`: reviews long enough to fill every model's sequence
// (BERT-mini's 128 tokens, nn-sentiment's 100), the tabular fixture, and a random checkpoint in
// Hugging Face format with BERT-mini's shapes. Written once per bench run into one folder.

import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SeededRng } from '../src/engine/training/rng';
import { writeTabularCsv } from '../test/unit/helpers/fixtures';
import { makeTinyCheckpoint, TINY_WORDS, writeTinyCheckpoint } from '../test/unit/hf/tinyHfCheckpoint';
import { BERT_MINI } from './benchCases';

/** BERT-mini's vocabulary: the fixture's words plus filler words up to ~8,000 entries (as bench/gpuCheck.ts). */
export const MINI_WORDS: readonly string[] = [...TINY_WORDS, ...Array.from({ length: 8000 }, (_, i) => `w${i}`)];

const POSITIVE = ['great', 'love', 'excellent', 'wonderful', 'best', 'happy', 'amazing', 'good', 'perfect', 'fantastic'];
const NEGATIVE = ['awful', 'hate', 'terrible', 'worst', 'bad', 'poor', 'horrible', 'disappointing', 'broken', 'waste'];
const FILLER = ['the', 'product', 'this', 'is', 'was', 'and', 'it', 'my', 'order', 'really', 'very', 'a', 'service'];

/** Words per review: more than any model's sequence, so every position holds a real token. */
const WORDS_PER_REVIEW = 160;

/** `rows` reviews of 160 words (sentiment words, English filler and vocabulary filler), two classes. */
export function writeLongTextCsv(dir: string, rows: number, seed = 5): string {
  const rng = new SeededRng(seed);
  const lines = ['review,sentiment'];
  for (let i = 0; i < rows; i++) {
    const positive = i % 2 === 0;
    const words: string[] = [];
    for (let w = 0; w < WORDS_PER_REVIEW; w++) {
      const pick = w % 4;
      const pool = pick === 0 ? (positive ? POSITIVE : NEGATIVE) : pick === 1 ? FILLER : null;
      words.push(pool === null ? `w${rng.nextInt(8000)}` : pool[rng.nextInt(pool.length)]);
    }
    lines.push(`${words.join(' ')},${positive ? 'good' : 'bad'}`);
  }
  const file = path.join(dir, `reviews-${rows}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The tabular fixture (four numeric columns and a categorical one, two classes). */
export function writeBenchTabularCsv(dir: string, rows: number): string {
  return writeTabularCsv(dir, rows);
}

/** The BERT-mini-shaped random checkpoint folder (written on first use); returns [folder, vocabulary size]. */
export function bertMiniCheckpoint(dir: string): { folder: string; vocab: number } {
  const folder = path.join(dir, 'bert-mini');
  const spec = {
    architecture: 'bert' as const,
    hidden: BERT_MINI.hidden,
    layers: BERT_MINI.layers,
    heads: BERT_MINI.heads,
    intermediate: BERT_MINI.ffn,
    maxPositions: BERT_MINI.maxPositions,
    words: MINI_WORDS,
    scale: 0.02,
    dropout: BERT_MINI.dropout,
  };
  const vocab = MINI_WORDS.length + 5;
  if (!existsSync(path.join(folder, 'model.safetensors'))) writeTinyCheckpoint(folder, makeTinyCheckpoint(spec));
  return { folder, vocab };
}
