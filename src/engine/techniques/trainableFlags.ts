// Freezing and unfreezing, both in a model's JSON (so the flag survives save and load) and in a
// built model (so the tf.Variables themselves stop being trainable).
//
// Why both: a layer deserialized with `trainable: false` drops out of `model.trainableWeights`,
// but its weights are still created as trainable tf.Variables; `optimizer.minimize(f)` without
// an explicit variable list (it then uses every trainable variable) would still update them.
// Setting the flags on the built model closes that hole. Always pass `model.trainableWeights`
// as the variable list anyway (see the techniques tests).

import * as tf from '@tensorflow/tfjs';
import type { FunctionalModelJson } from './modelJson';
import { isConfigDict } from './modelJson';

function setTrainableInConfig(config: tf.serialization.ConfigDict, trainable: boolean): void {
  const nested = config['layers'];
  if (Array.isArray(nested)) {
    // A nested model: its own config has no trainable flag; its layers do.
    for (const entry of nested) {
      if (isConfigDict(entry) && isConfigDict(entry['config'])) setTrainableInConfig(entry['config'], trainable);
    }
    return;
  }
  if ('trainable' in config) config['trainable'] = trainable;
}

/** Sets `trainable` in the JSON of every layer: true for the names in `trainable`, false for the rest. */
export function setTrainableFlagsInJson(json: FunctionalModelJson, trainable: ReadonlySet<string>): void {
  for (const layer of json.layers) {
    if (layer.className === 'InputLayer') continue;
    setTrainableInConfig(layer.config, trainable.has(layer.name));
  }
}

/** Sets a built layer (and, for a nested model, its layers) trainable or frozen, variables included. */
export function setLayerTrainable(layer: tf.layers.Layer, trainable: boolean): void {
  if (layer instanceof tf.LayersModel) {
    layer.layers.forEach((inner) => setLayerTrainable(inner, trainable));
  }
  layer.trainable = trainable;
  if (!trainable) layer.weights.forEach((w) => (w.trainable = false));
}

/** Applies the JSON's flags to a model built from it. */
export function applyTrainableFlags(model: tf.LayersModel, trainable: ReadonlySet<string>): void {
  for (const layer of model.layers) {
    if (layer.weights.length > 0) setLayerTrainable(layer, trainable.has(layer.name));
  }
}
