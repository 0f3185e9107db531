// Checkpoint folders: checkpoints/<name>/{base/, head/, optimizer.json, optimizer.bin, state.json}.
// A checkpoint is written into a temporary folder and renamed into place, so a crash while
// saving leaves the previous checkpoint readable.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CheckpointState } from '../../protocol/runTypes';
import { loadLayersModelFromDir, saveLayersModelToDir } from '../models/fsModelIo';
import '../models/customLayers';
import { writeJsonAtomic } from '../../storage/atomicWrite';
import type { ModelPair } from './forward';
import { loadOptimizer, saveOptimizer } from './optimizerFiles';
import type { AdamW } from './optimizer';
import type { TrainingState } from './trainingState';
import { UserError } from '../userError';

export function toCheckpointState(name: string, state: TrainingState, metric: string, value: number | null): CheckpointState {
  return {
    name,
    epoch: state.epoch,
    step: state.step,
    batchInEpoch: state.batchInEpoch,
    rngState: state.epochRngState,
    bestValue: state.bestValue,
    bestEpoch: state.bestEpoch,
    badValidations: state.badValidations,
    metric,
    value,
    time: new Date().toISOString(),
    trainingSeconds: state.trainingSeconds,
  };
}

export function fromCheckpointState(c: CheckpointState): TrainingState {
  return {
    epoch: c.epoch,
    step: c.step,
    batchInEpoch: c.batchInEpoch,
    epochRngState: c.rngState,
    bestValue: c.bestValue,
    bestEpoch: c.bestEpoch,
    badValidations: c.badValidations,
    trainingSeconds: c.trainingSeconds ?? 0,
  };
}

export async function saveCheckpoint(
  checkpointsDir: string,
  name: string,
  parts: { models: ModelPair; optimizer: AdamW; state: CheckpointState },
): Promise<string> {
  await fs.mkdir(checkpointsDir, { recursive: true });
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  // Hidden names: listings skip checkpoints being assembled or replaced.
  const tmp = path.join(checkpointsDir, `.${name}.tmp-${suffix}`);
  const final = path.join(checkpointsDir, name);
  await fs.mkdir(tmp, { recursive: true });
  await saveLayersModelToDir(parts.models.base, path.join(tmp, 'base'));
  await saveLayersModelToDir(parts.models.head, path.join(tmp, 'head'));
  await saveOptimizer(tmp, parts.optimizer);
  await writeJsonAtomic(path.join(tmp, 'state.json'), parts.state);
  const old = path.join(checkpointsDir, `.${name}.old-${suffix}`);
  const hadOld = await exists(final);
  if (hadOld) await fs.rename(final, old);
  await fs.rename(tmp, final);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
  return final;
}

/** The folder of a checkpoint, recovering from a crash between the two renames of a save. */
export async function resolveCheckpointDir(checkpointsDir: string, name: string): Promise<string> {
  const final = path.join(checkpointsDir, name);
  if (await exists(path.join(final, 'state.json'))) return final;
  const entries = await fs.readdir(checkpointsDir).catch(() => [] as string[]);
  const old = entries.filter((e) => e.startsWith(`.${name}.old-`)).sort().pop();
  if (old && (await exists(path.join(checkpointsDir, old, 'state.json')))) return path.join(checkpointsDir, old);
  throw new UserError(`Checkpoint "${name}" was not found in ${checkpointsDir}.`, {
    where: checkpointsDir,
    hint: 'List the run\'s checkpoints with `finetune runs`; a run stopped before its first checkpoint must be started again.',
  });
}

export async function loadCheckpointModels(dir: string): Promise<ModelPair> {
  const [base, head] = await Promise.all([
    loadLayersModelFromDir(path.join(dir, 'base')),
    loadLayersModelFromDir(path.join(dir, 'head')),
  ]);
  return { base, head };
}

export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  return JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')) as CheckpointState;
}

export async function loadCheckpointOptimizer(dir: string, optimizer: AdamW): Promise<void> {
  await loadOptimizer(dir, optimizer);
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
