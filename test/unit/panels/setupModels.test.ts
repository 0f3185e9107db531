import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { modelChoices } from '../../../src/panels/setupModels';
import { tempDir } from '../helpers/fixtures';

test('the built-in models, the recommended one following the task', async () => {
  const text = await modelChoices('text-classification', 'nn-sentiment');
  assert.deepEqual(
    text.choices.map((c) => [c.value, c.reads, c.recommended]),
    [
      ['nn-sentiment', 'text', true],
      ['mlp', 'tabular', false],
    ],
  );
  assert.match(text.choices[0].detail, /embedded, 1\.5 M parameters, on disk/);
  assert.equal(text.problem, null);
  const tabular = await modelChoices('tabular-regression', 'mlp');
  assert.equal(tabular.choices.find((c) => c.recommended)?.value, 'mlp');
});

test('a local folder: a text model when word_index.json is beside model.json; a problem without model.json', async () => {
  const dir = tempDir();
  const textModel = path.join(dir, 'keras-text');
  mkdirSync(textModel);
  writeFileSync(path.join(textModel, 'model.json'), '{}');
  writeFileSync(path.join(textModel, 'word_index.json'), '{}');
  const chosen = await modelChoices('text-classification', textModel);
  const folder = chosen.choices[2];
  assert.equal(folder.value, textModel);
  assert.equal(folder.title, 'keras-text');
  assert.equal(folder.reads, 'text');
  assert.equal(chosen.problem, null);
  const tabularModel = path.join(dir, 'tabular');
  mkdirSync(tabularModel);
  writeFileSync(path.join(tabularModel, 'model.json'), '{}');
  assert.equal((await modelChoices('tabular-classification', path.join(tabularModel, 'model.json'))).choices[2].reads, 'tabular');
  const empty = await modelChoices('text-classification', path.join(dir, 'nothing-here'));
  assert.equal(empty.choices[2].reads, 'unknown');
  assert.match(empty.problem ?? '', /^No model\.json in /);
});
