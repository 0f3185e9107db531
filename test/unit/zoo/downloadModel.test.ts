import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DownloadError } from '../../../src/engine/zoo/downloadError';
import { downloadHubModel, type ModelProgress, type SourceManifest } from '../../../src/engine/zoo/downloadModel';
import { SOURCE_MANIFEST, cachedModelDir, partialModelDir } from '../../../src/engine/zoo/modelFolder';
import { FakeHub, bytes, sha256 } from './fakeHub';
import { REPO, STANDARD_FILES, cacheState, refWith, tinyRepoFiles, waitForSize, zooTemp } from './zooTestKit';

async function withHub(fn: (hub: FakeHub, cacheDir: string) => Promise<void>): Promise<void> {
  const hub = new FakeHub();
  await hub.start();
  try {
    await fn(hub, zooTemp());
  } finally {
    await hub.close();
  }
}

async function rejectsWith(promise: Promise<unknown>, kind: string, message: RegExp): Promise<DownloadError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DownloadError, `expected a DownloadError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    assert.match(`${error.message} ${error.hint ?? ''}`, message);
    return error;
  }
  assert.fail(`expected a ${kind} error`);
}

const EMPTY = { models: [], partial: [] };

/** Lets the client write what the server sent before the server cuts the connection. */
function partReaches(cacheDir: string): (offset: number) => Promise<void> {
  return (offset) => waitForSize(path.join(partialModelDir(cacheDir, REPO, 'main'), 'model.safetensors.part'), offset);
}

test('downloads a model: files byte-identical, optional 404s skipped, manifest written, progress monotonic with a final total', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles();
    hub.add(REPO, 'main', files);
    const events: ModelProgress[] = [];
    const logs: string[] = [];
    const dir = await downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base, onProgress: (p) => events.push(p), log: (m) => logs.push(m), progressIntervalMs: 0 });
    assert.equal(dir, cachedModelDir(cacheDir, REPO, 'main'));
    for (const [name, body] of Object.entries(files)) assert.ok(readFileSync(path.join(dir, name)).equals(body), name);
    assert.equal(existsSync(path.join(dir, 'tokenizer.json')), false);
    const manifest = JSON.parse(readFileSync(path.join(dir, SOURCE_MANIFEST), 'utf8')) as SourceManifest;
    assert.deepEqual(manifest.absent.sort(), ['special_tokens_map.json', 'tokenizer.json']);
    assert.equal(manifest.commit, 'c0ffee0000000000000000000000000000000000');
    assert.equal(manifest.files.find((f) => f.name === 'model.safetensors')?.sha256, sha256(files['model.safetensors']));
    assert.ok(logs.some((l) => /tokenizer\.json is not in the repository/.test(l)));
    // Progress: per file, bytes never go down, the last event is done with bytes === total === size.
    const weights = events.filter((e) => e.file === 'model.safetensors');
    assert.ok(weights.length >= 2, 'several progress events for the weights');
    for (let i = 1; i < weights.length; i++) {
      assert.ok(weights[i].bytes >= weights[i - 1].bytes, 'bytes monotonic');
      assert.ok(weights[i].received >= weights[i - 1].received, 'received monotonic');
    }
    const last = weights[weights.length - 1];
    assert.equal(last.done, true);
    assert.equal(last.bytes, files['model.safetensors'].length);
    assert.equal(last.total, files['model.safetensors'].length);
    assert.equal(last.fileIndex, STANDARD_FILES.length - 1);
    assert.equal(last.fileCount, STANDARD_FILES.length);
    assert.deepEqual(cacheState(cacheDir).partial, []);
    // A second call finds the placed folder and asks the server nothing.
    const before = hub.requests.length;
    assert.equal(await downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base }), dir);
    assert.equal(hub.requests.length, before);
  });
});

test('follows a relative and an absolute redirect, and checks the SHA-256 the hub announces', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles();
    hub.add(REPO, 'main', {
      ...files,
      'vocab.txt': { body: files['vocab.txt'], redirect: 'absolute' },
      'model.safetensors': { body: files['model.safetensors'], redirect: 'relative', linkedSha256: sha256(files['model.safetensors']), linkedSize: files['model.safetensors'].length },
    });
    const dir = await downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base });
    assert.ok(readFileSync(path.join(dir, 'model.safetensors')).equals(files['model.safetensors']));
    assert.ok(readFileSync(path.join(dir, 'vocab.txt')).equals(files['vocab.txt']));
    assert.equal(hub.requestsFor(`/cdn/${REPO}/main/model.safetensors`).length, 1);
    assert.equal(hub.requestsFor(`/cdn/${REPO}/main/vocab.txt`).length, 1);
    const manifest = JSON.parse(readFileSync(path.join(dir, SOURCE_MANIFEST), 'utf8')) as SourceManifest;
    assert.equal(manifest.files.find((f) => f.name === 'model.safetensors')?.sha256Checked, true);
    assert.equal(manifest.files.find((f) => f.name === 'config.json')?.sha256Checked, false);
  });
});

test('endless redirects stop after 5 with a clear error and nothing in the cache', async () => {
  await withHub(async (hub, cacheDir) => {
    hub.add(REPO, 'main', { ...tinyRepoFiles(), 'config.json': { body: Buffer.from('{}'), redirect: 'loop' } });
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base, retries: 0 }), 'redirects', /Too many redirects.*config\.json/);
    assert.equal(hub.requestsFor('/config.json').length, 6);
    assert.deepEqual(cacheState(cacheDir), EMPTY);
  });
});

test('a required file missing (404) is an error naming the URL; nothing is left in the cache', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles();
    const { ['model.safetensors']: _weights, ...withoutWeights } = files;
    hub.add(REPO, 'main', withoutWeights);
    const error = await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base }), 'not-found', /model\.safetensors was not found \(HTTP 404\).*PyTorch/);
    assert.equal(error.url, `${hub.base}/${REPO}/resolve/main/model.safetensors`);
    assert.deepEqual(cacheState(cacheDir), EMPTY);
  });
});

test('a repository with neither tokenizer.json nor vocab.txt is incomplete; nothing is left in the cache', async () => {
  await withHub(async (hub, cacheDir) => {
    const { ['vocab.txt']: _vocab, ...noTokenizer } = tinyRepoFiles();
    hub.add(REPO, 'main', noTokenizer);
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base }), 'incomplete', /lacks files the model needs: tokenizer\.json or vocab\.txt/);
    assert.deepEqual(cacheState(cacheDir), EMPTY);
  });
});

test('403 (gated model) says to log in or use a mirror; the token goes to the mirror host only', async () => {
  await withHub(async (hub, cacheDir) => {
    hub.add(REPO, 'main', { ...tinyRepoFiles(), 'config.json': { body: Buffer.from('{}'), status: 403, errorCode: 'GatedRepo' } });
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base, token: 'secret-token' }), 'unauthorized', /HTTP 403.*config\.json.*HF_TOKEN.*mirror/s);
    assert.equal(hub.requestsFor('/config.json')[0].authorization, 'Bearer secret-token');
    assert.deepEqual(cacheState(cacheDir), EMPTY);
  });
});

test('a repository the hub does not know (401 RepoNotFound) is reported as not found', async () => {
  await withHub(async (hub, cacheDir) => {
    hub.add(REPO, 'main', { 'config.json': { body: Buffer.from('{}'), status: 401, errorCode: 'RepoNotFound' } });
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base }), 'not-found', /repository .* was not found .*RepoNotFound/);
    assert.deepEqual(cacheState(cacheDir), EMPTY);
  });
});

test('a transfer cut in the middle keeps the part; the next attempt resumes with Range and gives identical bytes', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles(300_000);
    hub.add(REPO, 'main', { ...files, 'model.safetensors': { body: files['model.safetensors'], cutTimes: 1, beforeCut: partReaches(cacheDir) } });
    const ref = refWith(STANDARD_FILES);
    const error = await rejectsWith(downloadHubModel(ref, { cacheDir, mirror: hub.base, retries: 0 }), 'cut', /model\.safetensors.*stopped after \d+ of 300000 bytes.*resumes/s);
    assert.equal(cacheState(cacheDir).models.length, 0, 'nothing placed');
    const part = path.join(partialModelDir(cacheDir, REPO, 'main'), 'model.safetensors.part');
    assert.equal(error.where, part);
    const kept = readFileSync(part);
    assert.equal(kept.length, 150_000, 'the part holds the half that was sent');
    assert.match(error.message, /stopped after 150000 of 300000 bytes/);
    assert.ok(kept.equals(files['model.safetensors'].subarray(0, kept.length)));
    // The small files finished before the cut are kept too, and not fetched again.
    const configRequests = hub.requestsFor('/config.json').length;
    const dir = await downloadHubModel(ref, { cacheDir, mirror: hub.base, retries: 0 });
    assert.equal(hub.requestsFor('/config.json').length, configRequests);
    const weightRequests = hub.requestsFor('/model.safetensors');
    assert.equal(weightRequests.length, 2);
    assert.equal(weightRequests[0].range, null);
    assert.equal(weightRequests[1].range, `bytes=${kept.length}-`);
    assert.ok(readFileSync(path.join(dir, 'model.safetensors')).equals(files['model.safetensors']));
    assert.deepEqual(cacheState(cacheDir).partial, []);
  });
});

test('with retries, a cut transfer resumes within the same call', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles(120_000);
    hub.add(REPO, 'main', { ...files, 'model.safetensors': { body: files['model.safetensors'], cutTimes: 2, beforeCut: partReaches(cacheDir) } });
    const logs: string[] = [];
    const dir = await downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base, retries: 2, retryDelayMs: 0, log: (m) => logs.push(m) });
    assert.ok(readFileSync(path.join(dir, 'model.safetensors')).equals(files['model.safetensors']));
    const ranges = hub.requestsFor('/model.safetensors').map((r) => r.range);
    assert.equal(ranges.length, 3);
    assert.equal(ranges[0], null);
    assert.equal(ranges[1], 'bytes=60000-');
    assert.equal(ranges[2], 'bytes=90000-');
    assert.equal(logs.filter((l) => /Retrying/.test(l)).length, 2);
  });
});

test('a server that ignores Range (200) makes the download start over, still byte-identical', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles(100_000);
    hub.add(REPO, 'main', { ...files, 'model.safetensors': { body: files['model.safetensors'], cutTimes: 1, ignoreRange: true, beforeCut: partReaches(cacheDir) } });
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base, retries: 0 }), 'cut', /stopped/);
    const dir = await downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base, retries: 0 });
    assert.equal(hub.requestsFor('/model.safetensors')[1].range, 'bytes=50000-');
    assert.ok(readFileSync(path.join(dir, 'model.safetensors')).equals(files['model.safetensors']));
  });
});

test('a part that is already whole (416 on resume) is checked and placed without new bytes', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles(50_000);
    hub.add(REPO, 'main', files);
    const partial = partialModelDir(cacheDir, REPO, 'main');
    mkdirSync(partial, { recursive: true });
    writeFileSync(path.join(partial, 'model.safetensors.part'), files['model.safetensors']);
    writeFileSync(path.join(partial, 'model.safetensors.part.json'), JSON.stringify({ url: 'x', etag: null, expectedSha256: null }));
    const dir = await downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base });
    assert.equal(hub.requestsFor('/model.safetensors')[0].range, `bytes=${files['model.safetensors'].length}-`);
    assert.ok(readFileSync(path.join(dir, 'model.safetensors')).equals(files['model.safetensors']));
  });
});

test('a wrong checksum (catalogued) is an error: no model placed, no partial left', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles();
    hub.add(REPO, 'main', files);
    const wrong = sha256(Buffer.from('something else'));
    const ref = refWith(STANDARD_FILES.map((f) => (f.name === 'model.safetensors' ? { ...f, sha256: wrong } : f)));
    const error = await rejectsWith(downloadHubModel(ref, { cacheDir, mirror: hub.base }), 'checksum', new RegExp(`Checksum \\(SHA-256\\) mismatch for model\\.safetensors.*expected ${wrong}, got ${sha256(files['model.safetensors'])}.*deleted`, 's'));
    assert.match(error.url ?? '', /model\.safetensors$/);
    assert.deepEqual(cacheState(cacheDir), EMPTY);
  });
});

test('a wrong checksum announced by the mirror (X-Linked-Etag) is caught the same way', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles();
    hub.add(REPO, 'main', { ...files, 'model.safetensors': { body: files['model.safetensors'], redirect: 'relative', linkedSha256: sha256(bytes(10, 3)) } });
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base }), 'checksum', /mismatch for model\.safetensors/);
    assert.deepEqual(cacheState(cacheDir), EMPTY);
  });
});

test('a size other than the catalogued one is an error before the body is read; nothing is left', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles();
    hub.add(REPO, 'main', files);
    const ref = refWith(STANDARD_FILES.map((f) => (f.name === 'model.safetensors' ? { ...f, size: 12345 } : f)));
    await rejectsWith(downloadHubModel(ref, { cacheDir, mirror: hub.base }), 'size', /Size mismatch for model\.safetensors.*expected 12345 bytes, got 200000 bytes announced/);
    assert.deepEqual(cacheState(cacheDir), EMPTY);
  });
});

test('an unreachable server is a network error naming the host; nothing is left in the cache', async () => {
  const hub = new FakeHub();
  const base = await hub.start();
  await hub.close();
  const cacheDir = zooTemp();
  await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: base, retries: 0 }), 'network', new RegExp(`Cannot reach ${base.replace('http://', '').replace(/\./g, '\\.')}.*refused.*mirror`, 's'));
  assert.deepEqual(cacheState(cacheDir), EMPTY);
});

test('cancelling through an AbortSignal stops the transfer, keeps the part for later, places nothing', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles(400_000);
    hub.add(REPO, 'main', { ...files, 'model.safetensors': { body: files['model.safetensors'], stall: true } });
    const controller = new AbortController();
    const error = await rejectsWith(
      downloadHubModel(refWith(STANDARD_FILES), {
        cacheDir,
        mirror: hub.base,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.file === 'model.safetensors' && p.bytes > 0) controller.abort();
        },
      }),
      'cancelled',
      /cancelled.*resumes/s,
    );
    assert.equal(error.name, 'AbortError');
    const state = cacheState(cacheDir);
    assert.deepEqual(state.models, []);
    assert.ok(state.partial.some((p) => p.endsWith('model.safetensors.part')), state.partial.join(', '));
    // Cancelled before it starts: nothing is fetched at all.
    const aborted = new AbortController();
    aborted.abort();
    const other = zooTemp();
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES, 'test-org/other'), { cacheDir: other, mirror: hub.base, signal: aborted.signal }), 'cancelled', /cancelled/);
    assert.deepEqual(cacheState(other), EMPTY);
  });
});

test('a full disk (writes to /dev/full) is reported as such, with what to do', { skip: !existsSync('/dev/full') }, async () => {
  await withHub(async (hub, cacheDir) => {
    hub.add(REPO, 'main', tinyRepoFiles());
    const partial = partialModelDir(cacheDir, REPO, 'main');
    mkdirSync(partial, { recursive: true });
    symlinkSync('/dev/full', path.join(partial, 'model.safetensors.part'));
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base }), 'disk-full', /disk is full.*model\.safetensors.*Free some space.*--cache/s);
    assert.deepEqual(cacheState(cacheDir).models, []);
  });
});

test('another live process downloading the same model is reported, not raced', async () => {
  await withHub(async (hub, cacheDir) => {
    hub.add(REPO, 'main', tinyRepoFiles());
    const partial = partialModelDir(cacheDir, REPO, 'main');
    mkdirSync(path.dirname(partial), { recursive: true });
    writeFileSync(`${partial}.lock`, String(process.ppid));
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base }), 'busy', new RegExp(`pid ${process.ppid}`));
    assert.equal(hub.requests.length, 0);
    assert.deepEqual(cacheState(cacheDir).models, []);
    // A lock left by a process that is gone is taken over.
    writeFileSync(`${partial}.lock`, '999999999');
    const dir = await downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base });
    assert.ok(existsSync(path.join(dir, 'model.safetensors')));
    assert.deepEqual(cacheState(cacheDir).partial, []);
  });
});

test('a server that stops sending fails after the idle timeout as a cut transfer (part kept), not a hang', async () => {
  await withHub(async (hub, cacheDir) => {
    const files = tinyRepoFiles(100_000);
    hub.add(REPO, 'main', { ...files, 'model.safetensors': { body: files['model.safetensors'], stall: true } });
    await rejectsWith(downloadHubModel(refWith(STANDARD_FILES), { cacheDir, mirror: hub.base, retries: 0, idleTimeoutMs: 300 }), 'cut', /model\.safetensors.*stopped after \d+ of 100000 bytes.*resumes/s);
    assert.deepEqual(cacheState(cacheDir).models, []);
    assert.ok(cacheState(cacheDir).partial.some((p) => p.endsWith('model.safetensors.part')));
  });
});
