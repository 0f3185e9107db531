// Small datasets written into a temporary folder, for tests that train for real.

import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SeededRng } from '../../../src/engine/training/rng';

export function tempDir(prefix = 'finetune-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Two classes separated by a linear rule on four numeric features, plus a categorical column. */
export function writeTabularCsv(dir: string, rows = 240, seed = 7): string {
  const rng = new SeededRng(seed);
  const lines = ['f1,f2,f3,f4,colour,label'];
  for (let i = 0; i < rows; i++) {
    const f = [0, 0, 0, 0].map(() => rng.next() * 4 - 2);
    const colour = ['red', 'green', 'blue'][rng.nextInt(3)];
    const score = f[0] + 0.5 * f[1] - f[2] + (colour === 'red' ? 0.5 : 0);
    lines.push(`${f.map((v) => v.toFixed(4)).join(',')},${colour},${score > 0 ? 'yes' : 'no'}`);
  }
  const file = path.join(dir, 'tabular.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A regression target that is a noisy linear function of three features. */
export function writeRegressionCsv(dir: string, rows = 200, seed = 11): string {
  const rng = new SeededRng(seed);
  const lines = ['a,b,c,price'];
  for (let i = 0; i < rows; i++) {
    const a = rng.next() * 10;
    const b = rng.next() * 5;
    const c = rng.next();
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${c.toFixed(3)},${(100 + 12 * a - 7 * b + 3 * c + rng.next()).toFixed(3)}`);
  }
  const file = path.join(dir, 'regression.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const POSITIVE = ['great', 'love', 'excellent', 'wonderful', 'best', 'happy', 'amazing', 'good', 'perfect', 'fantastic'];
const NEGATIVE = ['awful', 'hate', 'terrible', 'worst', 'bad', 'poor', 'horrible', 'disappointing', 'broken', 'waste'];
const FILLER = ['the', 'product', 'this', 'is', 'was', 'and', 'it', 'my', 'order', 'really', 'very', 'a', 'service'];

/** Short reviews whose words carry the label, in English words that nn-sentiment knows. */
export function writeTextCsv(dir: string, rows = 120, seed = 3): string {
  const rng = new SeededRng(seed);
  const lines = ['review,sentiment'];
  for (let i = 0; i < rows; i++) {
    const positive = i % 2 === 0;
    const words: string[] = [];
    const n = 6 + rng.nextInt(8);
    for (let w = 0; w < n; w++) {
      const pool = w % 3 === 0 ? (positive ? POSITIVE : NEGATIVE) : FILLER;
      words.push(pool[rng.nextInt(pool.length)]);
    }
    lines.push(`"${words.join(' ')} (${i})",${positive ? 'good' : 'bad'}`);
  }
  const file = path.join(dir, 'reviews.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
