// Small models and helpers shared by the techniques tests.

import * as tf from '@tensorflow/tfjs';
import type { AdapterConfig, LoraConfig } from '../../../src/protocol/configTypes';
import type { TechniqueOptions } from '../../../src/engine/techniques/applyTechnique';

/** input[6] → d1 Dense(8, relu) → d2 Dense(5, relu). 101 parameters. */
export function mlp(): tf.LayersModel {
  const input = tf.input({ shape: [6], name: 'in' });
  const d1 = tf.layers.dense({ units: 8, activation: 'relu', name: 'd1' }).apply(input) as tf.SymbolicTensor;
  const d2 = tf.layers.dense({ units: 5, activation: 'relu', name: 'd2' }).apply(d1) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: d2, name: 'mlp' });
}

/** input[4, 6] → t1 Dense(8) per timestep → pool GlobalAveragePooling1D. 56 parameters. */
export function sequenceModel(): tf.LayersModel {
  const input = tf.input({ shape: [4, 6], name: 'seq_in' });
  const t1 = tf.layers.dense({ units: 8, name: 't1' }).apply(input) as tf.SymbolicTensor;
  const pool = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(t1) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: pool, name: 'seq' });
}

/** input[6] → d1 → (a Dense(3, tanh), b Dense(2)) → cat → out Dense(4): d1 has two consumers. */
export function branchingModel(): tf.LayersModel {
  const input = tf.input({ shape: [6], name: 'b_in' });
  const d1 = tf.layers.dense({ units: 8, activation: 'relu', name: 'd1' }).apply(input) as tf.SymbolicTensor;
  const a = tf.layers.dense({ units: 3, activation: 'tanh', name: 'a' }).apply(d1) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 2, name: 'b' }).apply(d1) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, name: 'out' }).apply(cat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'branching' });
}

export const LORA: LoraConfig = { rank: 2, alpha: 4, dropout: 0, targets: [] };
export const ADAPTER: AdapterConfig = { size: 3, activation: 'gelu', after: [] };

export function options(overrides: { lora?: Partial<LoraConfig>; adapter?: Partial<AdapterConfig> } = {}): TechniqueOptions {
  return {
    lora: { ...LORA, ...overrides.lora },
    adapter: { ...ADAPTER, ...overrides.adapter },
    seed: 42,
    defaults: { loraTargets: ['dense'], adapterAfter: ['d1'] },
  };
}

/** Deterministic input data. */
export function data(shape: number[], seed = 1): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

export function predict(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Save through a memory handler and load back. */
export async function saveAndLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === null) throw new Error('nothing saved');
  return tf.loadLayersModel(tf.io.fromMemory(saved));
}

/** The tf.Variables behind a model's trainable weights (LayerVariable.read() returns the variable itself). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => {
    const v = w.read();
    if (!(v instanceof tf.Variable)) throw new Error(`${w.name} is not backed by a tf.Variable`);
    return v;
  });
}

/** Runs a few optimizer steps of MSE against a fixed target on the trainable weights only. */
export function train(model: tf.LayersModel, x: tf.Tensor, steps: number, optimizer: tf.Optimizer): void {
  const y = tf.tidy(() => tf.onesLike(model.predict(x) as tf.Tensor));
  const vars = trainableVariables(model);
  for (let i = 0; i < steps; i++) {
    const loss = optimizer.minimize(
      () => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      false,
      vars,
    );
    loss?.dispose();
  }
  y.dispose();
}

/** originalName → values, for every weight. */
export function snapshot(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync() as Float32Array)]));
}

export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function trainableNames(model: tf.LayersModel): string[] {
  return model.trainableWeights.map((w) => w.originalName).sort();
}
