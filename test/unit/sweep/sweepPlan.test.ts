import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAxisValues, parseGridSpec, parseTechniques, validateAxes } from '../../../src/engine/sweep/sweepGrid';
import { gridFor, planSweep, settingsText } from '../../../src/engine/sweep/sweepPlan';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import { UserError } from '../../../src/engine/userError';
import type { TechniqueName } from '../../../src/protocol/configTypes';

const configFor = (technique: TechniqueName) => makeTrainConfig('/data/reviews.csv', { technique, model: 'nn-sentiment', seed: 7 });

function throwsUser(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof UserError && pattern.test(`${error.message} ${error.hint ?? ''}`));
}

test('techniques: a comma list in the order given, each once; "all" is the four', () => {
  assert.deepEqual(parseTechniques('lora, full,lora'), ['lora', 'full']);
  assert.deepEqual(parseTechniques('all'), ['full', 'features', 'adapter', 'lora']);
  assert.deepEqual(parseTechniques('LoRA features'), ['lora', 'features']);
  throwsUser(() => parseTechniques('lora,prefix'), /"prefix" is not a technique.*full, features, adapter, lora/);
  throwsUser(() => parseTechniques(' , '), /No technique/);
});

test('grid specs: NAME=V1,V2 with the parameter range and integer checks', () => {
  assert.deepEqual(parseGridSpec('lr=1e-3,3e-3'), { param: 'lr', values: [0.001, 0.003] });
  assert.deepEqual(parseGridSpec('rank = 4, 8'), { param: 'rank', values: [4, 8] });
  assert.deepEqual(parseGridSpec('adapter-size=8,16'), { param: 'adapter-size', values: [8, 16] });
  throwsUser(() => parseGridSpec('lr'), /not NAME=VALUES/);
  throwsUser(() => parseGridSpec('dropout=0.1'), /"dropout" is not a hyper-parameter.*lr, epochs, batch-size, rank, alpha, adapter-size/);
  throwsUser(() => parseGridSpec('rank=4,8.5'), /LoRA rank must be a whole number; got 8.5/);
  throwsUser(() => parseGridSpec('lr=0.01,fast'), /"fast" is not a number/);
  throwsUser(() => parseGridSpec('lr=0,0.1'), /learning rate must be from 1e-8 to 10; got 0/);
  throwsUser(() => parseGridSpec('rank=4,4'), /given twice/);
  throwsUser(() => parseGridSpec('epochs='), /has no values/);
  throwsUser(() => parseGridSpec('rank=1,2,3,4,5,6,7,8,9'), /At most 8 values/);
  assert.deepEqual(parseAxisValues('lr', '  '), []);
});

test('axes: at most two, each parameter once', () => {
  throwsUser(() => validateAxes([parseGridSpec('lr=1e-3'), parseGridSpec('rank=4'), parseGridSpec('epochs=2')]), /at most 2 hyper-parameters; got 3 \(lr, rank, epochs\)/);
  throwsUser(() => validateAxes([parseGridSpec('lr=1e-3'), parseGridSpec('lr=3e-3')]), /--grid lr is given twice/);
});

test('plan: techniques × grid, a parameter multiplies only the techniques it changes', () => {
  const axes = [parseGridSpec('lr=1e-3,3e-3'), parseGridSpec('rank=4,8')];
  const plan = planSweep({ techniques: ['full', 'features', 'adapter', 'lora'], axes, configFor });
  assert.equal(plan.length, 2 + 2 + 2 + 4);
  assert.deepEqual(
    plan.map((p) => `${p.technique} ${settingsText(p.settings, axes)}`),
    [
      'full lr=0.001',
      'full lr=0.003',
      'features lr=0.001',
      'features lr=0.003',
      'adapter lr=0.001',
      'adapter lr=0.003',
      'lora lr=0.001 r=4',
      'lora lr=0.001 r=8',
      'lora lr=0.003 r=4',
      'lora lr=0.003 r=8',
    ],
  );
  const lora = plan[7];
  assert.equal(lora.config.technique, 'lora');
  assert.equal(lora.config.learningRate, 0.001);
  assert.equal(lora.config.lora.rank, 8);
  assert.equal(lora.name, 'reviews.csv · lora lr=0.001 r=8');
  // Same dataset, split and seed everywhere; untouched settings keep each technique's defaults.
  for (const item of plan) {
    assert.equal(item.config.seed, 7);
    assert.deepEqual(item.config.split, plan[0].config.split);
    assert.equal(item.config.datasetPath, '/data/reviews.csv');
  }
  assert.equal(plan[2].config.epochs, configFor('features').epochs);
  assert.equal(plan[0].config.lora.rank, configFor('full').lora.rank, 'rank is not applied to full');
});

test('plan without a grid: one run per technique, with its default settings', () => {
  const plan = planSweep({ techniques: ['lora', 'features'], axes: [], configFor });
  assert.deepEqual(plan.map((p) => p.name), ['reviews.csv · lora', 'reviews.csv · features']);
  assert.equal(plan[1].config.learningRate, configFor('features').learningRate);
  assert.deepEqual(gridFor('full', [parseGridSpec('rank=4,8')]), [{}]);
});

test('plan: clear errors for grids that change nothing, fixed-and-swept values and too many runs', () => {
  throwsUser(
    () => planSweep({ techniques: ['full', 'features'], axes: [parseGridSpec('rank=4,8')], configFor }),
    /--grid rank changes only lora, which is not among the techniques \(full, features\)/,
  );
  throwsUser(() => planSweep({ techniques: ['lora'], axes: [parseGridSpec('lr=1e-3,3e-3')], fixed: ['lr'], configFor }), /both fixed \(--lr\) and swept/);
  throwsUser(
    () => planSweep({ techniques: ['full', 'lora'], axes: [parseGridSpec('lr=1,2,3,4'), parseGridSpec('rank=1,2,3,4,5,6,7,8')], configFor }),
    /would train 36 runs \(full 4, lora 32\); at most 32/,
  );
  throwsUser(() => planSweep({ techniques: [], axes: [], configFor }), /at least one technique/);
});
