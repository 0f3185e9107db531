// Builds a BERT, DistilBERT or RoBERTa encoder from its normalised config as a TF.js functional
// Layers model: token ids [batch, seq] (float32) → feature vector [batch, hidden].
//   BERT:       pooler.dense (tanh) over [CLS] of the last layer (HF pooler_output).
//   DistilBERT: the last layer's [CLS] hidden state (what pre_classifier reads).
//   RoBERTa:    the last layer's <s> hidden state (what the classification head reads).
// Every layer that holds weights is named after the Hugging Face module it stands for, and every
// projection is a real Dense layer, so LoRA and adapters can target them by name and the weights
// map to HF tensor names by a rule (see hfWeightNames.ts). Layer names (BERT / RoBERTa, i = 0…):
//   embeddings, embeddings.LayerNorm, embeddings.dropout,
//   encoder.layer.i.attention.self.{query,key,value}, encoder.layer.i.attention.self (core),
//   encoder.layer.i.attention.output.{dense,dropout,residual,LayerNorm},
//   encoder.layer.i.intermediate.dense, encoder.layer.i.output.{dense,dropout,residual,LayerNorm},
//   BERT: pooler.first_token, pooler.dense; RoBERTa: first_token.
// DistilBERT: embeddings, embeddings.LayerNorm, embeddings.dropout,
//   transformer.layer.i.attention.{q_lin,k_lin,v_lin} , transformer.layer.i.attention (core),
//   transformer.layer.i.attention.out_lin, transformer.layer.i.sa_residual, transformer.layer.i.sa_layer_norm,
//   transformer.layer.i.ffn.{lin1,lin2,dropout}, transformer.layer.i.ffn_residual,
//   transformer.layer.i.output_layer_norm, first_token.

import * as tf from '@tensorflow/tfjs';
import type { ActivationIdentifier } from '../../techniques/tfjsTypes';
import type { HfEncoderConfig } from './hfConfig';
import { HfDropout } from './hfDropout';
import { HfEmbeddings } from './hfEmbeddings';
import { HfFirstToken } from './hfFirstToken';
import { HfLayerNorm } from './hfLayerNorm';
import { HfSelfAttention } from './hfSelfAttention';

/** The name of the encoder's input layer. */
export const HF_INPUT_NAME = 'input_ids';

/** Names of one transformer block's projections. */
export interface BlockNames {
  query: string;
  key: string;
  value: string;
  attentionOutput: string;
  ffnIn: string;
  ffnOut: string;
}

/** The projections of every block, in order. */
export function blockNames(config: HfEncoderConfig): BlockNames[] {
  return Array.from({ length: config.numLayers }, (_, i) => {
    if (config.architecture === 'distilbert') {
      const t = `transformer.layer.${i}`;
      return {
        query: `${t}.attention.q_lin`,
        key: `${t}.attention.k_lin`,
        value: `${t}.attention.v_lin`,
        attentionOutput: `${t}.attention.out_lin`,
        ffnIn: `${t}.ffn.lin1`,
        ffnOut: `${t}.ffn.lin2`,
      };
    }
    const l = `encoder.layer.${i}`;
    return {
      query: `${l}.attention.self.query`,
      key: `${l}.attention.self.key`,
      value: `${l}.attention.self.value`,
      attentionOutput: `${l}.attention.output.dense`,
      ffnIn: `${l}.intermediate.dense`,
      ffnOut: `${l}.output.dense`,
    };
  });
}

type Sym = tf.SymbolicTensor;

function applyOne(layer: tf.layers.Layer, input: Sym | Sym[]): Sym {
  const out = layer.apply(input);
  if (Array.isArray(out) || !(out instanceof tf.SymbolicTensor)) throw new Error(`Layer '${layer.name}' did not give one symbolic tensor.`);
  return out;
}

class Builder {
  private readonly init: ReturnType<typeof tf.initializers.randomNormal>;

  constructor(private readonly config: HfEncoderConfig) {
    this.init = tf.initializers.randomNormal({ mean: 0, stddev: config.initializerRange });
  }

  dense(name: string, units: number, x: Sym, activation: ActivationIdentifier = 'linear'): Sym {
    return applyOne(
      tf.layers.dense({
        name,
        units,
        activation,
        kernelInitializer: this.init,
        biasInitializer: 'zeros',
      }),
      x,
    );
  }

  layerNorm(name: string, x: Sym): Sym {
    return applyOne(new HfLayerNorm({ name, epsilon: this.config.layerNormEps }), x);
  }

  dropout(name: string, rate: number, x: Sym): Sym {
    return applyOne(new HfDropout({ name, rate }), x);
  }

  add(name: string, a: Sym, b: Sym): Sym {
    return applyOne(tf.layers.add({ name }), [a, b]);
  }

  attention(name: string, names: BlockNames, x: Sym, ids: Sym): Sym {
    const h = this.config.hiddenSize;
    const q = this.dense(names.query, h, x);
    const k = this.dense(names.key, h, x);
    const v = this.dense(names.value, h, x);
    const core = new HfSelfAttention({
      name,
      numHeads: this.config.numHeads,
      padTokenId: this.config.padTokenId,
      attentionDropout: this.config.attentionDropout,
    });
    return applyOne(core, [q, k, v, ids]);
  }

  bertBlock(i: number, names: BlockNames, x: Sym, ids: Sym): Sym {
    const c = this.config;
    const l = `encoder.layer.${i}`;
    const context = this.attention(`${l}.attention.self`, names, x, ids);
    let a = this.dense(names.attentionOutput, c.hiddenSize, context);
    a = this.dropout(`${l}.attention.output.dropout`, c.hiddenDropout, a);
    const attended = this.layerNorm(`${l}.attention.output.LayerNorm`, this.add(`${l}.attention.output.residual`, a, x));
    const inner = this.dense(names.ffnIn, c.intermediateSize, attended, c.activation);
    let f = this.dense(names.ffnOut, c.hiddenSize, inner);
    f = this.dropout(`${l}.output.dropout`, c.hiddenDropout, f);
    return this.layerNorm(`${l}.output.LayerNorm`, this.add(`${l}.output.residual`, f, attended));
  }

  distilBlock(i: number, names: BlockNames, x: Sym, ids: Sym): Sym {
    const c = this.config;
    const t = `transformer.layer.${i}`;
    const context = this.attention(`${t}.attention`, names, x, ids);
    const a = this.dense(names.attentionOutput, c.hiddenSize, context);
    const attended = this.layerNorm(`${t}.sa_layer_norm`, this.add(`${t}.sa_residual`, a, x));
    const inner = this.dense(names.ffnIn, c.intermediateSize, attended, c.activation);
    let f = this.dense(names.ffnOut, c.hiddenSize, inner);
    f = this.dropout(`${t}.ffn.dropout`, c.hiddenDropout, f);
    return this.layerNorm(`${t}.output_layer_norm`, this.add(`${t}.ffn_residual`, f, attended));
  }

  build(name: string): tf.LayersModel {
    const c = this.config;
    const ids = tf.input({ shape: [null], dtype: 'float32', name: HF_INPUT_NAME });
    const embeddings = new HfEmbeddings({
      name: 'embeddings',
      vocabSize: c.vocabSize,
      hiddenSize: c.hiddenSize,
      maxPositions: c.maxPositions,
      typeVocabSize: c.typeVocabSize,
      padTokenId: c.padTokenId,
      positionMode: c.architecture === 'roberta' ? 'roberta' : 'absolute',
      initializerRange: c.initializerRange,
    });
    let x = applyOne(embeddings, ids);
    x = this.layerNorm('embeddings.LayerNorm', x);
    x = this.dropout('embeddings.dropout', c.hiddenDropout, x);
    blockNames(c).forEach((names, i) => {
      x = c.architecture === 'distilbert' ? this.distilBlock(i, names, x, ids) : this.bertBlock(i, names, x, ids);
    });
    let features: Sym;
    if (c.architecture === 'bert') {
      const first = applyOne(new HfFirstToken({ name: 'pooler.first_token' }), x);
      features = this.dense('pooler.dense', c.hiddenSize, first, 'tanh');
    } else {
      features = applyOne(new HfFirstToken({ name: 'first_token' }), x);
    }
    return tf.model({ inputs: ids, outputs: features, name });
  }
}

/** The encoder with freshly initialised weights (load real ones with loadHfWeights). */
export function buildHfEncoder(config: HfEncoderConfig, name = `${config.architecture}_encoder`): tf.LayersModel {
  return new Builder(config).build(name);
}
