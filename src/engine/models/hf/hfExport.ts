// Exports a fine-tuned Hugging Face encoder run in formats Hugging Face tools read:
//   hf:   <out>/model.safetensors (LoRA merged into the weights; the *ForSequenceClassification
//         state dict: encoder tensors under 'bert.' / 'distilbert.' / 'roberta.', the head as
//         'classifier…' / 'pre_classifier…'), config.json (the base model's, with architectures,
//         num_labels, id2label, label2id, problem_type) and the tokenizer files.
//   peft: <out>/adapter_config.json (LORA, SEQ_CLS, r, lora_alpha, lora_dropout, target_modules,
//         modules_to_save = the head modules) and adapter_model.safetensors with PEFT's names:
//         base_model.model.<prefix>.<module>.lora_A.weight [r, in], ….lora_B.weight [out, r], and
//         base_model.model.<head module>.weight/.bias, plus the tokenizer files.
// Adapter runs cannot be expressed in plain HF models (no bottleneck layers there): refused.
// A regression head's output standardisation is folded into its last layer, so the HF model
// predicts in the user's units.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../../userError';
import type { LabelCodec } from '../../training/labels';
import { LoraDense } from '../../techniques/loraDense';
import { mergeLora } from '../../techniques/mergeLora';
import { BottleneckAdapter } from '../../techniques/adapterLayer';
import { parseHubModelRef } from '../../zoo/hubModelRef';
import { HF_CONFIG_FILE, readHfConfig, type HfArchitecture } from './hfConfig';
import { HF_WEIGHTS_FILE } from './hfCheckpointFiles';
import { HF_HEAD_LAYERS, HF_HEAD_MODULES } from './hfHead';
import { HF_MODEL_PREFIX, hfShapeOf, hfTensorSlots, transpose2d } from './hfWeightNames';
import { writeSafetensorsFile, type SafetensorsInput } from './safetensors';

/** What an export needs from a loaded run. */
export interface HfExportSource {
  base: tf.LayersModel;
  head: tf.LayersModel;
  /** The model folder the run started from (its config.json and tokenizer files are reused). */
  modelDir: string;
  codec: LabelCodec;
  /** The run's --model as given (a catalog or hub id becomes base_model_name_or_path). */
  model: string;
}

export const PEFT_CONFIG_FILE = 'adapter_config.json';
export const PEFT_WEIGHTS_FILE = 'adapter_model.safetensors';

/** Tokenizer files copied next to an export when the model folder has them. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'added_tokens.json'];

const CLASS_NAMES: Readonly<Record<HfArchitecture, string>> = {
  bert: 'BertForSequenceClassification',
  distilbert: 'DistilBertForSequenceClassification',
  roberta: 'RobertaForSequenceClassification',
};

/** PyTorch safetensors must say format pt, or transformers refuses to load them. */
const PT_METADATA = { format: 'pt' };

type TensorMap = Map<string, SafetensorsInput>;

function valuesOf(variable: tf.LayerVariable): Float32Array {
  return Float32Array.from(variable.read().dataSync() as Float32Array);
}

/** Our weights under their HF names (with `prefix` in front of every name). */
function namedTensors(model: tf.LayersModel, prefix: string): TensorMap {
  const out: TensorMap = new Map();
  for (const slot of hfTensorSlots(model)) {
    const values = valuesOf(slot.variable);
    const data = slot.transpose ? transpose2d(values, slot.shape[0], slot.shape[1]) : values;
    out.set(`${prefix}${slot.name}`, { shape: hfShapeOf(slot), data });
  }
  return out;
}

/** The head's tensors; a regression head's last layer also undoes the target standardisation. */
function headTensors(head: tf.LayersModel, architecture: HfArchitecture, codec: LabelCodec, prefix: string): TensorMap {
  const tensors = namedTensors(head, prefix);
  if (codec.scaling) {
    const last = HF_HEAD_LAYERS[architecture][HF_HEAD_LAYERS[architecture].length - 1];
    const { mean, std } = codec.scaling;
    const weight = tensors.get(`${prefix}${last}.weight`);
    const bias = tensors.get(`${prefix}${last}.bias`);
    if (weight === undefined || bias === undefined) throw new Error(`The head has no layer '${last}' to fold the target scaling into.`);
    weight.data.forEach((v, i) => (weight.data[i] = v * std));
    bias.data.forEach((v, i) => (bias.data[i] = v * std + mean));
  }
  return tensors;
}

function rejectAdapters(base: tf.LayersModel, format: string): void {
  const adapters = base.layers.filter((l) => l instanceof BottleneckAdapter).map((l) => l.name);
  if (adapters.length > 0) {
    throw new UserError(
      `This run trained ${adapters.length} bottleneck adapter(s) (${adapters[0]}, …), which a plain Hugging Face ${format === 'peft' ? 'LoRA adapter' : 'model'} cannot hold.`,
      { hint: 'Export it with --format tfjs (the adapters stay as layers), or train with --technique lora or full for a Hugging Face export.' },
    );
  }
}

async function copyTokenizerFiles(modelDir: string, outDir: string): Promise<string[]> {
  const copied: string[] = [];
  for (const name of TOKENIZER_FILES) {
    const from = path.join(modelDir, name);
    const exists = await fs.stat(from).then((s) => s.isFile(), () => false);
    if (!exists) continue;
    await fs.copyFile(from, path.join(outDir, name));
    copied.push(name);
  }
  return copied;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

function labelMaps(codec: LabelCodec): { id2label: Record<string, string>; label2id: Record<string, number> } {
  const names = codec.scaling ? ['LABEL_0'] : codec.classes;
  return {
    id2label: Object.fromEntries(names.map((name, i) => [String(i), name])),
    label2id: Object.fromEntries(names.map((name, i) => [name, i])),
  };
}

/** Writes the merged model in HF format into `outDir`; returns the files written. */
export async function exportHfModel(source: HfExportSource, outDir: string): Promise<string[]> {
  rejectAdapters(source.base, 'hf');
  const config = await readHfConfig(source.modelDir);
  const arch = config.architecture;
  const merged = await mergeLora(source.base);
  try {
    const tensors = namedTensors(merged, `${HF_MODEL_PREFIX[arch]}.`);
    for (const [name, t] of headTensors(source.head, arch, source.codec, '')) tensors.set(name, t);
    await fs.mkdir(outDir, { recursive: true });
    await writeSafetensorsFile(path.join(outDir, HF_WEIGHTS_FILE), tensors, PT_METADATA);
  } finally {
    merged.dispose();
  }
  const { id2label, label2id } = labelMaps(source.codec);
  await writeJson(path.join(outDir, HF_CONFIG_FILE), {
    ...config.raw,
    architectures: [CLASS_NAMES[arch]],
    num_labels: Object.keys(id2label).length,
    id2label,
    label2id,
    problem_type: source.codec.scaling ? 'regression' : 'single_label_classification',
    torch_dtype: 'float32',
  });
  return [HF_WEIGHTS_FILE, HF_CONFIG_FILE, ...(await copyTokenizerFiles(source.modelDir, outDir))];
}

/** PEFT's target_modules: short module names where they pick exactly the LoRA layers, else full names. */
export function peftTargetModules(loraLayers: readonly string[], allDense: readonly string[], prefix: string): string[] {
  const chosen = new Set(loraLayers);
  const out: string[] = [];
  const done = new Set<string>();
  for (const name of loraLayers) {
    const short = name.slice(name.lastIndexOf('.') + 1);
    if (done.has(short)) continue;
    const matching = allDense.filter((n) => n === short || n.endsWith(`.${short}`));
    if (matching.every((n) => chosen.has(n))) {
      out.push(short);
      done.add(short);
    } else {
      out.push(`${prefix}${name}`);
    }
  }
  return out;
}

/** The repository id for a catalog or hub id, else the model folder. */
function baseModelName(model: string, modelDir: string): string {
  const ref = path.isAbsolute(model) ? null : parseHubModelRef(model);
  return ref?.repo ?? modelDir;
}

/** Writes the run's LoRA as a PEFT adapter into `outDir`; returns the files written. */
export async function exportPeftAdapter(source: HfExportSource, outDir: string): Promise<string[]> {
  rejectAdapters(source.base, 'peft');
  const lora = source.base.layers.filter((l): l is LoraDense => l instanceof LoraDense);
  if (lora.length === 0) {
    throw new UserError('This run has no LoRA layers, so there is no PEFT adapter to export.', {
      hint: 'Use --format hf for the whole fine-tuned model, or train with --technique lora.',
    });
  }
  const config = await readHfConfig(source.modelDir);
  const arch = config.architecture;
  const prefix = `base_model.model.${HF_MODEL_PREFIX[arch]}.`;
  const tensors: TensorMap = new Map();
  for (const layer of lora) {
    const [a, b] = ['lora_A', 'lora_B'].map((suffix) => {
      const w = layer.weights.find((v) => v.originalName.endsWith(`/${suffix}`));
      if (w === undefined) throw new Error(`LoRA layer '${layer.name}' has no ${suffix}.`);
      return w;
    });
    const [inDim, rank] = a.shape as number[];
    const units = b.shape[1] as number;
    // Ours: A [in, r], B [r, out] (x·A·B); PEFT's Linear weights: A [r, in], B [out, r].
    tensors.set(`${prefix}${layer.name}.lora_A.weight`, { shape: [rank, inDim], data: transpose2d(valuesOf(a), inDim, rank) });
    tensors.set(`${prefix}${layer.name}.lora_B.weight`, { shape: [units, rank], data: transpose2d(valuesOf(b), rank, units) });
  }
  for (const [name, t] of headTensors(source.head, arch, source.codec, 'base_model.model.')) tensors.set(name, t);
  await fs.mkdir(outDir, { recursive: true });
  await writeSafetensorsFile(path.join(outDir, PEFT_WEIGHTS_FILE), tensors, PT_METADATA);
  const first = lora[0];
  const denseNames = [...source.base.layers, ...source.head.layers]
    .filter((l) => l.getClassName() === 'Dense' || l instanceof LoraDense)
    .map((l) => l.name);
  await writeJson(path.join(outDir, PEFT_CONFIG_FILE), {
    peft_type: 'LORA',
    task_type: 'SEQ_CLS',
    base_model_name_or_path: baseModelName(source.model, source.modelDir),
    revision: null,
    inference_mode: true,
    r: first.rank,
    lora_alpha: first.alpha,
    lora_dropout: first.dropout,
    target_modules: peftTargetModules(lora.map((l) => l.name), denseNames, `${HF_MODEL_PREFIX[arch]}.`),
    modules_to_save: [...HF_HEAD_MODULES[arch]],
    bias: 'none',
    fan_in_fan_out: false,
    init_lora_weights: true,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    use_rslora: false,
    use_dora: false,
  });
  return [PEFT_WEIGHTS_FILE, PEFT_CONFIG_FILE, ...(await copyTokenizerFiles(source.modelDir, outDir))];
}
