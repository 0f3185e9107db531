// An independent, straightforward forward pass of BERT, DistilBERT and RoBERTa in plain loops over
// Float64 numbers, from the checkpoint's tensors in Hugging Face layout (Linear weights [out, in]):
// the reference the TF.js encoder is checked against. Attention is written out per example, per
// head, per query and per key; padded keys are left out of the softmax.

import type { TinyTensor } from './tinyHfCheckpoint';

type Tensors = ReadonlyMap<string, TinyTensor>;

/** erf by its Taylor series (|x| <= 5; beyond, ±1 within 2e-12). */
export function erf(x: number): number {
  if (x > 5) return 1;
  if (x < -5) return -1;
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function activate(x: number, act: string): number {
  switch (act) {
    case 'gelu':
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'gelu_new':
      return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    case 'relu':
      return Math.max(0, x);
    case 'tanh':
      return Math.tanh(x);
    default:
      throw new Error(`naive: activation ${act}`);
  }
}

function get(t: Tensors, name: string): TinyTensor {
  const v = t.get(name);
  if (v === undefined) throw new Error(`naive: no tensor ${name}`);
  return v;
}

/** y = W x + b for one vector, W [out, in]. */
function linear(t: Tensors, name: string, x: number[]): number[] {
  const w = get(t, `${name}.weight`);
  const b = get(t, `${name}.bias`);
  const [out, inp] = w.shape;
  const y: number[] = [];
  for (let o = 0; o < out; o++) {
    let s = b.data[o];
    for (let i = 0; i < inp; i++) s += w.data[o * inp + i] * x[i];
    y.push(s);
  }
  return y;
}

function layerNorm(t: Tensors, name: string, x: number[], eps: number): number[] {
  const g = get(t, `${name}.weight`).data;
  const b = get(t, `${name}.bias`).data;
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * g[i] + b[i]);
}

function add(a: number[], b: number[]): number[] {
  return a.map((v, i) => v + b[i]);
}

interface Arch {
  type: 'bert' | 'distilbert' | 'roberta';
  hidden: number;
  layers: number;
  heads: number;
  act: string;
  eps: number;
  pad: number;
}

function archOf(config: Record<string, unknown>): Arch {
  const type = config['model_type'] as Arch['type'];
  if (type === 'distilbert') {
    return { type, hidden: config['dim'] as number, layers: config['n_layers'] as number, heads: config['n_heads'] as number, act: config['activation'] as string, eps: 1e-12, pad: config['pad_token_id'] as number };
  }
  return {
    type,
    hidden: config['hidden_size'] as number,
    layers: config['num_hidden_layers'] as number,
    heads: config['num_attention_heads'] as number,
    act: config['hidden_act'] as string,
    eps: config['layer_norm_eps'] as number,
    pad: config['pad_token_id'] as number,
  };
}

/** Multi-head attention over one sequence; `keep[j]` false for padded keys (or all true to ignore the mask). */
function attention(q: number[][], k: number[][], v: number[][], heads: number, keep: boolean[]): number[][] {
  const seq = q.length;
  const width = q[0].length;
  const d = width / heads;
  const out = Array.from({ length: seq }, () => new Array<number>(width).fill(0));
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < seq; i++) {
      const scores: number[] = [];
      for (let j = 0; j < seq; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += q[i][h * d + c] * k[j][h * d + c];
        scores.push(s / Math.sqrt(d));
      }
      const max = Math.max(...scores.filter((_, j) => keep[j]));
      const w = scores.map((s, j) => (keep[j] ? Math.exp(s - max) : 0));
      const total = w.reduce((a, b) => a + b, 0);
      for (let j = 0; j < seq; j++) {
        for (let c = 0; c < d; c++) out[i][h * d + c] += (w[j] / total) * v[j][h * d + c];
      }
    }
  }
  return out;
}

export interface NaiveOptions {
  /** Attend to padding too (to show that the mask matters). */
  ignoreMask?: boolean;
}

/** The last layer's hidden states of one sequence of ids. */
export function naiveHidden(config: Record<string, unknown>, t: Tensors, ids: readonly number[], options: NaiveOptions = {}): number[][] {
  const a = archOf(config);
  const keep = ids.map((id) => options.ignoreMask === true || id !== a.pad);
  const word = get(t, 'embeddings.word_embeddings.weight').data;
  const pos = get(t, 'embeddings.position_embeddings.weight').data;
  const types = a.type === 'distilbert' ? null : get(t, 'embeddings.token_type_embeddings.weight').data;
  let count = 0;
  let x = ids.map((id, i) => {
    let p = i;
    if (a.type === 'roberta') {
      if (id !== a.pad) count += 1;
      p = id !== a.pad ? a.pad + count : a.pad;
    }
    const row: number[] = [];
    for (let c = 0; c < a.hidden; c++) row.push(word[id * a.hidden + c] + pos[p * a.hidden + c] + (types === null ? 0 : types[c]));
    return layerNorm(t, 'embeddings.LayerNorm', row, a.eps);
  });
  for (let l = 0; l < a.layers; l++) {
    const names =
      a.type === 'distilbert'
        ? { p: `transformer.layer.${l}.attention.`, q: 'q_lin', k: 'k_lin', v: 'v_lin', o: `transformer.layer.${l}.attention.out_lin`, ln1: `transformer.layer.${l}.sa_layer_norm`, f1: `transformer.layer.${l}.ffn.lin1`, f2: `transformer.layer.${l}.ffn.lin2`, ln2: `transformer.layer.${l}.output_layer_norm` }
        : { p: `encoder.layer.${l}.attention.self.`, q: 'query', k: 'key', v: 'value', o: `encoder.layer.${l}.attention.output.dense`, ln1: `encoder.layer.${l}.attention.output.LayerNorm`, f1: `encoder.layer.${l}.intermediate.dense`, f2: `encoder.layer.${l}.output.dense`, ln2: `encoder.layer.${l}.output.LayerNorm` };
    const q = x.map((r) => linear(t, names.p + names.q, r));
    const k = x.map((r) => linear(t, names.p + names.k, r));
    const v = x.map((r) => linear(t, names.p + names.v, r));
    const ctx = attention(q, k, v, a.heads, keep);
    const attended = ctx.map((r, i) => layerNorm(t, names.ln1, add(linear(t, names.o, r), x[i]), a.eps));
    x = attended.map((r) => layerNorm(t, names.ln2, add(linear(t, names.f2, linear(t, names.f1, r).map((z) => activate(z, a.act))), r), a.eps));
  }
  return x;
}

/** The encoder's feature vector: BERT's pooler output, else the first token's hidden state. */
export function naiveFeatures(config: Record<string, unknown>, t: Tensors, ids: readonly number[], options: NaiveOptions = {}): number[] {
  const first = naiveHidden(config, t, ids, options)[0];
  if (config['model_type'] === 'bert') return linear(t, 'pooler.dense', first).map(Math.tanh);
  return first;
}

/** The HF sequence-classification head's logits over a feature vector (eval mode). */
export function naiveLogits(config: Record<string, unknown>, t: Tensors, features: number[]): number[] {
  switch (config['model_type']) {
    case 'bert':
      return linear(t, 'classifier', features);
    case 'distilbert':
      return linear(t, 'classifier', linear(t, 'pre_classifier', features).map((z) => Math.max(0, z)));
    default:
      return linear(t, 'classifier.out_proj', linear(t, 'classifier.dense', features).map(Math.tanh));
  }
}

export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((z) => z / total);
}
