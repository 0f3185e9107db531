// Puts the tensors of a Hugging Face checkpoint into our encoder (and, optionally, head) models.
// Accepted variants: with or without the model prefix ('bert.', 'distilbert.', 'roberta.'),
// LayerNorm .gamma/.beta as well as .weight/.bias; Linear weights are transposed into kernels.
// Tensors of heads we do not use (MLM/NSP heads, a checkpoint's own classifier, RoBERTa's and
// DistilBERT's unused pooler, position_ids buffers) are ignored and listed; any other leftover is
// an error, as is a missing tensor or a shape that does not match. One exception, as in
// transformers: a BERT checkpoint without pooler weights gets a freshly initialised pooler
// (reported in `initialised`).

import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../userError';
import type { HfArchitecture } from './hfConfig';
import { HF_MODEL_PREFIX, type HfTensorSlot, hfShapeOf, hfTensorSlots, transpose2d } from './hfWeightNames';
import type { SafetensorsEntry } from './safetensors';

/** A model to fill; `prefixed` models (the encoder) may find their tensors under the model prefix. */
export interface HfWeightTarget {
  model: tf.LayersModel;
  prefixed: boolean;
}

export interface HfLoadReport {
  /** Checkpoint tensors not used, by their names in the file. */
  ignored: string[];
  /** Our weights left at their initial values because the checkpoint lacks them (HF names). */
  initialised: string[];
}

/** Checkpoint names (without prefix) that are known and not ours to load. */
const IGNORED_PATTERNS: readonly RegExp[] = [
  /^embeddings\.position_ids$/,
  /^embeddings\.token_type_ids$/,
  /^cls\./,
  /^lm_head\./,
  /^vocab_(transform|layer_norm|projector)\./,
  /^qa_outputs\./,
  /^classifier\./,
  /^pre_classifier\./,
  /^dropout\./,
];

/** Tensors whose absence is tolerated (and reported): transformers initialises them freshly too. */
const OPTIONAL_PATTERNS: Readonly<Record<HfArchitecture, readonly RegExp[]>> = {
  bert: [/^pooler\.dense\./],
  distilbert: [],
  roberta: [],
};

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function listText(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} … and ${names.length - max} more` : shown;
}

interface Located {
  fileName: string;
  entry: SafetensorsEntry;
}

/** Checkpoint tensors by their name without the model prefix; the same tensor twice is an error. */
function indexByUnprefixedName(tensors: ReadonlyMap<string, SafetensorsEntry>, architecture: HfArchitecture, source: string): Map<string, Located> {
  const prefix = `${HF_MODEL_PREFIX[architecture]}.`;
  const index = new Map<string, Located>();
  for (const [fileName, entry] of tensors) {
    const name = fileName.startsWith(prefix) ? fileName.slice(prefix.length) : fileName;
    const clash = index.get(name);
    if (clash !== undefined) {
      throw new UserError(`${source} holds the same weight twice: '${clash.fileName}' and '${fileName}'.`, {
        where: source,
        hint: 'Save the model again with save_pretrained; a checkpoint holds each tensor once.',
      });
    }
    index.set(name, { fileName, entry });
  }
  return index;
}

function find(slot: HfTensorSlot, index: ReadonlyMap<string, Located>, prefixed: boolean): { key: string; located: Located } | null {
  for (const key of [slot.name, ...slot.alternatives]) {
    const located = index.get(key);
    if (located === undefined) continue;
    // Head tensors never carry the prefix: 'bert.classifier.weight' is not our classifier.
    if (!prefixed && located.fileName !== key) continue;
    return { key, located };
  }
  return null;
}

function writeSlot(slot: HfTensorSlot, entry: SafetensorsEntry): void {
  const data = slot.transpose ? transpose2d(entry.data, entry.shape[0], entry.shape[1]) : entry.data;
  const value = tf.tensor(data, slot.shape, 'float32');
  slot.variable.write(value);
  value.dispose();
}

/**
 * Loads the checkpoint's tensors into the targets' weights. `source` (the weights file or folder)
 * is named in errors. Throws a UserError listing missing tensors, unknown tensors, or shape
 * mismatches; on success returns what was ignored or freshly initialised.
 */
export function loadHfWeights(
  targets: readonly HfWeightTarget[],
  tensors: ReadonlyMap<string, SafetensorsEntry>,
  architecture: HfArchitecture,
  source: string,
): HfLoadReport {
  const index = indexByUnprefixedName(tensors, architecture, source);
  const used = new Set<string>();
  const missing: string[] = [];
  const initialised: string[] = [];
  const mismatched: string[] = [];
  const planned: Array<{ slot: HfTensorSlot; entry: SafetensorsEntry }> = [];
  const optional = OPTIONAL_PATTERNS[architecture];
  for (const target of targets) {
    for (const slot of hfTensorSlots(target.model)) {
      const found = find(slot, index, target.prefixed);
      if (found === null) {
        if (target.prefixed && optional.some((p) => p.test(slot.name))) initialised.push(slot.name);
        else missing.push(slot.name);
        continue;
      }
      used.add(found.key);
      const expected = hfShapeOf(slot);
      if (found.located.entry.shape.join(',') !== expected.join(',')) {
        mismatched.push(`${found.located.fileName} is ${shapeText(found.located.entry.shape)}, expected ${shapeText(expected)}`);
        continue;
      }
      planned.push({ slot, entry: found.located.entry });
    }
  }
  const leftovers = [...index.entries()].filter(([key]) => !used.has(key));
  const ignored = leftovers.filter(([key]) => IGNORED_PATTERNS.some((p) => p.test(key)) || (architecture !== 'bert' && key.startsWith('pooler.')));
  const unknown = leftovers.filter((entry) => !ignored.includes(entry)).map(([, l]) => l.fileName);
  const hint = `The config.json says ${architecture}; check that config.json and the weights belong to the same model.`;
  if (mismatched.length > 0) {
    throw new UserError(`${source}: ${mismatched.length} tensor(s) have the wrong shape for this config: ${listText(mismatched, 6)}.`, { where: source, hint });
  }
  if (missing.length > 0) {
    throw new UserError(`${source} lacks ${missing.length} tensor(s) the model needs: ${listText(missing)}.`, { where: source, hint });
  }
  if (unknown.length > 0) {
    throw new UserError(`${source} holds ${unknown.length} tensor(s) this ${architecture} model does not know: ${listText(unknown)}.`, { where: source, hint });
  }
  for (const { slot, entry } of planned) writeSlot(slot, entry);
  return { ignored: ignored.map(([, l]) => l.fileName).sort(), initialised };
}

/** A one-line summary of a load report for the run log, or null when there is nothing to say. */
export function describeLoadReport(report: HfLoadReport, source: string): string[] {
  const lines: string[] = [];
  if (report.ignored.length > 0) {
    lines.push(`${source}: ignored ${report.ignored.length} tensor(s) the fine-tuned model does not use (pre-training heads, the checkpoint's own classifier, buffers): ${listText(report.ignored, 8)}`);
  }
  if (report.initialised.length > 0) {
    lines.push(`${source}: the checkpoint has no ${listText(report.initialised)}; initialised randomly, as transformers does`);
  }
  return lines;
}
