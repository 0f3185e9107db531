// Shared set-up of the zoo tests: a tiny generated "model" repository, and a look at a cache folder.

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import * as path from 'node:path';
import type { CatalogFile } from '../../../src/engine/zoo/catalogTypes';
import type { HubModelRef } from '../../../src/engine/zoo/hubModelRef';
import { bytes } from './fakeHub';

export const REPO = 'test-org/tiny-bert';

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder, deleted when the test process exits. */
export function zooTemp(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'finetune-zoo-'));
  made.push(dir);
  return dir;
}

/** Files of a small BERT-shaped repository (the bytes need not be a real model for download tests). */
export function tinyRepoFiles(weights = 200_000): Record<string, Buffer> {
  return {
    'config.json': Buffer.from(JSON.stringify({ model_type: 'bert', hidden_size: 8, num_hidden_layers: 1 })),
    'vocab.txt': Buffer.from('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n'),
    'tokenizer_config.json': Buffer.from('{"do_lower_case": true}'),
    'model.safetensors': bytes(weights, 7),
  };
}

/** A hub reference with explicit files (as a catalog entry would have). */
export function refWith(files: CatalogFile[], repo = REPO, revision = 'main'): HubModelRef {
  return { id: repo, repo, revision, files, oneOf: [['tokenizer.json', 'vocab.txt']], entry: null };
}

export const STANDARD_FILES: CatalogFile[] = [
  { name: 'config.json', required: true },
  { name: 'tokenizer.json', required: false },
  { name: 'tokenizer_config.json', required: false },
  { name: 'special_tokens_map.json', required: false },
  { name: 'vocab.txt', required: false },
  { name: 'model.safetensors', required: true },
];

function listRecursive(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(p).isDirectory()) out.push(`${rel}/`, ...listRecursive(p, rel));
    else out.push(rel);
  }
  return out;
}

/** What the cache holds: placed model folders' files and everything under .partial. */
export function cacheState(cacheDir: string): { models: string[]; partial: string[] } {
  return { models: listRecursive(path.join(cacheDir, 'models')), partial: listRecursive(path.join(cacheDir, '.partial')) };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Waits until `file` holds at least `size` bytes (polling; gives up after a generous limit). */
export async function waitForSize(file: string, size: number): Promise<void> {
  for (let i = 0; i < 4000 && sizeOf(file) < size; i++) await delay(5);
}
