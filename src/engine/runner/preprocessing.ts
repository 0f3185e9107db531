// preprocessing.json: how a run turns rows into model inputs and outputs back into labels.
// Written once when a run starts; read by resume, eval, predict and export.

import * as path from 'node:path';
import type { EncoderState } from '../models/modelTypes';
import type { LabelCodec } from '../training/labels';
import { writeJsonAtomic } from '../../storage/atomicWrite';
import { readJsonFile } from '../../storage/readJson';

export const PREPROCESSING_FILE = 'preprocessing.json';

export interface Preprocessing {
  encoder: EncoderState;
  codec: LabelCodec;
}

function isPreprocessing(value: unknown): value is Preprocessing {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.encoder === 'object' && v.encoder !== null && typeof v.codec === 'object' && v.codec !== null;
}

export async function writePreprocessing(runDir: string, value: Preprocessing): Promise<void> {
  await writeJsonAtomic(path.join(runDir, PREPROCESSING_FILE), value);
}

export async function readPreprocessing(runDir: string): Promise<Preprocessing> {
  return readJsonFile(path.join(runDir, PREPROCESSING_FILE), isPreprocessing);
}
