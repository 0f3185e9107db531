// Our side of the bilstm-text bench cases: Embedding(10000, 64) → Bidirectional(LSTM(32)) over
// 100 tokens (FtBidirectionalLstm, sigmoid gates as PyTorch's nn.LSTM) → concat(mean, max) →
// Dense(2, softmax), on one fixed batch of random token ids, trained step by step the way the
// trainer does it (tf.variableGrads, clipping to global norm 1 and the engine's AdamW through
// applyStep.ts, reading the loss back), after the backend is chosen and the fast paths installed
// as a run installs them. technique full: everything trains; lora: applyTechnique puts LoRA
// (rank 8, alpha 16) on the LSTM's kernels, the head trains too.

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backends/selectBackend';
import { registerSegmentSumKernels } from '../src/engine/backends/unsortedSegmentSum';
import { installFastPaths } from '../src/engine/backends/fastPaths/installFastPaths';
import { activeLstmKernel } from '../src/engine/backends/fastPaths/fusedLstm';
import { FtBidirectionalLstm } from '../src/engine/models/bidirectionalLstm';
import { buildHead, composeModel } from '../src/engine/models/head';
import { applyTechnique } from '../src/engine/techniques/applyTechnique';
import { ADAPTER_SIZE, LORA, LSTM_TEXT, type StepCase } from './benchCases';
import type { OursResult } from './oursRunCase';
import { stepCaseHead, timeTrainingSteps } from './oursStepLoop';

function lstmBase(): tf.LayersModel {
  const { vocab, embed, units, seq } = LSTM_TEXT;
  const ids = tf.input({ shape: [seq] });
  const emb = tf.layers.embedding({ inputDim: vocab, outputDim: embed, name: 'embedding' }).apply(ids) as tf.SymbolicTensor;
  const lstm = new FtBidirectionalLstm({ units, returnSequences: true, recurrentActivation: 'sigmoid', name: 'bilstm' }).apply(emb) as tf.SymbolicTensor;
  const pooled = tf.layers.concatenate().apply([
    tf.layers.globalAveragePooling1d().apply(lstm) as tf.SymbolicTensor,
    tf.layers.globalMaxPooling1d().apply(lstm) as tf.SymbolicTensor,
  ]) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: pooled, name: 'bilstm_text' });
}

export async function runOursLstmCase(c: StepCase, backendName: 'wasm' | 'cpu'): Promise<OursResult> {
  const backend = await selectBackend(backendName, () => undefined);
  registerSegmentSumKernels();
  const fastPaths = installFastPaths(backend.name, () => undefined);
  const technique = c.technique ?? 'full';
  if (technique !== 'full' && technique !== 'lora') throw new Error(`bilstm-text: technique ${technique} is not benchmarked (full, lora)`);
  const { vocab, seq, batch, units, classes } = LSTM_TEXT;
  const base = lstmBase();
  const trained =
    technique === 'full'
      ? base
      : await applyTechnique(base, 'lora', {
        lora: { rank: LORA.rank, alpha: LORA.alpha, dropout: 0, targets: ['lstm'] },
        adapter: { size: ADAPTER_SIZE, activation: 'relu', after: [] },
        seed: 1,
        defaults: { loraTargets: [], adapterAfter: [] },
      });
  const model = composeModel(trained, buildHead(4 * units, { task: 'classification', classes }, 2));
  const x = tf.tensor2d(Array.from({ length: c.batchSize * seq }, (_, i) => 5 + ((i * 7919) % (vocab - 5))), [c.batchSize, seq], 'int32');
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: c.batchSize }, (_, i) => i % classes), 'int32'), classes);
  const loss = (): tf.Scalar => {
    const p = model.apply(x, { training: true }) as tf.Tensor;
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar;
  };
  const { clock, trainableParams } = await timeTrainingSteps(model, loss, c.warmup, c.steps);
  return {
    ...stepCaseHead(c.name, { backend: backend.name, fastPaths, gruKernel: `lstm: ${activeLstmKernel().name}`, threads: 1, batchSize: c.batchSize }, clock),
    trainableParams,
    shape: { seq, vocab, classes, trainRows: batch, valRows: 0 },
  };
}
