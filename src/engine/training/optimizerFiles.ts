// Optimizer state in a checkpoint folder: optimizer.json (slots, step, hyperparameters) and
// optimizer.bin (moments, little-endian float32). Each file is written atomically (temp file +
// rename); the binary first, so an optimizer.json on disk always has its buffer.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { deserializeOptimizerState, serializeOptimizerState } from './optimizerSerialization';
import type { StatefulOptimizer } from './optimizerTypes';
import { writeFileAtomic } from '../../storage/atomicWrite';

export const OPTIMIZER_JSON = 'optimizer.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

export async function saveOptimizer(dir: string, optimizer: StatefulOptimizer): Promise<void> {
  const { json, buffer } = serializeOptimizerState(await optimizer.getState());
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, OPTIMIZER_BIN), buffer);
  await writeFileAtomic(path.join(dir, OPTIMIZER_JSON), `${JSON.stringify(json, null, 2)}\n`);
}

export async function loadOptimizer(dir: string, optimizer: StatefulOptimizer): Promise<void> {
  const text = await fs.readFile(path.join(dir, OPTIMIZER_JSON), 'utf8');
  const buffer = await fs.readFile(path.join(dir, OPTIMIZER_BIN));
  const json: unknown = JSON.parse(text);
  optimizer.setState(deserializeOptimizerState(json, buffer));
}
