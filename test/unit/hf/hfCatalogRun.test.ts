// A run named by a catalog id (`--model prajjwal1/bert-tiny`) finds the model in the cache
// through the zoo (offline here: nothing is downloaded), keeps the id as the run's model, and a
// PEFT export names the hub repository as its base model. Also: the sequence length is clamped to
// what the model's positions allow, and the tokenizer's padding must be the model's.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cachedModelDir } from '../../../src/engine/zoo/modelFolder';
import { exportPeftAdapter } from '../../../src/engine/models/hf/hfExport';
import { loadHfTextBase } from '../../../src/engine/models/hf/hfBase';
import { readPreprocessing } from '../../../src/engine/runner/preprocessing';
import { disposeRun, loadRun } from '../../../src/engine/runner/loadRun';
import { UserError } from '../../../src/engine/userError';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { createAndRun } from '../helpers/runHelpers';
import { makeTinyCheckpoint, writeTinyCheckpoint } from './tinyHfCheckpoint';

test('--model <catalog id> trains from the cached copy and exports PEFT with the hub id', async () => {
  const root = tempDir();
  const cache = path.join(root, 'cache');
  const saved = { cache: process.env.FINETUNE_CACHE, offline: process.env.FINETUNE_OFFLINE };
  process.env.FINETUNE_CACHE = cache;
  process.env.FINETUNE_OFFLINE = '1';
  try {
    const modelDir = writeTinyCheckpoint(cachedModelDir(cache, 'prajjwal1/bert-tiny', 'main'), makeTinyCheckpoint({ architecture: 'bert', seed: 2 }));
    const csv = writeTextCsv(root, 40);
    const { store, runId, result } = await createAndRun(path.join(root, 'runs'), csv, {
      model: 'prajjwal1/bert-tiny',
      technique: 'lora',
      epochs: 1,
      batchSize: 8,
      maxSequenceLength: 12,
      split: { validation: 0.2, test: 0.2 },
    });
    assert.equal(result.status, 'completed');
    const run = await store.readRun(runId);
    assert.equal(run.model?.source, 'prajjwal1/bert-tiny');
    const pre = await readPreprocessing(store.runDir(runId));
    assert.ok(pre.encoder.kind === 'text' && pre.encoder.tokenizer === 'hf');
    assert.equal(pre.encoder.modelDir, modelDir);
    const loaded = await loadRun(store, run);
    try {
      await exportPeftAdapter(
        { base: loaded.models.base, head: loaded.models.head, modelDir, codec: loaded.codec, model: run.config.model },
        path.join(root, 'peft'),
      );
      const config = JSON.parse(fs.readFileSync(path.join(root, 'peft', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(config['base_model_name_or_path'], 'prajjwal1/bert-tiny');
      assert.ok(fs.existsSync(path.join(root, 'peft', 'vocab.txt')), 'the tokenizer travels with the adapter');
    } finally {
      disposeRun(loaded);
    }
  } finally {
    if (saved.cache === undefined) delete process.env.FINETUNE_CACHE;
    else process.env.FINETUNE_CACHE = saved.cache;
    if (saved.offline === undefined) delete process.env.FINETUNE_OFFLINE;
    else process.env.FINETUNE_OFFLINE = saved.offline;
  }
});

test('the sequence length is clamped to the position table, with a note; pad ids must agree', async () => {
  const root = tempDir();
  const ckpt = makeTinyCheckpoint({ architecture: 'roberta', maxPositions: 20 });
  const dir = writeTinyCheckpoint(path.join(root, 'roberta'), ckpt);
  const bundle = await loadHfTextBase(dir, dir, { sequenceLength: 128 });
  assert.equal(bundle.encoder.width, 18, 'RoBERTa positions start after padding_idx 1: 20 - 2');
  assert.match(bundle.notes?.join('\n') ?? '', /sequence length 128 clamped to 18/);
  // The longest sequence runs through the model.
  const x = bundle.encoder.encode([{ line: 2, values: { text: new Array(40).fill('great').join(' ') }, label: 'x' }]);
  assert.deepEqual(x.shape, [1, 18]);
  assert.ok(bundle.base.predict(x));
  bundle.base.dispose();
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...ckpt.config, pad_token_id: 4 }));
  await assert.rejects(loadHfTextBase(dir, dir), (err: Error) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /pads with id 1, but config\.json says pad_token_id 4/);
    return true;
  });
});
