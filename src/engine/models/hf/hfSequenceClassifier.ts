// Loads a Hugging Face *ForSequenceClassification folder (such as our own `export --format hf`)
// whole: the encoder and its classification head with the checkpoint's classifier weights, and
// the class names from config.json's id2label. Its outputs are class probabilities (softmax of
// the HF logits), or the value for a regression model (problem_type "regression").

import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../../userError';
import type { HeadOutputs } from '../head';
import { readHfCheckpoint } from './hfCheckpointFiles';
import { HF_CONFIG_FILE, readHfConfig, type HfEncoderConfig } from './hfConfig';
import { buildHfEncoder } from './hfEncoder';
import { buildHfHead } from './hfHead';
import { loadHfWeights, type HfLoadReport } from './hfWeights';

export interface HfSequenceClassifier {
  config: HfEncoderConfig;
  base: tf.LayersModel;
  head: tf.LayersModel;
  /** Class names in output order (id2label), empty for regression. */
  classes: string[];
  report: HfLoadReport;
}

function classesOf(config: HfEncoderConfig, file: string): HeadOutputs & { names: string[] } {
  if (config.raw['problem_type'] === 'regression') return { task: 'regression', names: [] };
  const map = config.raw['id2label'];
  if (typeof map !== 'object' || map === null) {
    // transformers' default: num_labels (2 when absent) classes named LABEL_i.
    const n = config.raw['num_labels'] ?? 2;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 2) throw new UserError(`${file}: num_labels must be an integer of at least 2.`, { where: file });
    return { task: 'classification', classes: n, names: Array.from({ length: n }, (_, i) => `LABEL_${i}`) };
  }
  const entries = Object.entries(map as Record<string, unknown>).map(([k, v]) => [Number(k), String(v)] as const);
  entries.sort((a, b) => a[0] - b[0]);
  if (entries.some(([k], i) => k !== i) || entries.length < 2) {
    throw new UserError(`${file}: id2label must number at least 2 classes 0, 1, 2, … in order.`, { where: file });
  }
  return { task: 'classification', classes: entries.length, names: entries.map(([, v]) => v) };
}

export async function loadHfSequenceClassifier(dir: string): Promise<HfSequenceClassifier> {
  const config = await readHfConfig(dir);
  const outputs = classesOf(config, `${dir}/${HF_CONFIG_FILE}`);
  const checkpoint = await readHfCheckpoint(dir);
  const base = buildHfEncoder(config);
  const head = buildHfHead(config, outputs, 0);
  try {
    const report = loadHfWeights(
      [
        { model: base, prefixed: true },
        { model: head, prefixed: false },
      ],
      checkpoint.tensors,
      config.architecture,
      checkpoint.source,
    );
    return { config, base, head, classes: outputs.names, report };
  } catch (err) {
    base.dispose();
    head.dispose();
    throw err;
  }
}
