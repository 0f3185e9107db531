// MobileNetV2 (from nsfwjs, offline) as a base model: flat image rows → the chosen layer's
// activations, globally average-pooled into a feature vector. See mobileNetGraph.ts for the
// graph edits and mobileNetWeights.ts for the weights.
//
// Why the input is a flat [size·size·3] row reshaped inside the model rather than a 4-D tensor:
// every InputEncoder returns one Tensor2D, and the trainer, the feature cache, validation and
// prediction slice and gather rows of it; a Reshape layer keeps all of them unchanged for images.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../../protocol/configTypes';
import type { TaskKind } from '../../protocol/datasetTypes';
import { UserError } from '../userError';
import { ImageInputEncoder } from '../data/images/imageEncoder';
import { writeModelJson } from '../techniques/modelJson';
import { automaticImageSize, DEFAULT_CUT_LAYER, DEFAULT_IMAGE_SIZE, parseKerasModelConfig, planBackbone, POOL_LAYER_NAME } from './mobileNetGraph';
import { decodeMobileNetWeights, MOBILENET_V2_ID, readMobileNetSource } from './mobileNetSource';
import { registerConvGradKernels } from './mobileNetWasmKernels';
import { backboneWeights } from './mobileNetWeights';
import type { BaseModelBundle } from './modelTypes';

export interface MobileNetOptions {
  /** Square input side in pixels, a multiple of 32 (default 224, what the model was trained at). */
  imageSize?: number;
  /** The layer to cut at (default block_13_expand_relu); its output is pooled into the features. */
  cutLayer?: string | null;
  /** The packaged model folder (tests); default: inside the nsfwjs package. */
  folder?: string;
}

/** LoRA's default targets: the last Dense (1×1 convolution) layers of the backbone. */
const DEFAULT_LORA_LAYERS = 3;
/** Adapters go after the last residual additions by default. */
const DEFAULT_ADAPTER_LAYERS = 2;

function defaultsFor(model: tf.LayersModel): BaseModelBundle['defaults'] {
  const dense = model.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.name);
  const adds = model.layers.filter((l) => l.getClassName() === 'Add').map((l) => l.name);
  const lastWeighted = [...model.layers].reverse().find((l) => l.weights.length > 0)?.name;
  const adapterAfter = adds.length > 0 ? adds.slice(-DEFAULT_ADAPTER_LAYERS) : lastWeighted ? [lastWeighted] : [];
  return { loraTargets: dense.slice(-DEFAULT_LORA_LAYERS), adapterAfter };
}

export async function loadMobileNetBase(options: MobileNetOptions = {}): Promise<BaseModelBundle> {
  const size = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const requestedCut = options.cutLayer ?? DEFAULT_CUT_LAYER;
  registerConvGradKernels();
  const source = readMobileNetSource(options.folder);
  const full = parseKerasModelConfig(source.modelConfig);
  const plan = planBackbone(full, requestedCut, size);
  const model = await tf.models.modelFromJSON(writeModelJson(plan.json));
  try {
    const decoded = decodeMobileNetWeights(source);
    try {
      const bnConfigs = new Map(full.layers.filter((l) => l.className === 'BatchNormalization').map((l) => [l.name, l.config]));
      const weights = backboneWeights(plan, decoded, bnConfigs);
      for (const layer of model.layers) {
        if (layer.weights.length === 0) continue;
        const tensors = weights.get(layer.name);
        if (tensors === undefined) throw new Error(`MobileNetV2: no weights for layer '${layer.name}'.`);
        layer.setWeights(tensors);
      }
      for (const tensors of weights.values()) tensors.forEach((t) => t.dispose());
    } finally {
      Object.values(decoded).forEach((t) => t.dispose());
    }
    const cutShape = model.getLayer(plan.cutLayer).outputShape as tf.Shape;
    const featureSize = model.getLayer(POOL_LAYER_NAME).outputShape[1];
    if (typeof featureSize !== 'number') throw new Error(`MobileNetV2: the feature size at '${plan.cutLayer}' is unknown.`);
    const cutNote = plan.cutLayer === requestedCut ? plan.cutLayer : `${plan.cutLayer} (with ${requestedCut} folded into it)`;
    return {
      base: model,
      featureSize,
      encoder: new ImageInputEncoder(size),
      source: MOBILENET_V2_ID,
      fingerprint: createHash('sha256').update(source.fingerprint).update(`\ncut=${plan.cutLayer}\nsize=${size}`).digest('hex'),
      defaults: defaultsFor(model),
      notes: [
        `MobileNetV2 (nsfwjs 4.4.0 weights) at ${size}×${size} px, cut at ${cutNote}: [${cutShape.slice(1).join('×')}] average-pooled to ${featureSize} features`,
        `BatchNormalization folded into ${plan.folded.size} convolutions; ${plan.asDense.size} 1×1 convolutions run as Dense layers (LoRA's 'dense' kind)`,
      ],
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * The base of a run whose dataset holds images or whose model is mobilenet_v2; a clear error when
 * the two do not match. `imageSize`: the dataset's median image size (DatasetInspection.imageSize),
 * used when the config names no input size.
 */
export async function loadImageBase(
  model: string,
  config: TrainConfig,
  task: TaskKind,
  imageSize?: { medianWidth: number; medianHeight: number },
): Promise<BaseModelBundle> {
  const file = path.basename(config.datasetPath);
  if (model !== MOBILENET_V2_ID) {
    throw new UserError(`The model "${model}" does not read images, but ${file} is an image dataset.`, {
      hint: `Use --model ${MOBILENET_V2_ID} (the default for images).`,
    });
  }
  if (task !== 'image-classification') {
    throw new UserError(`The model ${MOBILENET_V2_ID} reads images, but ${file} is a ${task} dataset without image paths.`, {
      hint: 'Give a folder with one sub-folder of images per class, or a CSV/JSONL file with a column of image paths (.jpg, .jpeg, .png, .webp) and a label column.',
    });
  }
  const asked = config.image?.size ?? null;
  const size = asked ?? automaticImageSize(imageSize);
  const bundle = await loadMobileNetBase({ imageSize: size, cutLayer: config.image?.cutLayer });
  if (asked === null && imageSize !== undefined) {
    bundle.notes = [
      ...(bundle.notes ?? []),
      `input size ${size} px chosen from the images' median size ${imageSize.medianWidth}×${imageSize.medianHeight} (small images are upscaled at most about 3.5×); --image-size sets it`,
    ];
  }
  return bundle;
}
