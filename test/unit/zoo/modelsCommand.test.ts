import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseCli } from '../../../src/cli/cliArgs';
import type { CliContext } from '../../../src/cli/cliContext';
import { modelsCommand } from '../../../src/cli/commands/modelsCommand';
import { HELP } from '../../../src/cli/helpText';
import { cachedModelDir } from '../../../src/engine/zoo/modelFolder';
import { MODEL_CATALOG } from '../../../src/engine/zoo/modelCatalog';
import { FakeHub } from './fakeHub';
import { tinyRepoFiles, zooTemp } from './zooTestKit';

/** Runs `finetune <argv>` in-process, capturing stdout and stderr. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CliContext = { cli: parseCli(argv), out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  const code = await modelsCommand(ctx);
  return { code, out, err };
}

/** Points the Hugging Face cache and the offline switches away from the real machine for one test. */
async function isolated(fn: () => Promise<void>): Promise<void> {
  const names = ['HF_HUB_CACHE', 'HF_HOME', 'FINETUNE_OFFLINE', 'HF_HUB_OFFLINE', 'FINETUNE_MODEL_MIRROR', 'HF_ENDPOINT', 'FINETUNE_CACHE'] as const;
  const saved = names.map((n) => process.env[n]);
  for (const n of names) delete process.env[n];
  process.env.HF_HUB_CACHE = zooTemp();
  try {
    await fn();
  } finally {
    names.forEach((n, i) => {
      if (saved[i] === undefined) delete process.env[n];
      else process.env[n] = saved[i];
    });
  }
}

test('finetune models lists the catalog; download fetches with a progress line; the list then says cached', async () => {
  await isolated(async () => {
    const hub = new FakeHub();
    await hub.start();
    try {
      const files = tinyRepoFiles(40_000);
      hub.add('prajjwal1/bert-tiny', 'main', files);
      const cache = zooTemp();
      const before = await run(['models', '--cache', cache]);
      assert.equal(before.code, 0);
      for (const e of MODEL_CATALOG) assert.ok(before.out.includes(e.id), e.id);
      assert.match(before.out, /^id\s+architecture\s+task\s+params\s+size\s+licence\s+cached$/m);
      assert.match(before.out, /^prajjwal1\/bert-tiny\s+bert\s+text\s+4\.4M\s+≈17\.8 MB\s+mit\s+no$/m);
      assert.match(before.out, /^nn-sentiment\s+keras-bigru\s+text\s+1\.5M\s+6\.6 MB\s+mit\s+built-in$/m);
      assert.match(before.out, /^mobilenet_v2\s+mobilenet_v2\s+image\s+2\.6M\s+3\.6 MB\s+mit\s+built-in$/m);

      const download = await run(['models', 'download', 'prajjwal1/bert-tiny', '--mirror', hub.base, '--cache', cache]);
      assert.equal(download.code, 0, download.err);
      const dir = cachedModelDir(cache, 'prajjwal1/bert-tiny', 'main');
      assert.equal(download.out, `${dir}\n`);
      assert.ok(readFileSync(path.join(dir, 'model.safetensors')).equals(files['model.safetensors']));
      assert.match(download.err, /Downloading prajjwal1\/bert-tiny .* from http:\/\/127\.0\.0\.1:\d+ into /);
      assert.match(download.err, /^100% model\.safetensors \(6\/6\) 40\.0 kB \/ 40\.0 kB/m);
      assert.match(download.err, /tokenizer\.json is not in the repository \(optional, skipped\)/);

      const after = await run(['models', '--cache', cache]);
      assert.match(after.out, /^prajjwal1\/bert-tiny\s.*\syes$/m);
      const again = await run(['models', 'download', 'prajjwal1/bert-tiny', '--cache', cache, '--offline', '--json']);
      assert.deepEqual(JSON.parse(again.out), { id: 'prajjwal1/bert-tiny', repo: 'prajjwal1/bert-tiny', revision: 'main', dir, source: 'cache' });
    } finally {
      await hub.close();
    }
  });
});

test('finetune models --json gives each entry with its URLs on the chosen mirror', async () => {
  await isolated(async () => {
    const r = await run(['models', '--json', '--mirror', 'http://mirror.example:8080/', '--cache', zooTemp()]);
    const entries = JSON.parse(r.out) as { id: string; cached: boolean; urls: Record<string, string> | null; location: string | null }[];
    const roberta = entries.find((e) => e.id === 'roberta-base');
    assert.equal(roberta?.urls?.['model.safetensors'], 'http://mirror.example:8080/FacebookAI/roberta-base/resolve/main/model.safetensors');
    assert.equal(roberta?.cached, false);
    const mobile = entries.find((e) => e.id === 'mobilenet_v2');
    assert.equal(mobile?.cached, true);
    assert.match(mobile?.location ?? '', /nsfwjs[/\\]dist[/\\]models[/\\]mobilenet_v2$/);
  });
});

test('finetune models: built-in models need no download; bad input and failed downloads are clear errors', async () => {
  await isolated(async () => {
    const builtin = await run(['models', 'download', 'nn-sentiment']);
    assert.equal(builtin.code, 0);
    assert.match(builtin.err, /built in \(npm package nn-sentiment\): nothing to download/);
    await assert.rejects(run(['models', 'frobnicate']), /Unknown models subcommand "frobnicate"/);
    await assert.rejects(run(['models', 'download']), /Missing the model id/);
    await assert.rejects(run(['models', 'download', 'not an id']), /not a catalog id or a Hugging Face id/);
    await assert.rejects(run(['models', 'download', 'org/name', '--offline', '--cache', zooTemp()]), /not cached, and offline mode is on \(the offline option\)/);
    const hub = new FakeHub();
    await hub.start();
    try {
      const cache = zooTemp();
      await assert.rejects(run(['models', 'download', 'org/absent', '--mirror', hub.base, '--cache', cache]), /config\.json was not found \(HTTP 404\)/);
    } finally {
      await hub.close();
    }
  });
});

test('the help text documents the models commands and their environment', () => {
  assert.match(HELP, /finetune models download <id> \[--mirror URL\] \[--cache DIR\]/);
  assert.match(HELP, /FINETUNE_CACHE/);
  assert.match(HELP, /HF_HUB_OFFLINE/);
});
