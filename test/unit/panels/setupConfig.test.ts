import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { toTrainConfig, describeKey } from '../../../src/panels/setupConfig';
import { defaultOptions } from '../../../src/panels/setupOptions';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import { isTrainConfig } from '../../../src/protocol/configGuards';
import * as path from 'node:path';
import { makeTinyCheckpoint, writeTinyCheckpoint } from '../hf/tinyHfCheckpoint';
import { tempDir } from '../helpers/fixtures';

const options = defaultOptions({ task: 'text-classification', defaultTechnique: 'lora' });

test('the defaults reduce to the engine\'s defaults for the model and technique', () => {
  assert.deepEqual(toTrainConfig(options, '/data/reviews.csv'), makeTrainConfig('/data/reviews.csv', { model: 'nn-sentiment', technique: 'lora' }));
});

test('every choice of the form lands in the TrainConfig', () => {
  const config = toTrainConfig(
    {
      ...options,
      model: '/models/mine',
      technique: 'adapter',
      labelColumn: 'stars',
      textColumn: 'title',
      optimizer: 'adam',
      schedule: 'cosine',
      classWeights: 'balanced',
      numbers: {
        ...options.numbers,
        epochs: '5',
        learningRate: '1e-4',
        batchSize: '16',
        adapterSize: '32',
        patience: '0',
        seed: '7',
        warmupRatio: '0.1',
        clipNorm: '0',
        validationFraction: '0.2',
        testFraction: '0.15',
      },
    },
    '/data/reviews.csv',
  );
  assert.ok(isTrainConfig(config));
  assert.equal(config.model, '/models/mine');
  assert.equal(config.technique, 'adapter');
  assert.equal(config.labelColumn, 'stars');
  assert.equal(config.textColumn, 'title');
  assert.equal(config.epochs, 5);
  assert.equal(config.learningRate, 1e-4);
  assert.equal(config.batchSize, 16);
  assert.equal(config.adapter.size, 32);
  assert.equal(config.earlyStopping.patience, 0);
  assert.equal(config.seed, 7);
  assert.equal(config.optimizer, 'adam');
  assert.equal(config.schedule, 'cosine');
  assert.equal(config.classWeights, 'balanced');
  assert.deepEqual(config.split, { validation: 0.2, test: 0.15 });
  assert.equal(config.clipNorm, 0);
  assert.equal(config.warmupRatio, 0.1);
});

test('a field that does not parse keeps its default', () => {
  const config = toTrainConfig({ ...options, numbers: { ...options.numbers, loraRank: 'x' } }, '/d.csv');
  assert.equal(config.lora.rank, 8);
});

test('the describe key changes with what shapes the models, not with the rest', () => {
  const a = toTrainConfig(options, '/d.csv');
  const key = describeKey(a, 'fp', true);
  assert.equal(describeKey({ ...a, learningRate: 0.1, epochs: 9, seed: 3 }, 'fp', true), key, 'training numbers and (for text) the seed do not change the counts');
  assert.notEqual(describeKey({ ...a, lora: { ...a.lora, rank: 4 } }, 'fp', true), key);
  assert.notEqual(describeKey({ ...a, technique: 'full' }, 'fp', true), key);
  assert.notEqual(describeKey(a, 'other file', true), key);
  assert.notEqual(describeKey({ ...a, labelColumn: 'x' }, 'fp', true), key);
  assert.notEqual(describeKey({ ...a, seed: 3 }, 'fp', false), describeKey(a, 'fp', false), 'a tabular encoder is fitted on the seeded train split');
  assert.equal(describeKey({ ...a, adapter: { ...a.adapter, size: 64 } }, 'fp', true), key, 'adapter size only matters for adapters');
});

test('a Hugging Face model (catalog id or local folder) reads 128 tokens, as the CLI; other models keep the default', () => {
  const dir = tempDir();
  const folder = writeTinyCheckpoint(path.join(dir, 'tiny-bert'), makeTinyCheckpoint({ architecture: 'bert' }));
  const text = defaultOptions({ task: 'text-classification', defaultTechnique: 'lora' });
  assert.equal(toTrainConfig({ ...text, model: 'prajjwal1/bert-tiny' }, '/d.csv').maxSequenceLength, 128);
  assert.equal(toTrainConfig({ ...text, model: folder }, '/d.csv').maxSequenceLength, 128);
  assert.equal(toTrainConfig({ ...text, model: 'nn-sentiment' }, '/d.csv').maxSequenceLength, 100);
});
