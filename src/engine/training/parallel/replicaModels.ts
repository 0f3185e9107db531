// Copies of the run's models for the worker threads: the main saves each model in memory (the
// same topology + weights a checkpoint holds, so every registered layer class round-trips as a
// resume does) and a worker loads them back with the same layer registrations.

import * as tf from '@tensorflow/tfjs';
import '../../models/customLayers';
import { weightDataBytes } from '../../models/fsModelIo';
import type { ModelPair } from '../forward';
import type { ModelArtifactsMessage } from './parallelProtocol';

function oneBuffer(data: tf.io.WeightData | undefined): ArrayBuffer {
  return data === undefined ? new ArrayBuffer(0) : weightDataBytes(data).buffer;
}

export async function modelToMessage(model: tf.LayersModel): Promise<ModelArtifactsMessage> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (artifacts === null || artifacts.modelTopology === undefined || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('Multi-core training: the model could not be serialised for the worker threads.');
  }
  return {
    modelTopology: artifacts.modelTopology,
    weightSpecs: (artifacts.weightSpecs ?? []).map((s) => ({ name: s.name, shape: [...s.shape], dtype: s.dtype })),
    weightData: oneBuffer(artifacts.weightData),
  };
}

export async function modelFromMessage(message: ModelArtifactsMessage): Promise<tf.LayersModel> {
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: message.modelTopology,
    weightSpecs: message.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: message.weightData,
  };
  return tf.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
}

export async function pairFromMessages(base: ModelArtifactsMessage, head: ModelArtifactsMessage): Promise<ModelPair> {
  return { base: await modelFromMessage(base), head: await modelFromMessage(head) };
}

/** Bytes of every weight of both models (what each replica holds). */
export function replicaBytes(models: ModelPair): number {
  const count = (m: tf.LayersModel): number => m.weights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1) * 4, 0);
  return count(models.base) + count(models.head);
}
