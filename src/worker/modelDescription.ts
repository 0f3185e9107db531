// Answers model/describe: builds the models exactly as a new run with this config would (same
// data preparation, base, technique and head) and counts their parameters. Counting needs no
// accelerator, so the plain JavaScript backend is used and nothing is smoke-tested.

import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../protocol/configTypes';
import type { ModelDescription } from '../protocol/workerProtocol';
import { buildFreshModels, countModelParams, resolveModelChoice } from '../engine/runner/buildModels';
import { fitLabelCodec } from '../engine/training/labels';
import { prepareData } from '../engine/training/prepareData';

export async function describeModelFor(config: TrainConfig): Promise<ModelDescription> {
  if (!(await tf.setBackend('cpu'))) throw new Error("TensorFlow.js' cpu backend failed to initialize.");
  await tf.ready();
  const data = await prepareData(config);
  const codec = fitLabelCodec(data.task, data.classes, data.split.train);
  const { models } = await buildFreshModels(config, data, codec);
  try {
    // As executeRun: with cached features the base never runs in a training step.
    const throughBase = config.technique !== 'features' || !config.cacheFeatures;
    const params = countModelParams(models, throughBase);
    return { totalParams: params.total, trainableParams: params.trainable, technique: config.technique, model: resolveModelChoice(config, data.task) };
  } finally {
    models.base.dispose();
    models.head.dispose();
  }
}
