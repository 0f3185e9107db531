import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfigs, visibleConfigRows } from '../../../src/panels/compareConfigDiff';
import { flattenConfig } from '../../../src/panels/compareConfigFlatten';
import { visibleRows } from '../../../webview/compare/configRows';
import type { ConfigRow } from '../../../src/protocol/comparePanelProtocol';
import { completedRun } from './compareFixtures';

function rowOf(rows: ConfigRow[], key: string): ConfigRow {
  const row = rows.find((r) => r.key === key);
  assert.ok(row, `row ${key} missing`);
  return row;
}

test('flatten: every setting, grouped, with the technique parameters only where they apply', () => {
  const lora = flattenConfig(completedRun('a', { technique: 'lora', lora: { rank: 4, alpha: 8, dropout: 0, targets: ['dense'] } }));
  const byKey = new Map(lora.map((e) => [e.key, e]));
  assert.equal(byKey.get('technique')?.value, 'LoRA');
  assert.equal(byKey.get('lora.rank')?.value, '4');
  assert.equal(byKey.get('lora.targets')?.value, 'dense');
  assert.equal(byKey.get('adapter.size')?.value, '—');
  assert.equal(byKey.get('epochs')?.label, 'Epochs');
  assert.equal(byKey.get('dataset.split.test')?.value, '40');
  assert.equal(byKey.get('environment.tfjs')?.value, '4.22.0');
  assert.equal(byKey.get('backend')?.value, 'wasm');
  assert.deepEqual([...new Set(lora.map((e) => e.group))], ['Dataset', 'Model', 'Technique', 'Training', 'Environment']);
  const full = new Map(flattenConfig(completedRun('b', { technique: 'full' })).map((e) => [e.key, e.value]));
  assert.equal(full.get('lora.rank'), '—');
  const adapter = new Map(flattenConfig(completedRun('c', { technique: 'adapter', adapter: { size: 32, activation: 'gelu', after: [] } })).map((e) => [e.key, e.value]));
  assert.equal(adapter.get('adapter.size'), '32');
  assert.equal(adapter.get('adapter.after'), "the model's defaults");
});

test('diff: a setting differs when any run has another value; Only Differences keeps those', () => {
  const rows = diffConfigs([
    completedRun('a', { technique: 'lora', learningRate: 0.001 }),
    completedRun('b', { technique: 'full', learningRate: 0.001 }),
  ]);
  assert.equal(rowOf(rows, 'technique').differs, true);
  assert.deepEqual(rowOf(rows, 'technique').values, ['LoRA', 'full fine-tuning']);
  assert.equal(rowOf(rows, 'epochs').differs, false);
  assert.equal(rowOf(rows, 'learningRate').differs, false);
  assert.equal(rowOf(rows, 'lora.rank').differs, true);
  const shown = visibleConfigRows(rows, true).map((r) => r.key);
  assert.ok(shown.includes('technique'));
  assert.ok(!shown.includes('epochs'));
  assert.equal(visibleConfigRows(rows, false).length, rows.length);
});

test('diff: fingerprints are compared in full and shown short', () => {
  const fp = (f: string) => completedRun(f, {}, { dataset: { ...completedRun('x').dataset!, fingerprint: f } });
  const same = diffConfigs([fp('0123456789abcdef0000'), fp('0123456789abcdef0000')]);
  assert.equal(rowOf(same, 'dataset.fingerprint').differs, false);
  const differ = diffConfigs([fp('0123456789abcdef0000'), fp('0123456789abcdef1111')]);
  const row = rowOf(differ, 'dataset.fingerprint');
  assert.equal(row.differs, true);
  assert.deepEqual(row.values, ['sha256:0123456789ab…', 'sha256:0123456789ab…']);
});

test('diff: one run differs from nothing; many runs need not be equal pairwise', () => {
  assert.equal(diffConfigs([completedRun('a')]).some((r) => r.differs), false);
  const rows = diffConfigs([completedRun('a', { seed: 1 }), completedRun('b', { seed: 1 }), completedRun('c', { seed: 2 })]);
  assert.equal(rowOf(rows, 'seed').differs, true);
  assert.deepEqual(rowOf(rows, 'seed').values, ['1', '1', '2']);
});

test('webview rows: a group header before each group that has a row shown', () => {
  const rows = diffConfigs([completedRun('a', { technique: 'lora' }), completedRun('b', { technique: 'full' })]);
  const lines = visibleRows(rows, true);
  assert.ok('group' in lines[0] && !('key' in lines[0]));
  const groups = lines.filter((l) => !('key' in l)).map((l) => l.group);
  assert.ok(groups.includes('Technique'));
  assert.ok(!groups.includes('Training') || lines.some((l) => 'key' in l && l.group === 'Training'));
  assert.equal(visibleRows(rows, false).filter((l) => 'key' in l).length, rows.length);
});
