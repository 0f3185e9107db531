import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FOLDER_ROW, modelPickRows } from '../../../src/panels/modelPickItems';
import { modelChoices } from '../../../src/panels/setupModels';
import { resolveZooSettings } from '../../../src/engine/zoo/zooSettings';
import { tempDir } from '../helpers/fixtures';

test('the Quick Pick lists the setup panel choices: recommended first, catalog models with their tag, then the folder row', async () => {
  const zoo = resolveZooSettings({ cacheDir: tempDir('zoo-cache'), offline: false, env: {}, homeDir: tempDir('home') });
  const { choices } = await modelChoices('text-classification', 'auto', zoo);
  const rows = modelPickRows(choices);
  assert.equal(rows[0].model, 'nn-sentiment');
  assert.match(rows[0].description, /^recommended · /);
  assert.deepEqual(rows[rows.length - 1], FOLDER_ROW);
  const catalog = rows.filter((r) => r.model !== null && r.model.includes('/'));
  assert.ok(catalog.length >= 1, 'catalog encoders are listed');
  for (const r of catalog) assert.match(r.description, /download ≈/);
  assert.equal(rows.length, choices.length + 1);
});

test('for tabular data the MLP comes first, and the order of the others is kept', async () => {
  const zoo = resolveZooSettings({ cacheDir: tempDir('zoo-cache'), offline: true, env: {}, homeDir: tempDir('home') });
  const { choices } = await modelChoices('tabular-regression', 'auto', zoo);
  const rows = modelPickRows(choices);
  assert.equal(rows[0].label, 'MLP');
  const rest = choices.filter((c) => !c.recommended).map((c) => c.value);
  assert.deepEqual(rows.slice(1, -1).map((r) => r.model), rest);
});
