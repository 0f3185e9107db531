// Loads a finished (or stopped) run for evaluation, prediction and export: a checkpoint's
// models, the run's encoder and label codec.

import type { RunRecord } from '../../protocol/runTypes';
import type { RunStore } from '../../storage/runStore';
import type { InputEncoder } from '../models/modelTypes';
import type { ModelPair } from '../training/forward';
import type { LabelCodec } from '../training/labels';
import { loadCheckpointModels, resolveCheckpointDir } from '../training/checkpointIo';
import { restoreEncoder } from './buildModels';
import { readPreprocessing } from './preprocessing';

export interface LoadedRun {
  run: RunRecord;
  checkpoint: string;
  checkpointDir: string;
  models: ModelPair;
  encoder: InputEncoder;
  codec: LabelCodec;
}

export async function loadRun(store: RunStore, run: RunRecord, checkpoint = 'best'): Promise<LoadedRun> {
  const checkpointDir = await resolveCheckpointDir(store.paths(run.id).checkpoints, checkpoint);
  const pre = await readPreprocessing(store.runDir(run.id));
  const [models, encoder] = await Promise.all([loadCheckpointModels(checkpointDir), restoreEncoder(pre.encoder, run.config)]);
  return { run, checkpoint, checkpointDir, models, encoder, codec: pre.codec };
}

export function disposeRun(loaded: LoadedRun): void {
  loaded.models.base.dispose();
  loaded.models.head.dispose();
}
