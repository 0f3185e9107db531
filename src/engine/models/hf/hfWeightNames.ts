// The rule between our layers' weights and Hugging Face tensor names. Layers are named after the
// HF modules they stand for, so the tensor name follows from the layer name and class:
//   Dense:              <layer>.weight (PyTorch Linear [out, in] = our kernel [in, out] transposed), <layer>.bias
//   HfLayerNorm (and tfjs LayerNormalization): <layer>.weight / <layer>.bias (older checkpoints:
//                       <layer>.gamma / <layer>.beta)
//   HfEmbeddings:       <layer>.word_embeddings.weight, .position_embeddings.weight, .token_type_embeddings.weight
// Encoder tensors carry the model prefix ('bert.', 'distilbert.', 'roberta.') inside a
// *ForSequenceClassification checkpoint, and often none in a bare model's checkpoint; head
// tensors (classifier, pre_classifier) never do.

import type * as tf from '@tensorflow/tfjs';
import type { HfArchitecture } from './hfConfig';
import { HF_EMBEDDING_WEIGHTS, HfEmbeddings } from './hfEmbeddings';
import { HfLayerNorm } from './hfLayerNorm';

/** The attribute prefix of the encoder inside HF's task models. */
export const HF_MODEL_PREFIX: Readonly<Record<HfArchitecture, string>> = { bert: 'bert', distilbert: 'distilbert', roberta: 'roberta' };

/** One weight of our model and the HF tensor it corresponds to. */
export interface HfTensorSlot {
  /** HF name without the model prefix (modern spelling). */
  name: string;
  /** Other accepted spellings (without prefix). */
  alternatives: string[];
  /** The weight in our model. */
  variable: tf.LayerVariable;
  /** The weight's layer. */
  layer: string;
  /** True when the HF tensor is the transpose of our weight (Linear weights). */
  transpose: boolean;
  /** Our weight's shape. */
  shape: number[];
}

function suffixOf(variable: tf.LayerVariable): string {
  const name = variable.originalName;
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Throws for a weight that has no HF counterpart (e.g. an adapter, or a LoRA layer not merged). */
function unmapped(layer: tf.layers.Layer, variable: tf.LayerVariable): never {
  throw new Error(
    `Weight '${variable.originalName}' of layer '${layer.name}' (${layer.getClassName()}) has no Hugging Face counterpart.`,
  );
}

function slotsOfLayer(layer: tf.layers.Layer): HfTensorSlot[] {
  const className = layer.getClassName();
  return layer.weights.map((variable) => {
    const suffix = suffixOf(variable);
    const base = { variable, layer: layer.name, shape: variable.shape.map((d) => d ?? 0) };
    if (className === 'Dense') {
      if (suffix === 'kernel') return { ...base, name: `${layer.name}.weight`, alternatives: [], transpose: true };
      if (suffix === 'bias') return { ...base, name: `${layer.name}.bias`, alternatives: [], transpose: false };
    } else if (className === 'LayerNormalization' || className === HfLayerNorm.className) {
      if (suffix === 'gamma') return { ...base, name: `${layer.name}.weight`, alternatives: [`${layer.name}.gamma`], transpose: false };
      if (suffix === 'beta') return { ...base, name: `${layer.name}.bias`, alternatives: [`${layer.name}.beta`], transpose: false };
    } else if (layer instanceof HfEmbeddings) {
      const tables: string[] = Object.values(HF_EMBEDDING_WEIGHTS);
      if (tables.includes(suffix)) return { ...base, name: `${layer.name}.${suffix}.weight`, alternatives: [], transpose: false };
    }
    return unmapped(layer, variable);
  });
}

/** Every weight of the model with its HF tensor name (throws for a weight that has none). */
export function hfTensorSlots(model: tf.LayersModel): HfTensorSlot[] {
  return model.layers.flatMap((layer) => (layer.weights.length === 0 ? [] : slotsOfLayer(layer)));
}

/** The HF shape of a slot's tensor. */
export function hfShapeOf(slot: HfTensorSlot): number[] {
  return slot.transpose ? [...slot.shape].reverse() : slot.shape;
}

/** Transposes a row-major [rows, cols] matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  }
  return out;
}
