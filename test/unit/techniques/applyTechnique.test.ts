import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { TechniqueName } from '../../../src/protocol/configTypes';
import { applyTechnique } from '../../../src/engine/techniques/applyTechnique';
import { countParams } from '../../../src/engine/techniques/countParams';
import { mergeLora } from '../../../src/engine/techniques/mergeLora';
import { listTechniqueTargets } from '../../../src/engine/techniques/techniqueTargets';
import { LoraDense } from '../../../src/engine/techniques/loraDense';
import { BottleneckAdapter } from '../../../src/engine/techniques/adapterLayer';
import { UserError } from '../../../src/engine/userError';
import {
  branchingModel, data, maxAbsDiff, mlp, options, predict, sameBits, saveAndLoad, sequenceModel, snapshot, train, trainableNames,
} from './techniqueFixtures';

const ALL_MLP = ['d1/bias', 'd1/kernel', 'd2/bias', 'd2/kernel'];

function randomizeLoraB(model: tf.LayersModel, seed: number): void {
  model.weights
    .filter((w) => /lora_(B|kernel_b|recurrent_kernel_b)$/.test(w.originalName))
    .forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.3, 'float32', seed + i)));
}

describe('applyTechnique: outputs right after applying equal the base', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const cases: { technique: TechniqueName; model: () => tf.LayersModel; input: number[]; after?: string[] }[] = [
    { technique: 'full', model: mlp, input: [3, 6] },
    { technique: 'features', model: mlp, input: [3, 6] },
    { technique: 'lora', model: mlp, input: [3, 6] },
    { technique: 'adapter', model: mlp, input: [3, 6] },
    { technique: 'lora', model: sequenceModel, input: [3, 4, 6] },
    { technique: 'adapter', model: sequenceModel, input: [3, 4, 6], after: ['t1', 'pool'] },
    { technique: 'lora', model: branchingModel, input: [3, 6] },
    { technique: 'adapter', model: branchingModel, input: [3, 6], after: ['d1', 'out'] },
  ];
  for (const c of cases) {
    it(`${c.technique} on ${c.model.name}: exactly equal outputs, new model, base untouched`, async () => {
      const base = c.model();
      const before = snapshot(base);
      const model = await applyTechnique(base, c.technique, options({ adapter: { after: c.after ?? [] } }));
      assert.notEqual(model, base);
      const x = data(c.input);
      assert.deepEqual(predict(model, x), predict(base, x));
      for (const [name, values] of snapshot(base)) assert.ok(sameBits(values, before.get(name)!), name);
    });
  }
});

describe('applyTechnique: which weights train', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('full: every weight', async () => {
    const model = await applyTechnique(mlp(), 'full', options());
    assert.deepEqual(trainableNames(model), ALL_MLP);
  });

  it('features: none, and no variable stays trainable', async () => {
    const model = await applyTechnique(mlp(), 'features', options());
    assert.deepEqual(trainableNames(model), []);
    assert.ok(model.weights.every((w) => !w.trainable && !(w.read() as tf.Variable).trainable));
  });

  it('lora (kind dense): only lora_A / lora_B; Dense layers became LoraDense', async () => {
    const model = await applyTechnique(mlp(), 'lora', options({ lora: { targets: ['dense'] } }));
    assert.deepEqual(trainableNames(model), ['d1/lora_A', 'd1/lora_B', 'd2/lora_A', 'd2/lora_B']);
    assert.ok(model.getLayer('d1') instanceof LoraDense && model.getLayer('d2') instanceof LoraDense);
  });

  it('lora (layer name d2): only d2 gets LoRA, d1 stays a frozen Dense', async () => {
    const model = await applyTechnique(mlp(), 'lora', options({ lora: { targets: ['d2'] } }));
    assert.deepEqual(trainableNames(model), ['d2/lora_A', 'd2/lora_B']);
    assert.equal(model.getLayer('d1').getClassName(), 'Dense');
    assert.equal(model.getLayer('d1').trainable, false);
  });

  it('lora (empty targets): the defaults are used', async () => {
    const opts = options();
    opts.defaults.loraTargets = ['d1'];
    const model = await applyTechnique(mlp(), 'lora', opts);
    assert.deepEqual(trainableNames(model), ['d1/lora_A', 'd1/lora_B']);
  });

  it('adapter: only the adapter weights; d2 and the outputs are rewired', async () => {
    const model = await applyTechnique(branchingModel(), 'adapter', options({ adapter: { after: ['d1', 'out'] } }));
    assert.deepEqual(trainableNames(model), [
      'd1_adapter/down_bias', 'd1_adapter/down_kernel', 'd1_adapter/up_bias', 'd1_adapter/up_kernel',
      'out_adapter/down_bias', 'out_adapter/down_kernel', 'out_adapter/up_bias', 'out_adapter/up_kernel',
    ]);
    const inboundOf = (name: string): string[] =>
      model.getLayer(name).inboundNodes[0].inboundLayers.map((l) => l.name);
    assert.deepEqual(inboundOf('a'), ['d1_adapter']);
    assert.deepEqual(inboundOf('b'), ['d1_adapter']);
    assert.deepEqual(inboundOf('d1_adapter'), ['d1']);
    assert.equal(model.outputs[0].sourceLayer.name, 'out_adapter');
    assert.ok(model.getLayer('out_adapter') instanceof BottleneckAdapter);
  });
});

describe('applyTechnique: parameter counts (hand-computed)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  // mlp: d1 6·8+8 = 56, d2 8·5+5 = 45 → 101.
  // lora r=2 on both: d1 6·2+2·8 = 28, d2 8·2+2·5 = 26 → 54.
  // adapter size 3 after d1 (d = 8): down 8·3+3 = 27, up 3·8+8 = 32 → 59.
  const expected: [TechniqueName, { total: number; trainable: number }][] = [
    ['full', { total: 101, trainable: 101 }],
    ['features', { total: 101, trainable: 0 }],
    ['lora', { total: 155, trainable: 54 }],
    ['adapter', { total: 160, trainable: 59 }],
  ];
  for (const [technique, counts] of expected) {
    it(`${technique}: ${counts.trainable} of ${counts.total}`, async () => {
      assert.deepEqual(countParams(await applyTechnique(mlp(), technique, options())), counts);
    });
  }
});

describe('applyTechnique: training changes only what should train', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const cases: [TechniqueName, string, () => tf.Optimizer][] = [
    ['lora', 'sgd', () => tf.train.sgd(0.1)],
    ['lora', 'adam', () => tf.train.adam(0.01)],
    ['adapter', 'sgd', () => tf.train.sgd(0.1)],
    ['adapter', 'adam', () => tf.train.adam(0.01)],
    ['full', 'adam', () => tf.train.adam(0.01)],
  ];
  for (const [technique, optName, makeOptimizer] of cases) {
    it(`${technique} with ${optName}: frozen weights bit-identical, trainable ones moved`, async () => {
      const model = await applyTechnique(mlp(), technique, options());
      const trainable = new Set(trainableNames(model));
      const before = snapshot(model);
      train(model, data([16, 6], 5), 3, makeOptimizer());
      const after = snapshot(model);
      for (const [name, values] of before) {
        if (trainable.has(name)) {
          // B and up start at zero: every trainable weight moves once gradients flow.
          assert.ok(!sameBits(values, after.get(name)!), `${name} should have changed`);
        } else {
          assert.ok(sameBits(values, after.get(name)!), `${name} should be bit-identical`);
        }
      }
    });
  }
});

describe('mergeLora', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const [make, input] of [[mlp, [7, 6]], [sequenceModel, [7, 4, 6]], [branchingModel, [7, 6]]] as const) {
    it(`${make.name}: plain Dense layers, same outputs within 1e-5 after random B`, async () => {
      const lora = await applyTechnique(make(), 'lora', options({ lora: { targets: ['dense'] } }));
      randomizeLoraB(lora, 21);
      const x = data([...input], 8);
      const before = predict(lora, x);
      const merged = await mergeLora(lora);
      assert.ok(merged.layers.every((l) => !(l instanceof LoraDense)));
      assert.ok(merged.weights.every((w) => !w.originalName.includes('lora_')));
      const diff = maxAbsDiff(predict(merged, x), before);
      assert.ok(diff < 1e-5, `max abs diff ${diff}`);
      const base = make();
      base.setWeights(lora.layers.flatMap((l) => l.weights.filter((w) => !w.originalName.includes('lora_')).map((w) => w.read())));
      assert.ok(maxAbsDiff(before, predict(base, x)) > 1e-4, 'random B should change the outputs');
    });
  }

  it('after training: merged model equals the trained LoRA model; adapters stay', async () => {
    const base = mlp();
    const adapted = await applyTechnique(base, 'adapter', options());
    const withLora = await applyTechnique(adapted, 'lora', options({ lora: { targets: ['d2'] } }));
    train(withLora, data([16, 6], 5), 5, tf.train.adam(0.05));
    const x = data([5, 6], 9);
    const merged = await mergeLora(withLora);
    assert.ok(merged.getLayer('d1_adapter') instanceof BottleneckAdapter);
    assert.equal(merged.getLayer('d2').getClassName(), 'Dense');
    assert.ok(maxAbsDiff(predict(merged, x), predict(withLora, x)) < 1e-5);
  });
});

describe('applyTechnique: save → load of the technique models', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const technique of ['lora', 'adapter'] as const) {
    it(`${technique}: identical outputs and the same trainable weights after loading`, async () => {
      const model = await applyTechnique(sequenceModel(), technique, options({ adapter: { after: ['t1'] } }));
      randomizeLoraB(model, 3);
      train(model, data([4, 4, 6], 2), 2, tf.train.sgd(0.1));
      const loaded = await saveAndLoad(model);
      const x = data([3, 4, 6], 4);
      assert.deepEqual(predict(loaded, x), predict(model, x));
      assert.deepEqual(trainableNames(loaded), trainableNames(model));
    });
  }
});

describe('applyTechnique: errors and targets', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('unknown LoRA target: UserError listing the layers and the kinds', async () => {
    await assert.rejects(applyTechnique(mlp(), 'lora', options({ lora: { targets: ['nope'] } })), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /'nope' is neither a layer of the model nor a supported kind/);
      assert.match(e.hint ?? '', /d1 \(Dense\), d2 \(Dense\)/);
      assert.match(e.hint ?? '', /'dense' = every Dense, 'gru' = every FtBidirectionalGru/);
      return true;
    });
  });

  it('LoRA on an unsupported class: UserError naming the class', async () => {
    await assert.rejects(applyTechnique(sequenceModel(), 'lora', options({ lora: { targets: ['pool'] } })), /class GlobalAveragePooling1D is not supported/);
  });

  it("LoRA kind with no layer ('gru' on an MLP), 'embedding' kind: UserError", async () => {
    await assert.rejects(applyTechnique(mlp(), 'lora', options({ lora: { targets: ['gru'] } })), /the model has no FtBidirectionalGru layer/);
    await assert.rejects(applyTechnique(mlp(), 'lora', options({ lora: { targets: ['embedding'] } })), /neither a layer of the model nor a supported kind/);
  });

  it('bad LoRA rank / adapter size; unknown adapter target; adapter after the input', async () => {
    await assert.rejects(applyTechnique(mlp(), 'lora', options({ lora: { rank: 0 } })), /rank must be a positive integer/);
    await assert.rejects(applyTechnique(mlp(), 'adapter', options({ adapter: { size: 0 } })), /size must be a positive integer/);
    await assert.rejects(applyTechnique(mlp(), 'adapter', options({ adapter: { after: ['zz'] } })), /'zz' is not a layer of the model/);
    await assert.rejects(applyTechnique(mlp(), 'adapter', options({ adapter: { after: ['in'] } })), /cannot follow layer 'in'/);
  });

  it('listTechniqueTargets', () => {
    const targets = listTechniqueTargets(sequenceModel());
    assert.deepEqual(targets.layers, [
      { name: 'seq_in', className: 'InputLayer', loraKind: null, adapterAfter: false },
      { name: 't1', className: 'Dense', loraKind: 'dense', adapterAfter: true },
      { name: 'pool', className: 'GlobalAveragePooling1D', loraKind: null, adapterAfter: true },
    ]);
    assert.deepEqual(targets.loraKinds, [
      { kind: 'dense', className: 'Dense' },
      { kind: 'gru', className: 'FtBidirectionalGru' },
      { kind: 'lstm', className: 'FtLstm or FtBidirectionalLstm' },
    ]);
  });

  it('a Sequential base works too', async () => {
    const seq = tf.sequential({
      layers: [tf.layers.dense({ units: 4, inputShape: [3], name: 's1' }), tf.layers.dense({ units: 2, name: 's2' })],
    });
    const model = await applyTechnique(seq, 'lora', options({ lora: { targets: ['s2'] } }));
    const x = data([2, 3]);
    assert.deepEqual(predict(model, x), predict(seq, x));
    assert.deepEqual(trainableNames(model), ['s2/lora_A', 's2/lora_B']);
  });
});

describe('applyTechnique: bases cut from a bigger model', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('a base sharing layers with a full model (head cut off): only the base graph is rewritten', async () => {
    const full = branchingModel();
    const base = tf.model({ inputs: full.inputs, outputs: full.getLayer('cat').output as tf.SymbolicTensor });
    const model = await applyTechnique(base, 'adapter', options({ adapter: { after: ['cat'] } }));
    assert.ok(model.layers.every((l) => l.name !== 'out'));
    assert.equal(model.outputs[0].sourceLayer.name, 'cat_adapter');
    const x = data([3, 6]);
    assert.deepEqual(predict(model, x), predict(base, x));
  });

  it('a layer called twice cannot take an adapter', async () => {
    const input = tf.input({ shape: [4], name: 'i' });
    const shared = tf.layers.dense({ units: 4, name: 'shared' });
    const once = shared.apply(input) as tf.SymbolicTensor;
    const twice = shared.apply(once) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: twice });
    await assert.rejects(applyTechnique(model, 'adapter', options({ adapter: { after: ['shared'] } })), /cannot follow layer 'shared'/);
  });

  it('frozen variables are not trainable tf.Variables: minimize without a var list leaves them alone', async () => {
    const model = await applyTechnique(mlp(), 'lora', options({ lora: { targets: ['d2'] } }));
    assert.ok(model.weights.filter((w) => !w.originalName.includes('lora_')).every((w) => !(w.read() as tf.Variable).trainable));
    const before = snapshot(model);
    const x = data([8, 6]);
    const optimizer = tf.train.sgd(0.1);
    for (let i = 0; i < 2; i++) {
      optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, 1))) as tf.Scalar);
    }
    const after = snapshot(model);
    for (const name of ['d1/kernel', 'd1/bias', 'd2/kernel', 'd2/bias']) assert.ok(sameBits(before.get(name)!, after.get(name)!), name);
    assert.ok(!sameBits(before.get('d2/lora_B')!, after.get('d2/lora_B')!));
  });
});
