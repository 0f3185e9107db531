// Keras text classifiers (Embedding → Bidirectional(GRU) / LSTM / Bidirectional(LSTM) → … → Dense)
// as base models: load the folder, swap every supported Bidirectional(GRU) for FtBidirectionalGru,
// LSTM for FtLstm and Bidirectional(LSTM) for FtBidirectionalLstm (same weights, same outputs,
// LoRA-able, fused on the CPU), cut below the final Dense layer, and pair it with the word index.

import * as path from 'node:path';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { FtBidirectionalGru } from './bidirectionalGru';
import { FtBidirectionalLstm } from './bidirectionalLstm';
import { FtLstm } from './lstm';
import { FtLstmBase } from './lstmLayerBase';
import { fingerprintModelDir, loadLayersModelFromDir, resolveModelJsonPath } from './fsModelIo';
import { UserError } from '../userError';
import type { BaseModelBundle } from './modelTypes';
import { KerasWordIndexEncoder, NN_SENTIMENT_SEQUENCE_LENGTH, readWordIndex } from './nnSentimentTokenizer';

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The folder of the model embedded in the nn-sentiment package. */
export function nnSentimentModelDir(): string {
  return path.join(path.dirname(require.resolve('nn-sentiment/package.json')), 'static', 'model');
}

/**
 * Why a Bidirectional layer's (pythonic) config cannot become FtBidirectionalGru, or null when it can.
 * Supported: merge_mode concat around GRU with tanh, hard_sigmoid (or sigmoid) gates, bias, no
 * dropout, reset_after false, not stateful, not go_backwards, no return_state.
 */
export function unsupportedBidirectionalGruReason(layerConfig: unknown): string | null {
  if (!isRecord(layerConfig)) return 'config is not an object';
  if (layerConfig['merge_mode'] !== 'concat') return `merge_mode ${JSON.stringify(layerConfig['merge_mode'])} (only concat)`;
  const inner = layerConfig['layer'];
  if (!isRecord(inner) || inner['class_name'] !== 'GRU' || !isRecord(inner['config'])) return 'the wrapped layer is not a GRU';
  const c = inner['config'];
  if (typeof c['units'] !== 'number') return 'units missing';
  if (c['activation'] !== 'tanh') return `activation ${JSON.stringify(c['activation'])} (only tanh)`;
  if (!['hard_sigmoid', 'hardSigmoid', 'sigmoid'].includes(String(c['recurrent_activation']))) {
    return `recurrent_activation ${JSON.stringify(c['recurrent_activation'])}`;
  }
  if (c['use_bias'] === false) return 'use_bias false';
  if (c['reset_after'] === true) return 'reset_after true';
  for (const flag of ['return_state', 'go_backwards', 'stateful']) if (c[flag] === true) return `${flag} true`;
  for (const rate of ['dropout', 'recurrent_dropout']) {
    const v = c[rate];
    if (typeof v === 'number' && v !== 0) return `${rate} ${v}`;
  }
  return null;
}

/**
 * Why a (pythonic) LSTM config cannot become FtLstm / the inner layer of FtBidirectionalLstm, or null
 * when it can. Supported: tanh activation, hard_sigmoid (or sigmoid) gates, with or without bias,
 * no dropout, not stateful, not go_backwards, no return_state (unit_forget_bias only matters at init).
 */
export function unsupportedLstmReason(lstmConfig: unknown): string | null {
  if (!isRecord(lstmConfig)) return 'config is not an object';
  const c = lstmConfig;
  if (typeof c['units'] !== 'number') return 'units missing';
  if (c['activation'] !== 'tanh') return `activation ${JSON.stringify(c['activation'])} (only tanh)`;
  if (!['hard_sigmoid', 'hardSigmoid', 'sigmoid'].includes(String(c['recurrent_activation']))) {
    return `recurrent_activation ${JSON.stringify(c['recurrent_activation'])}`;
  }
  for (const flag of ['return_state', 'go_backwards', 'stateful']) if (c[flag] === true) return `${flag} true`;
  for (const rate of ['dropout', 'recurrent_dropout']) {
    const v = c[rate];
    if (typeof v === 'number' && v !== 0) return `${rate} ${v}`;
  }
  return null;
}

/** Why a Bidirectional layer's config cannot become FtBidirectionalLstm, or null when it can (merge_mode concat around a supported LSTM). */
export function unsupportedBidirectionalLstmReason(layerConfig: unknown): string | null {
  if (!isRecord(layerConfig)) return 'config is not an object';
  if (layerConfig['merge_mode'] !== 'concat') return `merge_mode ${JSON.stringify(layerConfig['merge_mode'])} (only concat)`;
  const inner = layerConfig['layer'];
  if (!isRecord(inner) || inner['class_name'] !== 'LSTM' || !isRecord(inner['config'])) return 'the wrapped layer is not an LSTM';
  return unsupportedLstmReason(inner['config']);
}

/** The FtLstm / FtBidirectionalLstm config (pythonic keys) for a supported Keras LSTM config. */
function ftLstmConfig(lstm: JsonRecord, outer: JsonRecord, name: string): JsonRecord {
  return {
    name: outer['name'] ?? name,
    trainable: outer['trainable'] ?? true,
    dtype: outer['dtype'] ?? 'float32',
    ...(outer['batch_input_shape'] !== undefined ? { batch_input_shape: outer['batch_input_shape'] } : {}),
    units: lstm['units'],
    return_sequences: lstm['return_sequences'] === true,
    recurrent_activation: lstm['recurrent_activation'] === 'sigmoid' ? 'sigmoid' : 'hard_sigmoid',
    use_bias: lstm['use_bias'] !== false,
    unit_forget_bias: lstm['unit_forget_bias'] !== false,
    lora_rank: 0,
    lora_alpha: 0,
    lora_dropout: 0,
    lora_seed: 0,
  };
}

/** Result of rewriting a model topology. */
export interface TopologyRewrite {
  /** The rewritten pythonic topology ({class_name, config, …}). */
  topology: JsonRecord;
  /** Names of the recurrent layers turned into FtBidirectionalGru, FtLstm or FtBidirectionalLstm. */
  converted: string[];
  /** Bidirectional and LSTM layers kept as they were, with the reason. */
  kept: Array<{ layer: string; reason: string }>;
}

/**
 * Rewrites a pythonic Layers topology (model.toJSON(null, false)): every supported
 * Bidirectional(GRU) becomes FtBidirectionalGru, LSTM FtLstm and Bidirectional(LSTM)
 * FtBidirectionalLstm (loraRank 0); with `sequenceLength`, the single InputLayer's time dimension
 * is set to it. Nothing is converted when a layer sets mask_zero (the Ft layers ignore masks).
 * The input is not modified.
 */
export function rewriteTopologyForFtGru(topology: unknown, sequenceLength?: number): TopologyRewrite {
  const copy: unknown = JSON.parse(JSON.stringify(topology));
  if (!isRecord(copy) || !isRecord(copy['config']) || !Array.isArray(copy['config']['layers'])) {
    throw new Error('Only functional (Model) topologies can be rewritten: expected {class_name, config: {layers: [...]}}.');
  }
  const layers = copy['config']['layers'] as unknown[];
  const converted: string[] = [];
  const kept: Array<{ layer: string; reason: string }> = [];
  const usesMask = layers.some((l) => isRecord(l) && isRecord(l['config']) && l['config']['mask_zero'] === true);
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (!isRecord(layer)) continue;
    const config = layer['config'];
    const name = String(layer['name'] ?? (isRecord(config) ? config['name'] : `layer ${i}`));
    if (layer['class_name'] === 'InputLayer' && sequenceLength !== undefined && isRecord(config)) {
      const shape = config['batch_input_shape'];
      if (Array.isArray(shape) && shape.length === 2) config['batch_input_shape'] = [shape[0], sequenceLength];
      continue;
    }
    if (layer['class_name'] === 'LSTM' || (layer['class_name'] === 'Bidirectional' && isRecord(config) && isRecord(config['layer']) && config['layer']['class_name'] === 'LSTM')) {
      const bidirectional = layer['class_name'] === 'Bidirectional';
      const reason = usesMask ? 'the model uses mask_zero' : bidirectional ? unsupportedBidirectionalLstmReason(config) : unsupportedLstmReason(config);
      if (reason !== null || !isRecord(config)) {
        kept.push({ layer: name, reason: reason ?? 'config is not an object' });
        continue;
      }
      const lstm = bidirectional ? ((config['layer'] as JsonRecord)['config'] as JsonRecord) : config;
      layers[i] = {
        ...layer,
        class_name: bidirectional ? FtBidirectionalLstm.className : FtLstm.className,
        config: {
          ...ftLstmConfig(lstm, config, name),
          ...(bidirectional ? { inner_layer: { name: typeof lstm['name'] === 'string' ? lstm['name'] : 'lstm' } } : {}),
        },
      };
      converted.push(name);
      continue;
    }
    if (layer['class_name'] !== 'Bidirectional') continue;
    const reason = usesMask ? 'the model uses mask_zero' : unsupportedBidirectionalGruReason(config);
    if (reason !== null || !isRecord(config)) {
      kept.push({ layer: name, reason: reason ?? 'config is not an object' });
      continue;
    }
    const inner = config['layer'] as JsonRecord;
    const gru = inner['config'] as JsonRecord;
    layers[i] = {
      ...layer,
      class_name: FtBidirectionalGru.className,
      config: {
        name: config['name'] ?? name,
        trainable: config['trainable'] ?? true,
        dtype: config['dtype'] ?? 'float32',
        units: gru['units'],
        return_sequences: gru['return_sequences'] === true,
        recurrent_activation: gru['recurrent_activation'] === 'sigmoid' ? 'sigmoid' : 'hard_sigmoid',
        inner_layer: { name: typeof gru['name'] === 'string' ? gru['name'] : 'gru' },
        lora_rank: 0,
        lora_alpha: 0,
        lora_dropout: 0,
        lora_seed: 0,
      },
    };
    converted.push(name);
  }
  return { topology: copy, converted, kept };
}

/**
 * Builds the same model with every supported Bidirectional(GRU) as FtBidirectionalGru and copies
 * all weights over (the source model is left as it is; the caller disposes it).
 */
export async function convertBidirectionalGrus(
  model: tf.LayersModel,
  sequenceLength?: number,
): Promise<{ model: tf.LayersModel; converted: string[]; kept: Array<{ layer: string; reason: string }> }> {
  const rewrite = rewriteTopologyForFtGru(model.toJSON(null, false), sequenceLength);
  const rebuilt = await tf.models.modelFromJSON({ modelTopology: rewrite.topology as tf.io.ModelJSON['modelTopology'] });
  try {
    for (const source of model.layers) {
      const target = rebuilt.getLayer(source.name);
      const values = source.getWeights();
      if (target instanceof FtBidirectionalGru || target instanceof FtLstmBase) target.setKerasOrderWeights(values);
      else target.setWeights(values);
    }
  } catch (err) {
    rebuilt.dispose();
    const reason = err instanceof Error ? err.message : String(err);
    const hint = sequenceLength === undefined ? '' : ` (a sequence length of ${sequenceLength} may not fit this model's layers)`;
    throw new Error(`Could not copy the weights into the converted model${hint}: ${reason}`);
  }
  return { model: rebuilt, ...rewrite };
}

/** A model from its input to the input of `layer` (the features the layer sees). */
export function cutBelowLayer(model: tf.LayersModel, layer: tf.layers.Layer, name: string): tf.LayersModel {
  const features = layer.input;
  if (Array.isArray(features)) {
    throw new Error(`Cannot cut below layer '${layer.name}': it has ${features.length} inputs; a base must end in one feature tensor.`);
  }
  if (model.inputs.includes(features)) {
    throw new Error(`Cannot cut below layer '${layer.name}': it is applied to the model's input directly, so nothing is left as a base.`);
  }
  if (features.shape.length !== 2) {
    throw new Error(`Cannot cut below layer '${layer.name}': its input has shape [${features.shape.join(', ')}], a base must output [batch, features].`);
  }
  return tf.model({ inputs: model.inputs, outputs: features, name });
}

/** The last layer of a class in a model's (topological) layer order, or undefined. */
export function lastLayerOfClass(model: tf.LayersModel, className: string): tf.layers.Layer | undefined {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    if (model.layers[i].getClassName() === className) return model.layers[i];
  }
  return undefined;
}

/**
 * Loads a Keras text classifier folder (model.json + shards + word_index.json) as a base:
 * input token ids [batch, sequenceLength] → the final Dense layer's input features.
 * `sequenceLength` (default: the model's input length, else 100) resizes the input when the
 * layers allow it (pooling does; Flatten → Dense does not). `textColumn` names the examples'
 * text column in the encoder (default 'text').
 */
export async function loadKerasTextBase(
  folderOrModelJson: string,
  source: string,
  sequenceLength?: number,
  textColumn = 'text',
): Promise<BaseModelBundle> {
  const modelJsonPath = await resolveModelJsonPath(folderOrModelJson);
  const wordIndexPath = path.join(path.dirname(modelJsonPath), 'word_index.json');
  if (!existsSync(wordIndexPath)) {
    throw new UserError(`Text model ${modelJsonPath} has no word_index.json beside it.`, {
      where: modelJsonPath,
      hint: "A Keras text model needs its tokenizer's word index: save tokenizer.word_index as word_index.json in the model folder.",
    });
  }
  const wordIndex = readWordIndex(wordIndexPath);
  const original = await loadLayersModelFromDir(modelJsonPath);
  let full: tf.LayersModel;
  try {
    full = (await convertBidirectionalGrus(original, sequenceLength)).model;
  } finally {
    original.dispose();
  }
  const dense = lastLayerOfClass(full, 'Dense');
  if (dense === undefined) throw new UserError(`Text model ${modelJsonPath} has no Dense layer to cut below.`, { where: modelJsonPath });
  const base = cutBelowLayer(full, dense, `${full.name}_base`);
  const inputShape = base.inputs[0].shape;
  if (inputShape.length !== 2) throw new Error(`Text model ${modelJsonPath} must take [batch, tokens], its input is [${inputShape.join(', ')}].`);
  const length = inputShape[1] ?? sequenceLength ?? NN_SENTIMENT_SEQUENCE_LENGTH;
  const embedding = lastLayerOfClass(base, 'Embedding');
  const inputDim = embedding?.getConfig()['inputDim'];
  const encoder = new KerasWordIndexEncoder(wordIndex, {
    textColumn,
    sequenceLength: length,
    vocabularySize: typeof inputDim === 'number' ? inputDim : undefined,
  });
  const grus = base.layers.filter((l) => l instanceof FtBidirectionalGru || l instanceof FtLstmBase).map((l) => l.name);
  const lastRecurrent = base.layers
    .filter((l) => l instanceof FtBidirectionalGru || l instanceof FtLstmBase || ['Bidirectional', 'LSTM'].includes(l.getClassName()))
    .pop();
  const featureSize = base.outputs[0].shape[1];
  if (typeof featureSize !== 'number') throw new Error(`Text model ${modelJsonPath}: the feature size below '${dense.name}' is unknown.`);
  return {
    base,
    featureSize,
    encoder,
    source,
    fingerprint: await fingerprintModelDir(modelJsonPath),
    defaults: {
      loraTargets: grus,
      adapterAfter: lastRecurrent === undefined ? [] : [lastRecurrent.name],
    },
  };
}

/** The model embedded in the nn-sentiment package (Embedding 30000×50 → BiGRU 2×20 → avg+max pool = 80 features). */
export function loadNnSentimentBase(options: { sequenceLength?: number; textColumn?: string } = {}): Promise<BaseModelBundle> {
  return loadKerasTextBase(nnSentimentModelDir(), 'nn-sentiment', options.sequenceLength, options.textColumn);
}
