import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { modelChoices } from '../../../src/panels/setupModels';
import { cachedModelDir } from '../../../src/engine/zoo/modelFolder';
import { resolveZooSettings, type ZooSettings } from '../../../src/engine/zoo/zooSettings';
import { MODEL_CATALOG } from '../../../src/engine/zoo/modelCatalog';
import { makeTinyCheckpoint, writeTinyCheckpoint } from '../hf/tinyHfCheckpoint';
import { tempDir } from '../helpers/fixtures';

/** Settings with an empty cache and no Hugging Face cache (a home folder of its own), online. */
function zoo(overrides: { offline?: boolean; mirror?: string } = {}): ZooSettings {
  const home = tempDir('finetune-home-');
  return resolveZooSettings({ cacheDir: path.join(home, 'cache'), homeDir: home, env: {}, ...overrides });
}

const HUB_TEXT_IDS = MODEL_CATALOG.filter((e) => e.source.kind === 'hub' && e.task === 'text-classification').map((e) => e.id);

test('text datasets: nn-sentiment, every catalog text model, then the MLP; the recommended one follows the task', async () => {
  const text = await modelChoices('text-classification', 'nn-sentiment', zoo());
  assert.deepEqual(
    text.choices.map((c) => c.value),
    ['nn-sentiment', ...HUB_TEXT_IDS, 'mlp'],
  );
  assert.ok(HUB_TEXT_IDS.includes('prajjwal1/bert-tiny') && HUB_TEXT_IDS.includes('roberta-base'));
  assert.deepEqual(text.choices.filter((c) => c.recommended).map((c) => c.value), ['nn-sentiment']);
  const nn = text.choices[0];
  assert.equal(nn.source, 'builtin');
  assert.equal(nn.download, null);
  assert.match(nn.detail, /1\.5M parameters, 6\.6 MB, licence MIT; ships with the extension/);
  assert.equal(text.problem, null);
  const tabular = await modelChoices('tabular-regression', 'mlp', zoo());
  assert.deepEqual(tabular.choices.map((c) => [c.value, c.recommended]), [
    ['nn-sentiment', false],
    ['mlp', true],
  ]);
});

test('a catalog model not on this machine says it is downloaded when the run starts, with its size, parameters and licence', async () => {
  const settings = zoo({ mirror: 'http://127.0.0.1:9/hub/' });
  const { choices, problem } = await modelChoices('text-classification', 'prajjwal1/bert-tiny', settings);
  const tiny = choices.find((c) => c.value === 'prajjwal1/bert-tiny');
  assert.ok(tiny);
  assert.equal(problem, null);
  assert.equal(tiny.source, 'catalog');
  assert.equal(tiny.reads, 'text');
  assert.equal(tiny.tag, 'download ≈17.8 MB');
  assert.deepEqual(tiny.download, { approxBytes: 4_385_920 * 4 + 232_000, from: 'http://127.0.0.1:9/hub', into: settings.cacheDir });
  assert.match(tiny.detail, /4\.4M parameters, ≈17\.8 MB, licence MIT; not on this machine yet: downloaded from http:\/\/127\.0\.0\.1:9\/hub when the run starts, then cached$/);
  const roberta = choices.find((c) => c.value === 'roberta-base');
  assert.match(roberta?.detail ?? '', /125M parameters, ≈501 MB, licence MIT/);
});

test('a catalog model in our cache or in the Hugging Face cache needs no download', async () => {
  const settings = zoo();
  const dir = cachedModelDir(settings.cacheDir, 'prajjwal1/bert-tiny', 'main');
  mkdirSync(dir, { recursive: true });
  for (const file of ['config.json', 'vocab.txt', 'model.safetensors']) writeFileSync(path.join(dir, file), 'x');
  const mini = cachedModelDir(settings.cacheDir, 'prajjwal1/bert-mini', 'main');
  mkdirSync(mini, { recursive: true });
  writeFileSync(path.join(mini, 'config.json'), 'x'); // no weights: not complete, so still a download
  // The Hugging Face hub cache layout: models--org--name/refs/main + snapshots/<commit>/…
  const hfRepo = path.join(settings.hfHubCacheDir, 'models--google--bert_uncased_L-4_H-256_A-4');
  const commit = 'ab'.repeat(20);
  const snapshot = path.join(hfRepo, 'snapshots', commit);
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(path.join(hfRepo, 'refs'), { recursive: true });
  writeFileSync(path.join(hfRepo, 'refs', 'main'), commit);
  for (const file of ['config.json', 'vocab.txt', 'model.safetensors']) writeFileSync(path.join(snapshot, file), 'x');

  const { choices } = await modelChoices('text-classification', 'nn-sentiment', settings);
  const byId = new Map(choices.map((c) => [c.value, c]));
  assert.equal(byId.get('prajjwal1/bert-tiny')?.tag, 'cached');
  assert.equal(byId.get('prajjwal1/bert-tiny')?.download, null);
  assert.match(byId.get('prajjwal1/bert-tiny')?.detail ?? '', new RegExp(`cached in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.ok(byId.get('prajjwal1/bert-mini')?.download);
  assert.equal(byId.get('google/bert_uncased_L-4_H-256_A-4')?.tag, 'in Hugging Face cache');
  assert.equal(byId.get('google/bert_uncased_L-4_H-256_A-4')?.download, null);
});

test('offline mode: an uncached catalog model cannot be chosen, and says which setting to change', async () => {
  const settings = zoo({ offline: true });
  const { choices, problem } = await modelChoices('text-classification', 'distilbert-base-uncased', settings);
  const distil = choices.find((c) => c.value === 'distilbert-base-uncased');
  assert.equal(distil?.download, null);
  assert.equal(distil?.tag, 'offline: not cached');
  assert.match(problem ?? '', /^distilbert-base-uncased is not on this machine and offline mode is on \(the offline option\): turn offline mode off to download it \(≈266 MB\), or choose a local model folder$/);
  // Another model chosen: no problem, though the offline model is listed.
  assert.equal((await modelChoices('text-classification', 'nn-sentiment', settings)).problem, null);
});

test('image datasets: MobileNetV2 only (recommended); a text model chosen before stays listed', async () => {
  const images = await modelChoices('image-classification', 'mobilenet_v2', zoo());
  assert.deepEqual(images.choices.map((c) => [c.value, c.reads, c.recommended, c.source]), [['mobilenet_v2', 'image', true, 'builtin']]);
  assert.match(images.choices[0].detail, /MobileNetV2 image backbone/);
  const withBert = await modelChoices('image-classification', 'prajjwal1/bert-tiny', zoo());
  assert.deepEqual(withBert.choices.map((c) => c.value), ['mobilenet_v2', 'prajjwal1/bert-tiny']);
});

test('a local Hugging Face folder (config.json + model.safetensors + vocab.txt) reads text and names its shape', async () => {
  const dir = tempDir();
  const folder = writeTinyCheckpoint(path.join(dir, 'tiny-bert'), makeTinyCheckpoint({ architecture: 'bert', hidden: 16, layers: 2, heads: 2 }));
  for (const chosen of [folder, path.join(folder, 'config.json'), path.join(folder, 'model.safetensors')]) {
    const { choices, problem } = await modelChoices('text-classification', chosen, zoo());
    const last = choices[choices.length - 1];
    assert.equal(last.value, chosen);
    assert.equal(last.title, 'tiny-bert');
    assert.equal(last.reads, 'text');
    assert.equal(last.source, 'folder');
    assert.equal(last.tag, 'Hugging Face folder');
    assert.match(last.detail, /^Local Hugging Face BERT model \(2 layers, hidden 16, vocabulary \d+\), reads text: /);
    assert.equal(problem, null);
  }
  unlinkSync(path.join(folder, 'vocab.txt'));
  const noTokenizer = await modelChoices('text-classification', folder, zoo());
  assert.match(noTokenizer.problem ?? '', /has no tokenizer\.json or vocab\.txt/);
  writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
  writeFileSync(path.join(folder, 'vocab.txt'), '[PAD]\n');
  const unsupported = await modelChoices('text-classification', folder, zoo());
  assert.equal(unsupported.choices[unsupported.choices.length - 1].reads, 'unknown');
  assert.match(unsupported.problem ?? '', /gpt2/);
  const noWeights = path.join(dir, 'no-weights');
  mkdirSync(noWeights);
  writeFileSync(path.join(noWeights, 'config.json'), '{}');
  assert.match((await modelChoices('text-classification', noWeights, zoo())).problem ?? '', /has config\.json but no model\.safetensors/);
});

test('a local TF.js Layers folder: a text model when word_index.json is beside model.json; a problem without a model', async () => {
  const dir = tempDir();
  const textModel = path.join(dir, 'keras-text');
  mkdirSync(textModel);
  writeFileSync(path.join(textModel, 'model.json'), '{}');
  writeFileSync(path.join(textModel, 'word_index.json'), '{}');
  const chosen = await modelChoices('tabular-classification', textModel, zoo());
  const folder = chosen.choices[2];
  assert.equal(folder.value, textModel);
  assert.equal(folder.title, 'keras-text');
  assert.equal(folder.reads, 'text');
  assert.equal(folder.tag, 'TF.js Layers folder');
  assert.equal(chosen.problem, null);
  const tabularModel = path.join(dir, 'tabular');
  mkdirSync(tabularModel);
  writeFileSync(path.join(tabularModel, 'model.json'), '{}');
  assert.equal((await modelChoices('tabular-classification', path.join(tabularModel, 'model.json'), zoo())).choices[2].reads, 'tabular');
  const empty = await modelChoices('tabular-classification', path.join(dir, 'nothing-here'), zoo());
  assert.equal(empty.choices[2].reads, 'unknown');
  assert.match(empty.problem ?? '', /^No model in .*: choose a Hugging Face model folder \(config\.json, model\.safetensors and a tokenizer\) or a TF\.js Layers model folder/);
});
