// finetune train <dataset> [--model] [--technique] [--label] [--text] [--epochs] [--lr] [--batch-size]
//   [--rank] [--alpha] [--targets] [--adapter-size] [--max-length] [--seed] [--patience] [--optimizer] [--weight-decay]
//   [--class-weights] [--image-size] [--cut-layer] [--backend] [--name] [--runs-dir] [--in-process] [--json]

import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TechniqueName, TrainConfig } from '../../protocol/configTypes';
import { defaultModelFor, defaultTechniqueFor, makeTrainConfig } from '../../engine/training/trainDefaults';
import { isFolder } from '../../engine/data/images/imageFolder';
import { MOBILENET_V2_ID } from '../../engine/models/mobileNetSource';
import { inspectDataset } from '../../engine/data/inspectDataset';
import { UserError } from '../../engine/userError';
import { HF_DEFAULT_SEQUENCE_LENGTH } from '../../engine/models/hf/hfConfig';
import { isHfModelChoice } from '../../engine/models/hf/hfModelChoice';
import { parseHubModelRef } from '../../engine/zoo/hubModelRef';
import { backendOption, choiceOption, flag, numberOption, requirePositional, stringOption, techniqueOption } from '../cliArgs';
import { printerOf, storeOf, type CliContext } from '../cliContext';
import { runAndWatch } from '../runAndWatch';
import { finishMessage } from './finishMessage';

const USAGE = 'finetune train <dataset> [--technique full|features|adapter|lora] [--model nn-sentiment|mlp|PATH] [--epochs N] ...';

/**
 * `model` is the base model already resolved (the --model option, or the default for the dataset's
 * task); `technique` defaults to --technique (a sweep passes each of its techniques).
 */
export function configFromCli(ctx: CliContext, datasetPath: string, model: string, technique: TechniqueName = techniqueOption(ctx.cli) ?? defaultTechniqueFor(model)): TrainConfig {
  const c = ctx.cli;
  const base = makeTrainConfig(datasetPath, { technique, model });
  const imageSize = numberOption(c, 'image-size', { integer: true, min: 32, max: 512 });
  const cutLayer = stringOption(c, 'cut-layer');
  const targets = stringOption(c, 'targets');
  const patience = numberOption(c, 'patience', { integer: true, min: 0 });
  return {
    ...base,
    labelColumn: stringOption(c, 'label') ?? null,
    textColumn: stringOption(c, 'text') ?? null,
    epochs: numberOption(c, 'epochs', { integer: true, min: 1, max: 10000 }) ?? base.epochs,
    learningRate: numberOption(c, 'lr', { min: 1e-8, max: 10 }) ?? base.learningRate,
    batchSize: numberOption(c, 'batch-size', { integer: true, min: 1, max: 65536 }) ?? base.batchSize,
    seed: numberOption(c, 'seed', { integer: true, min: 0 }) ?? base.seed,
    optimizer: choiceOption(c, 'optimizer', ['adam', 'adamw'] as const) ?? base.optimizer,
    weightDecay: numberOption(c, 'weight-decay', { min: 0, max: 1 }) ?? base.weightDecay,
    classWeights: choiceOption(c, 'class-weights', ['none', 'balanced'] as const) ?? base.classWeights,
    earlyStopping: { ...base.earlyStopping, patience: patience ?? base.earlyStopping.patience },
    backend: backendOption(c) ?? null,
    frozenPrefixCache: choiceOption(c, 'frozen-prefix', ['auto', 'off', 'inference'] as const) ?? base.frozenPrefixCache,
    maxSequenceLength:
      numberOption(c, 'max-length', { integer: true, min: 2, max: 100000 }) ?? (isHfModelChoice(model) ? HF_DEFAULT_SEQUENCE_LENGTH : base.maxSequenceLength),
    lora: {
      ...base.lora,
      rank: numberOption(c, 'rank', { integer: true, min: 1, max: 1024 }) ?? base.lora.rank,
      alpha: numberOption(c, 'alpha', { min: 0 }) ?? base.lora.alpha,
      targets: targets ? targets.split(',').map((t) => t.trim()).filter(Boolean) : base.lora.targets,
    },
    adapter: {
      ...base.adapter,
      size: numberOption(c, 'adapter-size', { integer: true, min: 1, max: 4096 }) ?? base.adapter.size,
      after: technique === 'adapter' && targets ? targets.split(',').map((t) => t.trim()).filter(Boolean) : base.adapter.after,
    },
    ...(model === MOBILENET_V2_ID || imageSize !== undefined || cutLayer !== undefined
      ? { image: { size: imageSize ?? null, cutLayer: cutLayer ?? null } }
      : {}),
  };
}

/** A dataset may also be a folder (of class sub-folders of images). */
export async function assertReadableFile(file: string, what: string): Promise<void> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw new UserError(`The ${what} ${file} does not exist.`, { where: file, hint: 'Check the path (it is relative to the current folder).' });
  if (!stat.isFile() && !(what === 'dataset' && stat.isDirectory())) throw new UserError(`The ${what} ${file} is not a file.`, { where: file });
}

/** --model as given (existing paths made absolute; catalog and Hugging Face ids kept); null when absent or 'auto'. */
export function explicitModelOption(ctx: CliContext): string | null {
  const model = stringOption(ctx.cli, 'model');
  if (!model || model === 'auto') return null;
  if (['nn-sentiment', 'mlp', MOBILENET_V2_ID].includes(model)) return model;
  return existsSync(model) || !parseHubModelRef(model) ? path.resolve(model) : model;
}

/** --model as given (paths made absolute), or the default for the dataset's task. */
async function resolveModelOption(ctx: CliContext, datasetPath: string): Promise<string> {
  const model = explicitModelOption(ctx);
  if (model) return model;
  // A folder is an image dataset: no need to decode every image twice to learn that.
  if (await isFolder(datasetPath)) return MOBILENET_V2_ID;
  const inspection = await inspectDataset(datasetPath, { label: stringOption(ctx.cli, 'label') ?? null, text: stringOption(ctx.cli, 'text') ?? null });
  return defaultModelFor(inspection.task);
}

export async function trainCommand(ctx: CliContext): Promise<number> {
  const datasetPath = path.resolve(requirePositional(ctx.cli, 0, 'the dataset file', USAGE));
  await assertReadableFile(datasetPath, 'dataset');
  const config = configFromCli(ctx, datasetPath, await resolveModelOption(ctx, datasetPath));
  const store = storeOf(ctx);
  const run = await store.createRun(config, { name: stringOption(ctx.cli, 'name') });
  if (!flag(ctx.cli, 'json')) ctx.err(`run ${run.id}: ${config.technique} on ${path.basename(datasetPath)} (folder ${store.runDir(run.id)})\n`);
  const result = await runAndWatch(store, run.id, { resume: false, extraEpochs: 0, inProcess: flag(ctx.cli, 'in-process') }, printerOf(ctx), ctx.err);
  return finishMessage(ctx, store, run.id, result);
}
