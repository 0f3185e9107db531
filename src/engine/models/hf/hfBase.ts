// A Hugging Face model folder (config.json + model.safetensors + tokenizer files) as a base
// model: the encoder with the checkpoint's weights, its tokenizer as the input encoder, the
// head in the model's own sequence-classification layout, and technique defaults:
//   LoRA on the query and value projections of every layer; adapters after the attention output
//   projection and the feed-forward output projection of every layer. Short target names:
//   q, k, v, o (attention output), ffn (LoRA: both feed-forward projections; adapters: its output).

import * as path from 'node:path';
import type { BaseModelBundle } from '../modelTypes';
import { HF_DEFAULT_SEQUENCE_LENGTH, maxSequenceLengthOf, readHfConfig, type HfEncoderConfig } from './hfConfig';
import { readHfCheckpoint } from './hfCheckpointFiles';
import { blockNames, buildHfEncoder } from './hfEncoder';
import { buildHfHead } from './hfHead';
import { loadHfTextEncoder } from './hfTextEncoder';
import { describeLoadReport, loadHfWeights } from './hfWeights';

export interface HfBaseOptions {
  /** Tokens per example (clamped to what the position embeddings allow). */
  sequenceLength?: number;
  /** Column of the examples holding the text (default 'text'). */
  textColumn?: string;
}

/** Target names and short aliases of an encoder's layers. */
export function hfTechniqueDefaults(config: HfEncoderConfig): BaseModelBundle['defaults'] {
  const blocks = blockNames(config);
  const pick = (key: keyof (typeof blocks)[number]): string[] => blocks.map((b) => b[key]);
  return {
    loraTargets: blocks.flatMap((b) => [b.query, b.value]),
    adapterAfter: blocks.flatMap((b) => [b.attentionOutput, b.ffnOut]),
    aliases: {
      lora: {
        q: pick('query'),
        k: pick('key'),
        v: pick('value'),
        o: pick('attentionOutput'),
        ffn: blocks.flatMap((b) => [b.ffnIn, b.ffnOut]),
      },
      adapter: {
        o: pick('attentionOutput'),
        attention: pick('attentionOutput'),
        ffn: pick('ffnOut'),
      },
    },
  };
}

/** Loads the folder `dir` as a base; `source` is the --model option as given. */
export async function loadHfTextBase(dir: string, source: string, options: HfBaseOptions = {}): Promise<BaseModelBundle> {
  const modelDir = path.resolve(dir);
  const config = await readHfConfig(modelDir);
  const sequenceLength = Math.min(options.sequenceLength ?? HF_DEFAULT_SEQUENCE_LENGTH, maxSequenceLengthOf(config));
  const encoder = await loadHfTextEncoder(
    { kind: 'text', tokenizer: 'hf', modelDir, sequenceLength, textColumn: options.textColumn ?? 'text' },
    config,
  );
  const checkpoint = await readHfCheckpoint(modelDir);
  const base = buildHfEncoder(config);
  try {
    const report = loadHfWeights([{ model: base, prefixed: true }], checkpoint.tensors, config.architecture, checkpoint.source);
    const notes = describeLoadReport(report, checkpoint.source);
    if (options.sequenceLength !== undefined && sequenceLength < options.sequenceLength) {
      notes.push(`sequence length ${options.sequenceLength} clamped to ${sequenceLength}, the most this ${config.architecture} model's position embeddings allow`);
    }
    return {
      base,
      featureSize: config.hiddenSize,
      encoder,
      source,
      fingerprint: checkpoint.fingerprint,
      defaults: hfTechniqueDefaults(config),
      buildHead: (outputs, seed) => buildHfHead(config, outputs, seed),
      notes,
    };
  } catch (err) {
    base.dispose();
    throw err;
  }
}
