import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { builtinModelDir } from '../../../src/engine/zoo/builtinModels';
import { hubFileUrl, parseHubModelRef } from '../../../src/engine/zoo/hubModelRef';
import { MODEL_CATALOG, findCatalogEntry } from '../../../src/engine/zoo/modelCatalog';

test('the catalog holds the models the issue names, under unique ids', () => {
  for (const id of ['prajjwal1/bert-tiny', 'prajjwal1/bert-mini', 'google/bert_uncased_L-4_H-256_A-4', 'sentence-transformers/all-MiniLM-L6-v2', 'distilbert-base-uncased', 'roberta-base', 'nn-sentiment', 'mobilenet_v2']) {
    assert.ok(findCatalogEntry(id), id);
  }
  const names = MODEL_CATALOG.flatMap((e) => [e.id, ...e.aliases].map((n) => n.toLowerCase()));
  assert.equal(new Set(names).size, names.length, 'ids and aliases are unique');
  assert.equal(findCatalogEntry('DistilBERT/distilbert-base-uncased')?.id, 'distilbert-base-uncased');
  assert.equal(findCatalogEntry('FacebookAI/roberta-base')?.source.kind, 'hub');
});

test('hub entries need config.json, model.safetensors and a tokenizer; no hash is made up', () => {
  for (const e of MODEL_CATALOG) {
    for (const f of e.files) {
      if (f.sha256 !== undefined) assert.match(f.sha256, /^[0-9a-f]{64}$/, `${e.id}/${f.name}`);
      if (f.size !== undefined) assert.ok(Number.isSafeInteger(f.size) && f.size > 0);
    }
    if (e.source.kind !== 'hub') continue;
    const required = e.files.filter((f) => f.required).map((f) => f.name);
    assert.deepEqual(required, ['config.json', 'model.safetensors'], e.id);
    assert.equal(e.files[e.files.length - 1].name, 'model.safetensors', 'the weights come last, after the small files');
    assert.ok(e.source.oneOf.length > 0 && e.source.oneOf.every((g) => g.every((n) => e.files.some((f) => f.name === n))), e.id);
    assert.ok(e.files.every((f) => f.sha256 === undefined), `${e.id}: hub hashes are read from the server, not written from memory`);
    assert.equal(e.source.revision, 'main');
  }
});

test('source URLs follow the Hugging Face layout <base>/<repo>/resolve/<revision>/<file>', () => {
  const ref = parseHubModelRef('distilbert-base-uncased');
  assert.ok(ref);
  assert.equal(hubFileUrl('https://huggingface.co', ref.repo, ref.revision, 'model.safetensors'), 'https://huggingface.co/distilbert/distilbert-base-uncased/resolve/main/model.safetensors');
  assert.equal(hubFileUrl('http://127.0.0.1:8080/', 'a/b', 'refs/pr/3', 'sub dir/x.json'), 'http://127.0.0.1:8080/a/b/resolve/refs%2Fpr%2F3/sub%20dir/x.json');
  assert.equal(parseHubModelRef('org/name@v1.0')?.revision, 'v1.0');
  assert.equal(parseHubModelRef('roberta-base@abc')?.repo, 'FacebookAI/roberta-base');
  for (const bad of ['justaname', 'a/b/c', '../x', 'org/na..me', 'org/name@../x', 'org--x/name', 'nn-sentiment']) assert.equal(parseHubModelRef(bad), null, bad);
});

/** Parameters of a BERT-family encoder from its published configuration, computed layer by layer. */
function encoderParams(c: { vocab: number; positions: number; types: number; hidden: number; layers: number; intermediate: number; pooler: boolean }): number {
  const h = c.hidden;
  const dense = (inputs: number, outputs: number): number => inputs * outputs + outputs;
  const layerNorm = 2 * h;
  const embeddings = (c.vocab + c.positions + c.types) * h + layerNorm;
  const layer = 4 * dense(h, h) + layerNorm + dense(h, c.intermediate) + dense(c.intermediate, h) + layerNorm;
  return embeddings + c.layers * layer + (c.pooler ? dense(h, h) : 0);
}

test('hub parameter counts agree with each model configuration', () => {
  const configs: Record<string, Parameters<typeof encoderParams>[0]> = {
    'prajjwal1/bert-tiny': { vocab: 30522, positions: 512, types: 2, hidden: 128, layers: 2, intermediate: 512, pooler: true },
    'prajjwal1/bert-mini': { vocab: 30522, positions: 512, types: 2, hidden: 256, layers: 4, intermediate: 1024, pooler: true },
    'google/bert_uncased_L-4_H-256_A-4': { vocab: 30522, positions: 512, types: 2, hidden: 256, layers: 4, intermediate: 1024, pooler: true },
    'sentence-transformers/all-MiniLM-L6-v2': { vocab: 30522, positions: 512, types: 2, hidden: 384, layers: 6, intermediate: 1536, pooler: true },
    'distilbert-base-uncased': { vocab: 30522, positions: 512, types: 0, hidden: 768, layers: 6, intermediate: 3072, pooler: false },
    'roberta-base': { vocab: 50265, positions: 514, types: 1, hidden: 768, layers: 12, intermediate: 3072, pooler: true },
  };
  for (const [id, config] of Object.entries(configs)) {
    const entry = findCatalogEntry(id);
    assert.ok(entry);
    assert.equal(entry.params, encoderParams(config), id);
    assert.ok(entry.approxBytes >= entry.params * 4 && entry.approxBytes < entry.params * 4 + 4_000_000, `${id}: size estimate`);
  }
});

test('built-in entries match the files in the installed packages: sizes, SHA-256 and parameter counts', () => {
  for (const e of MODEL_CATALOG) {
    if (e.source.kind !== 'builtin') continue;
    const dir = builtinModelDir(e.source);
    let bytes = 0;
    for (const f of e.files) {
      const p = path.join(dir, f.name);
      assert.equal(statSync(p).size, f.size, p);
      assert.equal(createHash('sha256').update(readFileSync(p)).digest('hex'), f.sha256, p);
      bytes += statSync(p).size;
    }
    assert.equal(e.approxBytes, bytes, e.id);
  }
  const count = (manifest: { weights: { shape: number[] }[] }[]): number => manifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  const nn = findCatalogEntry('nn-sentiment');
  const mobile = findCatalogEntry('mobilenet_v2');
  assert.ok(nn?.source.kind === 'builtin' && mobile?.source.kind === 'builtin');
  const nnJson = JSON.parse(readFileSync(path.join(builtinModelDir(nn.source), 'model.json'), 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
  assert.equal(nn.params, count(nnJson.weightsManifest));
  const mobileJson = require(path.join(builtinModelDir(mobile.source), 'model.min.js')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
  assert.equal(mobile.params, count(mobileJson.weightsManifest));
  const pkg = JSON.parse(readFileSync(path.join(builtinModelDir(nn.source), '..', '..', 'package.json'), 'utf8')) as { version: string };
  assert.equal(pkg.version, nn.source.packageVersion);
});
