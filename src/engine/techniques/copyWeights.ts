// Copies weights from one model into another built from an edited copy of its JSON: layer by
// layer name, weight by weight. Within a layer a weight is matched by its original (scoped) name,
// e.g. 'dense1/kernel', which is the same in both models because the layer names are; a weight
// whose name has no match takes the source weight at the same position (the weight order of a
// tfjs layer is its creation order). Shapes must agree. Extra target weights (lora_A, adapter
// weights, …) keep their initial values.

import type * as tf from '@tensorflow/tfjs';

function targetWeightFor(
  source: tf.LayerVariable,
  index: number,
  targetWeights: readonly tf.LayerVariable[],
): tf.LayerVariable | undefined {
  return targetWeights.find((w) => w.originalName === source.originalName) ?? targetWeights[index];
}

/** Copies every weight of `source`'s layers into `target`'s layers of the same name, except skipped layers. */
export function copyWeightsByLayerName(
  source: tf.LayersModel,
  target: tf.LayersModel,
  skip: ReadonlySet<string> = new Set(),
): void {
  const targetLayers = new Map(target.layers.map((layer) => [layer.name, layer]));
  for (const layer of source.layers) {
    if (skip.has(layer.name) || layer.weights.length === 0) continue;
    const into = targetLayers.get(layer.name);
    if (into === undefined) {
      throw new Error(`Copying weights: layer '${layer.name}' is missing from the new model.`);
    }
    layer.weights.forEach((weight, index) => {
      const dest = targetWeightFor(weight, index, into.weights);
      if (dest === undefined || dest.shape.join(',') !== weight.shape.join(',')) {
        throw new Error(
          `Copying weights: '${weight.originalName}' [${weight.shape.join(', ')}] has no counterpart of the same shape in layer '${layer.name}' of the new model.`,
        );
      }
      dest.write(weight.read());
    });
  }
}
