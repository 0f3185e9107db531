// A user's TF.js Layers model folder as a base: tabular models are cut below their last layer;
// a folder with word_index.json is a Keras text model (see textModel.ts).

import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { FtBidirectionalGru } from './bidirectionalGru';
import { FtLstmBase } from './lstmLayerBase';
import { fingerprintModelDir, loadLayersModelFromDir, resolveModelJsonPath } from './fsModelIo';
import { UserError } from '../userError';
import type { BaseModelBundle, InputEncoder } from './modelTypes';
import { describeTabularColumns } from './tabularEncoder';
import { cutBelowLayer, loadKerasTextBase } from './textModel';

function describeFeatures(encoder: InputEncoder): string {
  if (encoder.state.kind === 'image') return `images of ${encoder.state.size}×${encoder.state.size} pixels`;
  return encoder.state.kind === 'tabular' ? describeTabularColumns(encoder.state.columns) : `text column ${encoder.state.textColumn}`;
}

/**
 * Loads a user's Layers model (folder or model.json) as a base for the dataset `encoder` encodes:
 * input [null, encoder.width] → the input of the model's last layer. Text models (word_index.json
 * beside model.json) go to loadKerasTextBase instead; their encoder comes from the word index
 * (the text column and sequence length are taken from `encoder` when it is a text encoder).
 */
export async function loadUserLayersBase(modelPath: string, encoder: InputEncoder, source = modelPath): Promise<BaseModelBundle> {
  const modelJsonPath = await resolveModelJsonPath(modelPath);
  if (existsSync(path.join(path.dirname(modelJsonPath), 'word_index.json'))) {
    const text = encoder.state.kind === 'text' ? encoder.state : undefined;
    return loadKerasTextBase(modelJsonPath, source, text?.sequenceLength, text?.textColumn);
  }
  const model = await loadLayersModelFromDir(modelJsonPath);
  try {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new UserError(`Model ${modelJsonPath} has ${model.inputs.length} inputs and ${model.outputs.length} outputs; a base model needs one of each.`, {
        where: modelJsonPath,
      });
    }
    const inputShape = model.inputs[0].shape;
    const expected = inputShape.length === 2 ? inputShape[1] : null;
    if (inputShape.length !== 2 || expected !== encoder.width) {
      const what = expected === null ? `input of shape [${inputShape.map((d) => d ?? 'null').join(', ')}]` : `${expected} inputs`;
      throw new UserError(
        `Model ${modelJsonPath} expects ${what}, the dataset encodes to ${encoder.width} features (columns ${describeFeatures(encoder)}).`,
        { where: modelJsonPath, hint: 'Pick feature columns that encode to what the model expects, or another base model.' },
      );
    }
    const last = model.outputLayers[0];
    const base = cutBelowLayer(model, last, `${model.name}_base`);
    const featureSize = base.outputs[0].shape[1];
    if (typeof featureSize !== 'number') throw new Error(`Model ${modelJsonPath}: the feature size below '${last.name}' is unknown.`);
    const denseNames = base.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.name);
    const loraTargets = base.layers
      .filter((l) => l.getClassName() === 'Dense' || l instanceof FtBidirectionalGru || l instanceof FtLstmBase)
      .map((l) => l.name);
    return {
      base,
      featureSize,
      encoder,
      source,
      fingerprint: await fingerprintModelDir(modelJsonPath),
      defaults: { loraTargets, adapterAfter: denseNames.length === 0 ? [] : [denseNames[denseNames.length - 1]] },
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
