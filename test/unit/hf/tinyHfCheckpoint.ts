// Tiny random BERT, DistilBERT and RoBERTa checkpoints in Hugging Face format, written by the test
// suite: config.json, model.safetensors (through our safetensors writer, with the tensor names
// and PyTorch [out, in] layouts real checkpoints use) and a WordPiece vocab.txt.
// Variants real checkpoints show: with or without the model prefix, LayerNorm .gamma/.beta
// instead of .weight/.bias, extra pre-training tensors (MLM heads, position_ids, pooler).

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeSafetensors } from '../../../src/engine/models/hf/safetensors';
import type { HfArchitecture } from '../../../src/engine/models/hf/hfConfig';
import { SeededRng } from '../../../src/engine/training/rng';

export interface TinyTensor {
  shape: number[];
  data: Float32Array;
}

export interface TinySpec {
  architecture: HfArchitecture;
  hidden?: number;
  layers?: number;
  heads?: number;
  intermediate?: number;
  maxPositions?: number;
  /** Words of the vocabulary after the special tokens. */
  words?: readonly string[];
  seed?: number;
  /** Weight scale (std of the normal draws); larger than HF's 0.02 so the test sees the numbers. */
  scale?: number;
  /** Dropout rates in config.json (tests of numerics use 0). */
  dropout?: number;
  hiddenAct?: string;
}

export interface TinyCheckpoint {
  config: Record<string, unknown>;
  /** Unprefixed, modern-named tensors in HF layout. */
  tensors: Map<string, TinyTensor>;
  vocab: string[];
}

export const TINY_WORDS: readonly string[] = [
  'the', 'a', 'is', 'was', 'and', 'it', 'this', 'product', 'service', 'order', 'really', 'very', 'my',
  'great', 'love', 'excellent', 'wonderful', 'best', 'happy', 'amazing', 'good', 'perfect', 'fantastic',
  'awful', 'hate', 'terrible', 'worst', 'bad', 'poor', 'horrible', 'disappointing', 'broken', 'waste',
  '(', ')', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '##0', '##1', '##2', '##3', '##4', '##5', '##6', '##7', '##8', '##9',
];

/** The vocabulary: special tokens first ([PAD] at the architecture's pad id), then the words. */
export function tinyVocab(architecture: HfArchitecture, words: readonly string[] = TINY_WORDS): string[] {
  const special = architecture === 'roberta' ? ['[CLS]', '[PAD]', '[SEP]', '[UNK]', '[MASK]'] : ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  return [...special, ...words];
}

export function padIdOf(architecture: HfArchitecture): number {
  return architecture === 'roberta' ? 1 : 0;
}

/** A random checkpoint for the spec (deterministic in the seed). */
export function makeTinyCheckpoint(spec: TinySpec): TinyCheckpoint {
  const arch = spec.architecture;
  const hidden = spec.hidden ?? 16;
  const layers = spec.layers ?? 2;
  const heads = spec.heads ?? 2;
  const inter = spec.intermediate ?? 2 * hidden;
  const maxPos = spec.maxPositions ?? 40;
  const vocab = tinyVocab(arch, spec.words);
  const rng = new SeededRng(spec.seed ?? 1);
  const scale = spec.scale ?? 0.3;
  const dropout = spec.dropout ?? 0;
  const padId = padIdOf(arch);
  const tensors = new Map<string, TinyTensor>();
  const normal = (): number => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const put = (name: string, shape: number[], mean = 0, std = scale): void => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = mean + std * normal();
    tensors.set(name, { shape, data });
  };
  const linear = (name: string, out: number, inp: number): void => {
    put(`${name}.weight`, [out, inp]);
    put(`${name}.bias`, [out], 0, 0.1);
  };
  const norm = (name: string): void => {
    put(`${name}.weight`, [hidden], 1, 0.1);
    put(`${name}.bias`, [hidden], 0, 0.1);
  };
  put('embeddings.word_embeddings.weight', [vocab.length, hidden], 0, 0.5);
  put('embeddings.position_embeddings.weight', [maxPos, hidden], 0, 0.5);
  if (arch !== 'distilbert') put('embeddings.token_type_embeddings.weight', [arch === 'roberta' ? 1 : 2, hidden], 0, 0.5);
  norm('embeddings.LayerNorm');
  for (let i = 0; i < layers; i++) {
    if (arch === 'distilbert') {
      const t = `transformer.layer.${i}`;
      for (const p of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) linear(`${t}.attention.${p}`, hidden, hidden);
      norm(`${t}.sa_layer_norm`);
      linear(`${t}.ffn.lin1`, inter, hidden);
      linear(`${t}.ffn.lin2`, hidden, inter);
      norm(`${t}.output_layer_norm`);
    } else {
      const l = `encoder.layer.${i}`;
      for (const p of ['query', 'key', 'value']) linear(`${l}.attention.self.${p}`, hidden, hidden);
      linear(`${l}.attention.output.dense`, hidden, hidden);
      norm(`${l}.attention.output.LayerNorm`);
      linear(`${l}.intermediate.dense`, inter, hidden);
      linear(`${l}.output.dense`, hidden, inter);
      norm(`${l}.output.LayerNorm`);
    }
  }
  if (arch === 'bert') linear('pooler.dense', hidden, hidden);
  const act = spec.hiddenAct ?? 'gelu';
  const config: Record<string, unknown> =
    arch === 'distilbert'
      ? {
          model_type: 'distilbert', architectures: ['DistilBertModel'], vocab_size: vocab.length, dim: hidden, n_layers: layers,
          n_heads: heads, hidden_dim: inter, activation: act, max_position_embeddings: maxPos, dropout, attention_dropout: dropout,
          seq_classif_dropout: dropout, pad_token_id: padId, initializer_range: 0.02, sinusoidal_pos_embds: false,
        }
      : {
          model_type: arch, architectures: [arch === 'bert' ? 'BertModel' : 'RobertaModel'], vocab_size: vocab.length,
          hidden_size: hidden, num_hidden_layers: layers, num_attention_heads: heads, intermediate_size: inter, hidden_act: act,
          hidden_dropout_prob: dropout, attention_probs_dropout_prob: dropout, max_position_embeddings: maxPos,
          type_vocab_size: arch === 'roberta' ? 1 : 2, initializer_range: 0.02, layer_norm_eps: arch === 'roberta' ? 1e-5 : 1e-12,
          pad_token_id: padId, position_embedding_type: 'absolute',
        };
  return { config, tensors, vocab };
}

export interface WriteOptions {
  /** Put the model prefix ('bert.' …) on the encoder's tensors. */
  prefix?: boolean;
  /** Write LayerNorm parameters as .gamma/.beta. */
  gammaBeta?: boolean;
  /** Extra tensors to add (names as written). */
  extra?: ReadonlyMap<string, TinyTensor>;
  /** Tensor names (unprefixed, modern) to leave out. */
  drop?: readonly string[];
}

const PREFIX: Readonly<Record<HfArchitecture, string>> = { bert: 'bert.', distilbert: 'distilbert.', roberta: 'roberta.' };

/** The file's tensor map for the options. */
export function checkpointTensors(ckpt: TinyCheckpoint, options: WriteOptions = {}): Map<string, TinyTensor> {
  const arch = ckpt.config['model_type'] as HfArchitecture;
  const out = new Map<string, TinyTensor>();
  for (const [name, tensor] of ckpt.tensors) {
    if (options.drop?.includes(name)) continue;
    let n = name;
    if (options.gammaBeta && /LayerNorm\.|layer_norm\./.test(n)) n = n.replace(/\.weight$/, '.gamma').replace(/\.bias$/, '.beta');
    if (options.prefix && !n.startsWith('classifier.') && !n.startsWith('pre_classifier.')) n = PREFIX[arch] + n;
    out.set(n, tensor);
  }
  for (const [name, tensor] of options.extra ?? []) out.set(name, tensor);
  return out;
}

/** Writes config.json, model.safetensors and vocab.txt into `dir` (created). */
export function writeTinyCheckpoint(dir: string, ckpt: TinyCheckpoint, options: WriteOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(ckpt.config, null, 2));
  writeFileSync(path.join(dir, 'model.safetensors'), encodeSafetensors(checkpointTensors(ckpt, options), { format: 'pt' }));
  writeFileSync(path.join(dir, 'vocab.txt'), `${ckpt.vocab.join('\n')}\n`);
  return dir;
}
