// Folds LoRA into plain layers: every LoraDense becomes a Dense with kernel W + (alpha/r)·A·B and
// the same bias; every FtBidirectionalGru, FtLstm or FtBidirectionalLstm with LoRA becomes the same layer with lora_rank 0 and
// its merged kernels. Adapters stay (a non-linear bottleneck cannot be folded into a weight).
// The result is a new model; the input model is untouched. Layer trainable flags are kept.

import * as tf from '@tensorflow/tfjs';
import { FtBidirectionalGru, mergeBidirectionalGruLora } from '../models/bidirectionalGru';
import { FtLstmBase } from '../models/lstmLayerBase';
import { copyWeightsByLayerName } from './copyWeights';
import { LoraDense } from './loraDense';
import { buildModelFromJson, readModelJson } from './modelJson';
import { applyTrainableFlags } from './trainableFlags';

type ConfigDict = tf.serialization.ConfigDict;

function denseConfig(config: ConfigDict): ConfigDict {
  return {
    name: config['name'] ?? null,
    trainable: config['trainable'] ?? true,
    ...(config['dtype'] !== undefined ? { dtype: config['dtype'] } : {}),
    ...(config['batch_input_shape'] !== undefined ? { batch_input_shape: config['batch_input_shape'] } : {}),
    units: config['units'] ?? null,
    activation: config['activation'] ?? 'linear',
    use_bias: config['use_bias'] ?? true,
  };
}

function writeByName(layer: tf.layers.Layer, suffix: string, value: tf.Tensor): void {
  const weight = layer.weights.find((w) => w.originalName === `${layer.name}/${suffix}`)
    ?? layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
  if (weight === undefined) throw new Error(`mergeLora: layer '${layer.name}' has no weight '${suffix}'.`);
  weight.write(value);
}

export async function mergeLora(model: tf.LayersModel): Promise<tf.LayersModel> {
  const json = readModelJson(model);
  const merged = new Map<string, (into: tf.layers.Layer) => void>();
  for (const entry of json.layers) {
    const layer = model.getLayer(entry.name);
    if (layer instanceof LoraDense) {
      entry.className = 'Dense';
      entry.config = denseConfig(entry.config);
      merged.set(entry.name, (into) => {
        const kernel = layer.mergedKernel();
        const bias = layer.biasValue();
        writeByName(into, 'kernel', kernel);
        if (bias !== null) writeByName(into, 'bias', bias);
        tf.dispose([kernel, ...(bias === null ? [] : [bias])]);
      });
    } else if (layer instanceof FtBidirectionalGru && layer.loraRank > 0) {
      entry.config = { ...entry.config, lora_rank: 0, lora_alpha: 0, lora_dropout: 0, lora_seed: 0 };
      merged.set(entry.name, (into) => {
        if (!(into instanceof FtBidirectionalGru)) throw new Error(`mergeLora: '${entry.name}' did not rebuild as FtBidirectionalGru.`);
        const { weights } = mergeBidirectionalGruLora(layer);
        into.setKerasOrderWeights(weights);
        tf.dispose(weights);
      });
    } else if (layer instanceof FtLstmBase && layer.loraRank > 0) {
      entry.config = { ...entry.config, lora_rank: 0, lora_alpha: 0, lora_dropout: 0, lora_seed: 0 };
      merged.set(entry.name, (into) => {
        if (!(into instanceof FtLstmBase)) throw new Error(`mergeLora: '${entry.name}' did not rebuild as ${layer.getClassName()}.`);
        const weights = layer.mergedKerasOrderWeights();
        into.setKerasOrderWeights(weights);
        tf.dispose(weights);
      });
    }
  }
  const out = await buildModelFromJson(json);
  copyWeightsByLayerName(model, out, new Set(merged.keys()));
  for (const [name, write] of merged) write(out.getLayer(name));
  const trainable = new Set(model.layers.filter((l) => l.trainable).map((l) => l.name));
  applyTrainableFlags(out, trainable);
  return out;
}
