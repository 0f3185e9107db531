import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TransferRate } from '../../../src/engine/zoo/transferRate';
import { sha256FromEtag } from '../../../src/engine/zoo/httpOpen';
import { DEFAULT_MIRROR, resolveZooSettings } from '../../../src/engine/zoo/zooSettings';

const HOME = path.resolve('/home/someone');

test('defaults: ~/.cache/finetune, huggingface.co, online, ~/.cache/huggingface/hub', () => {
  const s = resolveZooSettings({ env: {}, homeDir: HOME });
  assert.equal(s.cacheDir, path.join(HOME, '.cache', 'finetune'));
  assert.equal(s.mirror, DEFAULT_MIRROR);
  assert.equal(s.offline, false);
  assert.equal(s.token, null);
  assert.equal(s.hfHubCacheDir, path.join(HOME, '.cache', 'huggingface', 'hub'));
});

test('environment variables, and options over them', () => {
  const env = { FINETUNE_CACHE: '~/models', HF_ENDPOINT: 'https://hf-mirror.example/', FINETUNE_MODEL_MIRROR: 'http://10.0.0.2:8080', HF_HOME: '/data/hf', HF_TOKEN: 'tok' };
  const s = resolveZooSettings({ env, homeDir: HOME });
  assert.equal(s.cacheDir, path.join(HOME, 'models'));
  assert.equal(s.mirror, 'http://10.0.0.2:8080', 'FINETUNE_MODEL_MIRROR wins over HF_ENDPOINT');
  assert.equal(s.hfHubCacheDir, path.resolve('/data/hf/hub'));
  assert.equal(s.token, 'tok');
  assert.equal(resolveZooSettings({ env: { HF_ENDPOINT: 'https://hf-mirror.example/' }, homeDir: HOME }).mirror, 'https://hf-mirror.example');
  assert.equal(resolveZooSettings({ env: { HF_HUB_CACHE: '/x/hub', HF_HOME: '/data/hf' }, homeDir: HOME }).hfHubCacheDir, path.resolve('/x/hub'));
  assert.equal(resolveZooSettings({ env: { XDG_CACHE_HOME: '/xdg' }, homeDir: HOME }).hfHubCacheDir, path.resolve('/xdg/huggingface/hub'));
  const o = resolveZooSettings({ env, homeDir: HOME, cacheDir: '/c', mirror: 'http://127.0.0.1:1/' });
  assert.equal(o.cacheDir, path.resolve('/c'));
  assert.equal(o.mirror, 'http://127.0.0.1:1');
});

test('offline mode: FINETUNE_OFFLINE, HF_HUB_OFFLINE, the option (which also turns it off)', () => {
  assert.equal(resolveZooSettings({ env: { FINETUNE_OFFLINE: '1' }, homeDir: HOME }).offlineReason, 'FINETUNE_OFFLINE is set');
  assert.equal(resolveZooSettings({ env: { HF_HUB_OFFLINE: 'TRUE' }, homeDir: HOME }).offline, true);
  assert.equal(resolveZooSettings({ env: { HF_HUB_OFFLINE: '0' }, homeDir: HOME }).offline, false);
  assert.equal(resolveZooSettings({ env: {}, homeDir: HOME, offline: true }).offlineReason, 'the offline option');
  assert.equal(resolveZooSettings({ env: { FINETUNE_OFFLINE: '1' }, homeDir: HOME, offline: false }).offline, false);
});

test('a mirror that is not an http(s) URL is a clear error naming where it came from', () => {
  assert.throws(() => resolveZooSettings({ env: { HF_ENDPOINT: 'huggingface.co' }, homeDir: HOME }), /"huggingface\.co" \(HF_ENDPOINT\) is not a URL/);
  assert.throws(() => resolveZooSettings({ env: {}, homeDir: HOME, mirror: 'ftp://x' }), /must be an http or https URL/);
});

test('transfer rate over a moving window, and the ETA it gives', () => {
  let now = 0;
  const rate = new TransferRate(() => now, 5000);
  assert.equal(rate.bytesPerSecond(), 0);
  assert.equal(rate.etaSeconds(100), null);
  for (let i = 0; i < 10; i++) {
    now += 1000;
    rate.add(1000);
  }
  assert.equal(rate.total, 10_000);
  assert.ok(Math.abs(rate.bytesPerSecond() - 1000) < 1e-9);
  assert.ok(Math.abs((rate.etaSeconds(5000) ?? NaN) - 5) < 1e-9);
  // A burst after a stall: the window forgets what is older than 5 s.
  now += 10_000;
  rate.add(0);
  now += 1000;
  rate.add(4000);
  assert.ok(rate.bytesPerSecond() < 1000, `stall lowers the speed (${rate.bytesPerSecond()})`);
  assert.equal(rate.etaSeconds(0), 0);
  assert.equal(rate.etaSeconds(null), null);
});

test('only SHA-256 values are taken from ETag-style headers', () => {
  const sha = 'a'.repeat(64);
  assert.equal(sha256FromEtag(`"${sha}"`), sha);
  assert.equal(sha256FromEtag(`W/"${sha.toUpperCase()}"`), sha);
  assert.equal(sha256FromEtag('"d41d8cd98f00b204e9800998ecf8427e"'), null, 'an MD5 is not a SHA-256');
  assert.equal(sha256FromEtag(null), null);
});
