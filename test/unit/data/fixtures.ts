// Test fixtures: small dataset files written into a fresh temporary folder.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FixtureDir {
  /** Writes a file (text or bytes) and returns its path. */
  write(name: string, content: string | Buffer): string;
  /** Path of a file in the folder. */
  path(name: string): string;
  remove(): void;
}

export function fixtureDir(): FixtureDir {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-data-'));
  return {
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const WORDS = ['good', 'bad', 'tasty', 'stale', 'fresh', 'sweet', 'bland', 'crisp', 'great', 'awful', 'coffee', 'tea', 'snack'];

/** A distinct review-like sentence, long enough to make its column a text column. */
export function sentence(i: number): string {
  const words = [WORDS[i % WORDS.length], WORDS[(i * 7 + 3) % WORDS.length], WORDS[(i * 5 + 1) % WORDS.length]];
  return `Review number ${i}: this product was ${words.join(' and ')}, I would say so again.`;
}
