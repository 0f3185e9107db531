// The cut-point finder of frozen-prefix caching on several topologies: a chain, a branch that
// rejoins, a Hugging Face-like graph whose upper layers read the input ids again, stochastic
// prefixes (auto vs inference), and the memory guard and switches of the planner.

import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { findPrefixCut, graphCalls, trainingDependence, usableCuts } from '../../../src/engine/training/frozenPrefixGraph';
import { planFrozenPrefix, disposePlan } from '../../../src/engine/training/frozenPrefixCache';
import { HfDropout } from '../../../src/engine/models/hf/hfDropout';

type Sym = tf.SymbolicTensor;

before(async () => {
  await tf.setBackend('cpu');
});

function dense(name: string, units: number, x: Sym, trainable = false): Sym {
  return tf.layers.dense({ name, units, trainable }).apply(x) as Sym;
}

/** Input(6) → d1 → d2 → d3 → top (trainable only where named). */
function chain(trainable: string[], between?: (x: Sym) => Sym): tf.LayersModel {
  const input = tf.input({ shape: [6], name: 'in' });
  let x = dense('d1', 5, input, trainable.includes('d1'));
  if (between) x = between(x);
  x = dense('d2', 5, x, trainable.includes('d2'));
  x = dense('d3', 4, x, trainable.includes('d3'));
  x = dense('top', 3, x, trainable.includes('top'));
  return tf.model({ inputs: input, outputs: x });
}

test('graphCalls lists every call once, inputs first', () => {
  const m = chain(['top']);
  assert.deepEqual(graphCalls(m).map((c) => c.layer.name), ['in', 'd1', 'd2', 'd3', 'top']);
  m.dispose();
});

test('chain: the cut is the input of the lowest trainable layer', () => {
  for (const [trainable, last] of [[['top'], 'd3'], [['d3', 'top'], 'd2'], [['d2'], 'd1']] as const) {
    const m = chain([...trainable]);
    const found = findPrefixCut(m, 'auto');
    assert.equal(found.kind, 'cut', `trainable ${trainable.join(',')}`);
    if (found.kind === 'cut') {
      assert.equal(found.cut.lastLayer, last);
      assert.deepEqual(found.cut.upper.map((c) => c.layer.name), m.layers.map((l) => l.name).slice(m.layers.findIndex((l) => l.name === last) + 1));
    }
    m.dispose();
  }
  const first = chain(['d1']);
  const none = findPrefixCut(first, 'auto');
  assert.equal(none.kind, 'none');
  first.dispose();
  const frozen = chain([]);
  assert.deepEqual(findPrefixCut(frozen, 'auto'), { kind: 'none', reason: 'the base has no trainable weights' });
  frozen.dispose();
});

test('branch: no cut inside two parallel paths; the cut is where they rejoin', () => {
  const input = tf.input({ shape: [6] });
  const a = dense('a', 4, input);
  const b1 = dense('b1', 4, a);
  const b2 = dense('b2', 4, a);
  const joined = tf.layers.concatenate({ name: 'join' }).apply([b1, b2]) as Sym;
  const side = dense('side', 4, b1); // b1 is also read above the join
  const merged = tf.layers.concatenate({ name: 'merge' }).apply([joined, side]) as Sym;
  const top = dense('top', 2, merged, true);
  const m = tf.model({ inputs: input, outputs: top });
  const cuts = usableCuts(m).map((c) => c.lastLayer);
  // 'a' is a chain cut (both branches start there); 'b1', 'b2', 'join', 'side' are not alone; 'merge' is.
  assert.deepEqual(cuts, ['a', 'merge']);
  const found = findPrefixCut(m, 'auto');
  assert.equal(found.kind === 'cut' && found.cut.lastLayer, 'merge');
  m.dispose();
});

test('trainable branch: the cut stays below the branch point', () => {
  const input = tf.input({ shape: [6] });
  const a = dense('a', 4, input);
  const b1 = dense('b1', 4, a, true);
  const b2 = dense('b2', 4, a);
  const joined = tf.layers.add({ name: 'join' }).apply([b1, b2]) as Sym;
  const m = tf.model({ inputs: input, outputs: dense('top', 2, joined) });
  const found = findPrefixCut(m, 'auto');
  assert.equal(found.kind === 'cut' && found.cut.lastLayer, 'a');
  m.dispose();
});

test('HF-like: upper layers that read the input ids again make a multi-tensor cut, not cached, with the reason', () => {
  const ids = tf.input({ shape: [5], name: 'input_ids' });
  const emb = tf.layers.embedding({ name: 'embeddings', inputDim: 10, outputDim: 4, trainable: false }).apply(ids) as Sym;
  const mask = tf.layers.reshape({ name: 'mask', targetShape: [5, 1] }).apply(ids) as Sym;
  const h1 = tf.layers.multiply({ name: 'masked1' }).apply([emb, tf.layers.concatenate({ name: 'm4' }).apply([mask, mask, mask, mask]) as Sym]) as Sym;
  const h2 = dense('layer.0', 4, h1);
  // The trainable layer, then a layer reading the ids again (as every attention layer does).
  const h3 = dense('layer.1', 4, h2, true);
  const mask2 = tf.layers.reshape({ name: 'mask2', targetShape: [5, 1] }).apply(ids) as Sym;
  const top = tf.layers.concatenate({ name: 'with_ids' }).apply([h3, mask2]) as Sym;
  const m = tf.model({ inputs: ids, outputs: top });
  const cuts = usableCuts(m);
  const highest = cuts[cuts.length - 1];
  assert.equal(highest.lastLayer, 'layer.0');
  assert.deepEqual(highest.extraInputs.map((t) => t.sourceLayer.name), ['input_ids']);
  const found = findPrefixCut(m, 'auto');
  assert.equal(found.kind, 'none');
  assert.match(found.kind === 'none' ? found.reason : '', /crosses several tensors.*'layer\.0' \+ 'input_ids'/);
  m.dispose();
});

test('a stochastic prefix: auto cuts below the dropout, or not at all; inference cuts above it', () => {
  // d1 → dropout(0.5) → d2 → d3 → top(trainable): auto stops at d1 (the dropout runs each step).
  const m = chain(['top'], (x) => tf.layers.dropout({ name: 'drop', rate: 0.5 }).apply(x) as Sym);
  const auto = findPrefixCut(m, 'auto');
  assert.equal(auto.kind === 'cut' && auto.cut.lastLayer, 'd1');
  assert.match(auto.kind === 'cut' ? auto.lowered ?? '' : '', /'drop' \(Dropout rate 0.5\) is active in training/);
  const inference = findPrefixCut(m, 'inference');
  assert.equal(inference.kind === 'cut' && inference.cut.lastLayer, 'd3');
  assert.match(inference.kind === 'cut' ? inference.cut.trainingDependence ?? '' : '', /drop/);
  m.dispose();
  // input → dropout → d → top: nothing deterministic below the trainable layer.
  const input = tf.input({ shape: [6] });
  const dropped = new HfDropout({ name: 'embeddings.dropout', rate: 0.1 }).apply(input) as Sym;
  const m2 = tf.model({ inputs: input, outputs: dense('top', 2, dense('d', 4, dropped), true) });
  assert.equal(findPrefixCut(m2, 'auto').kind, 'none');
  const plan = planFrozenPrefix({ base: m2, technique: 'lora', mode: 'auto', rows: 10 });
  assert.equal(plan.plan, null);
  assert.match(plan.line ?? '', /not used: layer 'embeddings.dropout' \(HfDropout rate 0.1\) is active in training.*'inference'/);
  const opted = planFrozenPrefix({ base: m2, technique: 'lora', mode: 'inference', rows: 10 });
  assert.ok(opted.plan !== null);
  assert.equal(opted.plan.cut.lastLayer, 'd');
  assert.match(opted.line ?? '', /run in inference mode/);
  disposePlan(opted.plan);
  m2.dispose();
});

test('trainingDependence: rates of zero, batch normalization, nested GRU dropout, unknown classes', () => {
  assert.equal(trainingDependence(tf.layers.dropout({ rate: 0 })), null);
  assert.match(trainingDependence(tf.layers.batchNormalization({ name: 'bn' })) ?? '', /batch statistics/);
  assert.match(trainingDependence(tf.layers.gaussianNoise({ stddev: 0.1, name: 'noise' })) ?? '', /stddev 0.1/);
  const gru = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2, dropout: 0.2 }) as tf.RNN, name: 'bi' });
  assert.match(trainingDependence(gru) ?? '', /dropout 0.2/);
  assert.equal(trainingDependence(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2 }) as tf.RNN })), null);
  assert.match(trainingDependence(tf.layers.alphaDropout({ rate: 0.1, name: 'alpha' })) ?? '', /active in training/);
  assert.match(trainingDependence(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }), name: 'td' })) ?? '', /not known/);
});

test('planner: technique, off, FINETUNE_FAST_PATHS=0, memory budget, and the log line', () => {
  const m = chain(['top']);
  assert.deepEqual(planFrozenPrefix({ base: m, technique: 'full', mode: 'auto', rows: 10 }), { plan: null, line: null });
  assert.match(planFrozenPrefix({ base: m, technique: 'lora', mode: 'off', rows: 10 }).line ?? '', /off \(frozenPrefixCache: off\)/);
  assert.match(planFrozenPrefix({ base: m, technique: 'lora', mode: undefined, rows: 10, env: { FINETUNE_FAST_PATHS: '0' } }).line ?? '', /FINETUNE_FAST_PATHS=0/);
  assert.match(planFrozenPrefix({ base: m, technique: 'lora', mode: 'auto', rows: 10, env: { FINETUNE_FROZEN_PREFIX_CACHE: 'off' } }).line ?? '', /off \(FINETUNE_FROZEN_PREFIX_CACHE=off\)/);
  const on = planFrozenPrefix({ base: m, technique: 'lora', mode: 'auto', rows: 10, env: { FINETUNE_FROZEN_PREFIX_CACHE: '1' } }).plan;
  assert.ok(on !== null);
  disposePlan(on);
  // d3 outputs 4 floats = 16 bytes per row: 100 rows = 1600 bytes.
  const refused = planFrozenPrefix({ base: m, technique: 'adapter', mode: 'auto', rows: 100, budgetBytes: 1599 });
  assert.equal(refused.plan, null);
  assert.match(refused.line ?? '', /takes 1\.6 KiB, more than its budget of 1\.6 KiB.*fewer rows.*features technique/);
  const ok = planFrozenPrefix({ base: m, technique: 'adapter', mode: 'auto', rows: 100, budgetBytes: 1600 });
  assert.ok(ok.plan !== null);
  assert.equal(ok.plan.bytes, 1600);
  assert.match(ok.line ?? '', /3 frozen layers up to 'd3' computed once per example; cache \[100, 4\]/);
  disposePlan(ok.plan);
  m.dispose();
});

test('building and disposing the plan leaves no tensor behind and the base usable until disposed', () => {
  const before = tf.memory().numTensors;
  const m = chain(['top']);
  const json = JSON.stringify(m.toJSON(null, false));
  const { plan } = planFrozenPrefix({ base: m, technique: 'lora', mode: 'auto', rows: 4 });
  assert.ok(plan !== null);
  assert.equal(JSON.stringify(m.toJSON(null, false)), json, 'the base saves as before');
  assert.deepEqual(plan.upper.trainableWeights.map((w) => w.originalName), m.trainableWeights.map((w) => w.originalName));
  disposePlan(plan);
  const x = tf.ones([2, 6]);
  const y = m.predict(x) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 3]);
  tf.dispose([x, y]);
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});
