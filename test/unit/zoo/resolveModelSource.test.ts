import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DownloadError } from '../../../src/engine/zoo/downloadError';
import type { ModelProgress } from '../../../src/engine/zoo/downloadModel';
import { cachedModelDir } from '../../../src/engine/zoo/modelFolder';
import { resolveModelSource } from '../../../src/engine/zoo/resolveModelSource';
import { UserError } from '../../../src/engine/userError';
import { FakeHub } from './fakeHub';
import { REPO, cacheState, tinyRepoFiles, zooTemp } from './zooTestKit';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** Writes a Hugging Face hub cache entry the way huggingface_hub does: blobs, refs/main, snapshot symlinks. */
function writeHfCache(hubDir: string, repo: string, files: Record<string, Buffer>): string {
  const repoDir = path.join(hubDir, `models--${repo.replace('/', '--')}`);
  const snapshot = path.join(repoDir, 'snapshots', COMMIT);
  mkdirSync(path.join(repoDir, 'refs'), { recursive: true });
  mkdirSync(path.join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  writeFileSync(path.join(repoDir, 'refs', 'main'), COMMIT);
  for (const [name, body] of Object.entries(files)) {
    const blob = path.join(repoDir, 'blobs', `blob-${name.replace(/\W/g, '')}`);
    writeFileSync(blob, body);
    symlinkSync(path.relative(snapshot, blob), path.join(snapshot, name));
  }
  return snapshot;
}

/** An environment with nothing set but what the test gives (so the real user's settings never leak in). */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...extra };
}

test('built-in names and built-in catalog ids come back unchanged (or canonical)', async () => {
  const home = zooTemp();
  for (const name of ['nn-sentiment', 'mlp', 'auto', 'mobilenet_v2']) {
    assert.equal(await resolveModelSource(name, { env: env({ FINETUNE_OFFLINE: '1' }), homeDir: home }), name);
  }
  assert.equal(await resolveModelSource('mobilenet-v2', { env: env(), homeDir: home }), 'mobilenet_v2');
});

test('an existing path comes back unchanged, even one shaped like org/name', async () => {
  const dir = zooTemp();
  mkdirSync(path.join(dir, 'models', 'bert'), { recursive: true });
  const home = zooTemp();
  assert.equal(await resolveModelSource(dir, { env: env({ FINETUNE_OFFLINE: '1' }), homeDir: home }), dir);
  assert.equal(await resolveModelSource('models/bert', { cwd: dir, env: env({ FINETUNE_OFFLINE: '1' }), homeDir: home }), 'models/bert');
});

test('a name that is neither a path, a catalog id nor an org/name id is a clear user error', async () => {
  await assert.rejects(resolveModelSource('no such model!', { env: env(), homeDir: zooTemp() }), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(`${e.message} ${e.hint}`, /not a folder, a built-in model, a catalog id or a Hugging Face id.*finetune models/);
    return true;
  });
});

test('a model in the Hugging Face cache (refs/main → snapshot) is used without any network, at each configured location', async () => {
  const files = tinyRepoFiles(1000);
  // HF_HUB_CACHE
  const hub1 = zooTemp();
  const snap1 = writeHfCache(hub1, REPO, files);
  assert.equal(await resolveModelSource(REPO, { env: env({ HF_HUB_CACHE: hub1, FINETUNE_OFFLINE: '1' }), homeDir: zooTemp(), cacheDir: zooTemp() }), snap1);
  // HF_HOME/hub
  const hfHome = zooTemp();
  const snap2 = writeHfCache(path.join(hfHome, 'hub'), REPO, files);
  assert.equal(await resolveModelSource(REPO, { env: env({ HF_HOME: hfHome, FINETUNE_OFFLINE: '1' }), homeDir: zooTemp(), cacheDir: zooTemp() }), snap2);
  // ~/.cache/huggingface/hub, and a commit named explicitly
  const home = zooTemp();
  const snap3 = writeHfCache(path.join(home, '.cache', 'huggingface', 'hub'), REPO, files);
  assert.equal(await resolveModelSource(`${REPO}@${COMMIT}`, { env: env({ HF_HUB_OFFLINE: '1' }), homeDir: home, cacheDir: zooTemp() }), snap3);
  // Not offline, but a mirror that cannot be reached: the HF cache answers first, so it never matters.
  const log: string[] = [];
  assert.equal(await resolveModelSource(REPO, { env: env({ HF_HUB_CACHE: hub1 }), mirror: 'http://127.0.0.1:9', homeDir: zooTemp(), cacheDir: zooTemp(), log: (m) => log.push(m) }), snap1);
  assert.match(log.join('\n'), /Hugging Face cache/);
  assert.ok(readFileSync(path.join(snap1, 'model.safetensors')).equals(files['model.safetensors']));
});

test('an incomplete Hugging Face cache entry is not used; offline mode then says where it looked and what to do', async () => {
  const hubDir = zooTemp();
  const { ['model.safetensors']: _w, ...noWeights } = tinyRepoFiles(1000);
  writeHfCache(hubDir, REPO, noWeights);
  const cacheDir = zooTemp();
  await assert.rejects(resolveModelSource(REPO, { env: env({ HF_HUB_CACHE: hubDir, FINETUNE_OFFLINE: 'true' }), cacheDir, homeDir: zooTemp() }), (e: unknown) => {
    assert.ok(e instanceof DownloadError);
    assert.equal(e.kind, 'offline');
    const text = `${e.message} ${e.hint}`;
    assert.match(text, /not cached, and offline mode is on \(FINETUNE_OFFLINE is set\)/);
    assert.ok(text.includes(hubDir) && text.includes(cacheDir), text);
    assert.match(text, /finetune models download test-org\/tiny-bert/);
    return true;
  });
  assert.deepEqual(cacheState(cacheDir), { models: [], partial: [] });
});

test('offline mode never touches the network, by option or by HF_HUB_OFFLINE', async () => {
  const hub = new FakeHub();
  await hub.start();
  try {
    hub.add(REPO, 'main', tinyRepoFiles(1000));
    for (const options of [{ offline: true, env: env() }, { env: env({ HF_HUB_OFFLINE: '1' }) }]) {
      await assert.rejects(resolveModelSource(REPO, { ...options, mirror: hub.base, cacheDir: zooTemp(), homeDir: zooTemp() }), /offline mode is on/);
    }
    assert.equal(hub.requests.length, 0);
  } finally {
    await hub.close();
  }
});

test('a catalog id or org/name is downloaded from the mirror once, then found in our cache (also offline)', async () => {
  const hub = new FakeHub();
  await hub.start();
  try {
    const files = tinyRepoFiles(30_000);
    hub.add(REPO, 'main', files);
    hub.add('prajjwal1/bert-tiny', 'main', files);
    const cacheDir = zooTemp();
    const home = zooTemp();
    const progress: ModelProgress[] = [];
    const dir = await resolveModelSource(REPO, { env: env({ FINETUNE_MODEL_MIRROR: hub.base }), cacheDir, homeDir: home, onProgress: (p) => progress.push(p) });
    assert.equal(dir, cachedModelDir(cacheDir, REPO, 'main'));
    assert.ok(readFileSync(path.join(dir, 'model.safetensors')).equals(files['model.safetensors']));
    assert.ok(progress.some((p) => p.done && p.file === 'model.safetensors' && p.model === REPO));
    const requests = hub.requests.length;
    assert.equal(await resolveModelSource(REPO, { env: env({ FINETUNE_OFFLINE: '1' }), cacheDir, homeDir: home }), dir);
    assert.equal(hub.requests.length, requests);
    // A catalog id through HF_ENDPOINT, as Hugging Face tools configure a mirror.
    const tiny = await resolveModelSource('prajjwal1/bert-tiny', { env: env({ HF_ENDPOINT: `${hub.base}/` }), cacheDir, homeDir: home });
    assert.equal(tiny, cachedModelDir(cacheDir, 'prajjwal1/bert-tiny', 'main'));
    assert.ok(hub.requests.some((r) => r.path === '/prajjwal1/bert-tiny/resolve/main/model.safetensors'));
  } finally {
    await hub.close();
  }
});

test('org/name@revision fetches that revision into its own folder', async () => {
  const hub = new FakeHub();
  await hub.start();
  try {
    hub.add(REPO, 'v2', tinyRepoFiles(5000));
    const cacheDir = zooTemp();
    const log: string[] = [];
    const dir = await resolveModelSource(`${REPO}@v2`, { mirror: hub.base, env: env(), cacheDir, homeDir: zooTemp(), log: (m) => log.push(m) });
    assert.equal(dir, cachedModelDir(cacheDir, REPO, 'v2'));
    // With only a log, progress comes as lines too.
    assert.ok(log.some((l) => l === `${REPO}: model.safetensors (8/8) 5.0 kB / 5.0 kB (100%), done` || /^test-org\/tiny-bert: model\.safetensors \(8\/8\) 5\.0 kB \/ 5\.0 kB \(100%\), .*\/s, done$/.test(l)), log.join('\n'));
    assert.ok(hub.requests.every((r) => r.path.startsWith(`/${REPO}/resolve/v2/`)));
  } finally {
    await hub.close();
  }
});

test('an org/name that exists nowhere says so, including that no such folder exists here', async () => {
  const hub = new FakeHub();
  await hub.start();
  try {
    const cacheDir = zooTemp();
    await assert.rejects(resolveModelSource('nobody/nothing', { mirror: hub.base, env: env(), cacheDir, homeDir: zooTemp(), cwd: zooTemp() }), (e: unknown) => {
      assert.ok(e instanceof DownloadError);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /config\.json was not found \(HTTP 404\) at http:\/\/127\.0\.0\.1:\d+\/nobody\/nothing\/resolve\/main\/config\.json\. No folder named "nobody\/nothing" exists here either\./);
      return true;
    });
    assert.deepEqual(cacheState(cacheDir), { models: [], partial: [] });
  } finally {
    await hub.close();
  }
});
