// Turns the packaged MobileNetV2 Keras graph into our backbone's graph (JSON only, no weights):
//   - input: a flat [h·w·3] vector (what an InputEncoder gives, see imageEncoder.ts) reshaped to
//     [h, w, 3] by a Reshape layer, so the trainer, the feature cache and the checkpoints handle
//     images exactly like any other 2-D input;
//   - cut: every layer that does not lead to the chosen layer is dropped (nsfwjs's 5-class head
//     always is), and a GlobalAveragePooling2D named 'feature_pool' turns the chosen layer's
//     [h', w', c] output into the [c] feature vector;
//   - BatchNormalization is folded into the convolution before it (a conv without bias followed by
//     BN is a conv with a bias), so a frozen backbone never runs BN in training mode, and BN layer
//     names map to their convolution;
//   - 1×1 stride-1 Conv2D layers become Dense layers on the channel axis (the same product), so
//     LoRA's 'dense' kind and the wasm backend's matMul kernels apply to them.
// The 'same'/'valid' paddings of the Keras graph (ZeroPadding2D before stride-2 layers) are exact
// for inputs whose side is a multiple of 32, so image sizes must be.

import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../userError';
import type { FunctionalModelJson, LayerJson, NodeInput, TensorRef } from '../techniques/modelJson';

type ConfigDict = tf.serialization.ConfigDict;
type ConfigDictValue = tf.serialization.ConfigDictValue;

/** The cut users get when they name none: block 13's expansion, pooled (see the README for why). */
export const DEFAULT_CUT_LAYER = 'block_13_expand_relu';
/** The input side the model was trained at. */
export const DEFAULT_IMAGE_SIZE = 224;
export const MIN_IMAGE_SIZE = 32;
export const MAX_IMAGE_SIZE = 512;
/** The last layer of the backbone; everything after it is nsfwjs's classifier head. */
export const LAST_BACKBONE_LAYER = 'out_relu';

export const INPUT_LAYER_NAME = 'image_input';
export const RESHAPE_LAYER_NAME = 'image_reshape';
export const POOL_LAYER_NAME = 'feature_pool';

export interface BackbonePlan {
  json: FunctionalModelJson;
  /** The layer the user chose, after mapping a folded BN name to its convolution. */
  cutLayer: string;
  /** Convolutions that absorb a BatchNormalization: conv name → BN name. */
  folded: Map<string, string>;
  /** 1×1 convolutions turned into Dense layers. */
  asDense: Set<string>;
}

function fail(what: string): never {
  throw new Error(`Unexpected MobileNetV2 model JSON: ${what}.`);
}

function isDict(value: unknown): value is ConfigDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tensorRef(value: ConfigDictValue, where: string): TensorRef {
  if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'number' || typeof value[2] !== 'number') {
    fail(`${where} is not [layer, node, tensor]`);
  }
  return { layer: value[0], nodeIndex: value[1], tensorIndex: value[2] };
}

/** The Keras functional config ({class_name: 'Model', config: {...}}) as an editable structure (deep copy). */
export function parseKerasModelConfig(modelConfig: ConfigDict): FunctionalModelJson {
  const copy: unknown = JSON.parse(JSON.stringify(modelConfig));
  if (!isDict(copy) || !isDict(copy['config'])) fail('no config');
  const config = copy['config'];
  const layers = config['layers'];
  const inputs = config['input_layers'];
  const outputs = config['output_layers'];
  if (!Array.isArray(layers) || !Array.isArray(inputs) || !Array.isArray(outputs)) fail('no layers, input_layers or output_layers');
  return {
    name: typeof config['name'] === 'string' ? config['name'] : 'mobilenet_v2',
    layers: layers.map((value, i): LayerJson => {
      if (!isDict(value) || typeof value['name'] !== 'string' || typeof value['class_name'] !== 'string' || !isDict(value['config'])) {
        fail(`layers[${i}] is not {name, class_name, config}`);
      }
      const nodes = value['inbound_nodes'];
      if (!Array.isArray(nodes)) fail(`layers[${i}].inbound_nodes is not a list`);
      return {
        name: value['name'],
        className: value['class_name'],
        config: value['config'],
        inboundNodes: nodes.map((node, n) => {
          if (!Array.isArray(node)) fail(`layers[${i}].inbound_nodes[${n}] is not a list`);
          return node.map((input, k): NodeInput => {
            const ref = tensorRef(input, `layers[${i}].inbound_nodes[${n}][${k}]`);
            const kwargs = Array.isArray(input) ? input[3] : undefined;
            return { ...ref, kwargs: isDict(kwargs) ? kwargs : {} };
          });
        }),
      };
    }),
    inputLayers: inputs.map((v, i) => tensorRef(v, `input_layers[${i}]`)),
    outputLayers: outputs.map((v, i) => tensorRef(v, `output_layers[${i}]`)),
    extra: {},
  };
}

function inputNames(layer: LayerJson): string[] {
  return layer.inboundNodes.flat().map((ref) => ref.layer);
}

/** The named layer and every layer it depends on. */
function ancestorsOf(byName: ReadonlyMap<string, LayerJson>, name: string): Set<string> {
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    const layer = byName.get(current);
    if (layer) stack.push(...inputNames(layer));
  }
  return seen;
}

function numberPair(value: ConfigDictValue | undefined): [number, number] | null {
  return Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number' ? [value[0], value[1]] : null;
}

function isPointwiseConv(layer: LayerJson): boolean {
  if (layer.className !== 'Conv2D') return false;
  const k = numberPair(layer.config['kernel_size']);
  const s = numberPair(layer.config['strides']);
  const d = numberPair(layer.config['dilation_rate']) ?? [1, 1];
  return k !== null && s !== null && k[0] === 1 && k[1] === 1 && s[0] === 1 && s[1] === 1 && d[0] === 1 && d[1] === 1;
}

/** Layers whose output is the model's picture at some depth: a sensible list for messages. */
export function suggestedCutLayers(layerNames: readonly string[]): string[] {
  return layerNames.filter((n) => /_(expand_relu|add)$/.test(n) || n === 'block_16_project_BN' || n === LAST_BACKBONE_LAYER);
}

/** How much larger than the images' own side the automatic input size may be. */
const MAX_UPSCALE = 3.5;
const MIN_AUTOMATIC_SIZE = 64;

/**
 * The input size when the user names none: the model's 224 px, unless the images are small.
 * Small images are upscaled at most about MAX_UPSCALE times (rounded to a multiple of 32, at least
 * 64): stretched far beyond their own resolution they are mostly blur to filters trained on
 * photos (measured on Fashion-MNIST's 28 px images with the default cut: 96 px ≈ 0.85 test
 * accuracy with a linear head, 224 px ≈ 0.75).
 */
export function automaticImageSize(imageSize?: { medianWidth: number; medianHeight: number }): number {
  if (imageSize === undefined) return DEFAULT_IMAGE_SIZE;
  const side = Math.min(imageSize.medianWidth, imageSize.medianHeight);
  const upscaled = Math.round((side * MAX_UPSCALE) / 32) * 32;
  return Math.max(MIN_AUTOMATIC_SIZE, Math.min(DEFAULT_IMAGE_SIZE, upscaled));
}

/** Throws a UserError unless the size is a multiple of 32 in the supported range. */
export function checkImageSize(size: number): void {
  if (!Number.isInteger(size) || size < MIN_IMAGE_SIZE || size > MAX_IMAGE_SIZE || size % 32 !== 0) {
    throw new UserError(`The image size must be a multiple of 32 between ${MIN_IMAGE_SIZE} and ${MAX_IMAGE_SIZE}, got ${size}.`, {
      where: 'image size',
      hint: `MobileNetV2 was trained at ${DEFAULT_IMAGE_SIZE}; smaller sizes (96, 128, 160) are faster but see less detail.`,
    });
  }
}

/** Checks the cut layer against the graph; returns the layer to cut at (a BN maps to its convolution later). */
function resolveCut(full: FunctionalModelJson, byName: ReadonlyMap<string, LayerJson>, requested: string): string {
  const backbone = ancestorsOf(byName, LAST_BACKBONE_LAYER);
  const inputName = full.inputLayers[0]?.layer;
  const valid = full.layers.map((l) => l.name).filter((n) => backbone.has(n) && n !== inputName);
  if (backbone.has(requested) && requested !== inputName) return requested;
  const suggestions = suggestedCutLayers(valid);
  const shown = suggestions.join(', ');
  const why = byName.has(requested)
    ? requested === inputName
      ? `"${requested}" is the model's input`
      : `"${requested}" belongs to the classifier head this backbone replaces`
    : `MobileNetV2 has no layer "${requested}"`;
  throw new UserError(`Cannot cut MobileNetV2 at "${requested}": ${why}.`, {
    where: 'cut layer',
    hint: `Choose a backbone layer, for example ${shown} (the default is ${DEFAULT_CUT_LAYER}; any of the ${valid.length} layers from ${valid[0]} to ${LAST_BACKBONE_LAYER} works).`,
  });
}

function rewireRefs(json: FunctionalModelJson, from: string, to: string): void {
  for (const layer of json.layers) {
    for (const ref of layer.inboundNodes.flat()) if (ref.layer === from) ref.layer = to;
  }
  for (const ref of json.outputLayers) if (ref.layer === from) ref.layer = to;
}

function denseConfig(conv: LayerJson): ConfigDict {
  const filters = conv.config['filters'];
  if (typeof filters !== 'number') fail(`${conv.name} has no filters`);
  return {
    name: conv.name,
    trainable: true,
    dtype: 'float32',
    units: filters,
    activation: typeof conv.config['activation'] === 'string' ? conv.config['activation'] : 'linear',
    use_bias: true,
    kernel_initializer: { class_name: 'Zeros', config: {} },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
}

/**
 * The backbone graph for `imageSize`×`imageSize` RGB inputs cut at `cutLayer` (a layer name of the
 * Keras graph; a BatchNormalization name stands for its folded convolution).
 */
export function planBackbone(full: FunctionalModelJson, cutLayer: string, imageSize: number): BackbonePlan {
  checkImageSize(imageSize);
  const byName = new Map(full.layers.map((l) => [l.name, l]));
  const requested = resolveCut(full, byName, cutLayer);
  const inputName = full.inputLayers[0]?.layer ?? fail('no input layer');
  const keep = ancestorsOf(byName, requested);
  const json: FunctionalModelJson = {
    name: 'mobilenet_v2_backbone',
    layers: full.layers.filter((l) => keep.has(l.name)).map((l) => JSON.parse(JSON.stringify(l)) as LayerJson),
    inputLayers: [{ layer: INPUT_LAYER_NAME, nodeIndex: 0, tensorIndex: 0 }],
    outputLayers: [{ layer: requested, nodeIndex: 0, tensorIndex: 0 }],
    extra: {},
  };

  // Input: flat vector → Reshape → what the Keras input fed.
  rewireRefs(json, inputName, RESHAPE_LAYER_NAME);
  json.layers = json.layers.filter((l) => l.name !== inputName);
  json.layers.unshift(
    {
      name: INPUT_LAYER_NAME,
      className: 'InputLayer',
      config: { batch_input_shape: [null, imageSize * imageSize * 3], dtype: 'float32', sparse: false, name: INPUT_LAYER_NAME },
      inboundNodes: [],
    },
    {
      name: RESHAPE_LAYER_NAME,
      className: 'Reshape',
      config: { name: RESHAPE_LAYER_NAME, trainable: false, dtype: 'float32', target_shape: [imageSize, imageSize, 3] },
      inboundNodes: [[{ layer: INPUT_LAYER_NAME, nodeIndex: 0, tensorIndex: 0, kwargs: {} }]],
    },
  );

  // Fold each BatchNormalization into the bias-free convolution it follows.
  const folded = new Map<string, string>();
  let cut = requested;
  for (const bn of json.layers.filter((l) => l.className === 'BatchNormalization')) {
    const sources = inputNames(bn);
    const conv = byName.get(sources[0] ?? '');
    const convUsers = json.layers.filter((l) => inputNames(l).includes(sources[0] ?? ''));
    const foldable =
      sources.length === 1 &&
      conv !== undefined &&
      (conv.className === 'Conv2D' || conv.className === 'DepthwiseConv2D') &&
      conv.config['use_bias'] === false &&
      convUsers.length === 1;
    if (!foldable) fail(`BatchNormalization ${bn.name} does not follow a bias-free convolution used only by it`);
    folded.set(conv.name, bn.name);
    rewireRefs(json, bn.name, conv.name);
    if (cut === bn.name) cut = conv.name;
  }
  json.layers = json.layers.filter((l) => l.className !== 'BatchNormalization');
  for (const layer of json.layers) {
    if (folded.has(layer.name)) layer.config['use_bias'] = true;
  }
  json.outputLayers = [{ layer: cut, nodeIndex: 0, tensorIndex: 0 }];

  // 1×1 stride-1 convolutions → Dense on the channel axis.
  const asDense = new Set<string>();
  json.layers = json.layers.map((layer) => {
    if (!isPointwiseConv(layer)) return layer;
    asDense.add(layer.name);
    return { ...layer, className: 'Dense', config: denseConfig(layer) };
  });

  // Pool the cut layer's [h, w, c] map into the feature vector.
  json.layers.push({
    name: POOL_LAYER_NAME,
    className: 'GlobalAveragePooling2D',
    config: { name: POOL_LAYER_NAME, trainable: false, dtype: 'float32', data_format: 'channels_last' },
    inboundNodes: [[{ layer: cut, nodeIndex: 0, tensorIndex: 0, kwargs: {} }]],
  });
  json.outputLayers = [{ layer: POOL_LAYER_NAME, nodeIndex: 0, tensorIndex: 0 }];
  for (const layer of json.layers) if ('trainable' in layer.config) layer.config['trainable'] = true;
  return { json, cutLayer: cut, folded, asDense };
}
