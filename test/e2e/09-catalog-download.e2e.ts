// Scenario 9: a catalog model that is not on this machine. The setting fineTune.modelMirror points at a
// mirror on 127.0.0.1 that serves "prajjwal1/bert-tiny" (a tiny random BERT in its place) and sends its
// weights slowly. Choose it in the setup panel → it says it will be downloaded from the mirror → Start →
// while the worker downloads it, the dashboard's progress bar and a notification show the file, bytes
// and speed → the run completes → the model is in the extension's global storage, and the picker now
// says it is cached.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { writeTextCsv } from '../unit/helpers/fixtures';
import { makeTinyCheckpoint, writeTinyCheckpoint } from '../unit/hf/tinyHfCheckpoint';
import { skipUnless } from './harness/features';
import { chooseTechnique, dashboard, dashboardStatus, openSetupPanel, selectRadio, startButton } from './harness/fineTune';
import { startModelMirror } from './harness/modelMirror';
import { runScenario, testLimit } from './harness/session';
import { editorTab, eventually, notification, waitForExtension, WAIT, webviewContent } from './harness/workbench';

const LIMIT_MS = 4 * 60_000;
const DATASET = 'reviews.csv';
const REPO = 'prajjwal1/bert-tiny';

function modelFiles(): Record<string, Buffer> {
  const dir = writeTinyCheckpoint(mkdtempSync(path.join(os.tmpdir(), 'finetune-e2e-model-')), makeTinyCheckpoint({ architecture: 'bert', hidden: 32, layers: 2, heads: 2, maxPositions: 40 }));
  return Object.fromEntries(['config.json', 'vocab.txt', 'model.safetensors'].map((f) => [f, readFileSync(path.join(dir, f))]));
}

/** Every file under `dir` (relative paths). */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

test(
  'a catalog model is downloaded from the mirror when the run starts, with progress on the dashboard and in a notification',
  { skip: skipUnless('setupPanel', 'dashboard', 'modelPicker'), timeout: testLimit(LIMIT_MS) },
  async () => {
    const mirror = await startModelMirror(REPO, modelFiles());
    try {
      await runScenario(
        '09-catalog-download',
        { files: (ws) => void writeTextCsv(ws, 80), settings: { 'fineTune.modelMirror': mirror.url }, timeoutMs: LIMIT_MS },
        async (s) => {
          const { page } = s;
          await waitForExtension(page);
          const panel = await openSetupPanel(page, DATASET);
          await panel.getByRole('region', { name: 'Data' }).getByText(/\d+ rows/).first().waitFor({ timeout: WAIT.ui });
          const models = panel.getByRole('region', { name: 'Base model' });
          await selectRadio(models.getByRole('radio', { name: `${REPO}, download ≈17.8 MB` }), s.log);
          await models.getByText(new RegExp(`it will be downloaded \\(≈17\\.8 MB\\) from ${mirror.url.replace(/\./g, '\\.')} when the run starts`)).waitFor({ timeout: WAIT.ui });
          const technique = panel.getByRole('region', { name: 'Technique' });
          assert.match(await technique.innerText(), /counted once the model is on this machine \(it is downloaded when the run starts\)/);
          await chooseTechnique(panel, 'LoRA');
          const start = startButton(panel);
          await eventually('Start enabled', async () => ((await start.isEnabled()) ? true : undefined), WAIT.ui);
          await s.shot('setup-catalog-model-to-download');
          await start.click();

          // The download shows on the dashboard's progress bar and in a notification.
          const dash = await dashboard(page);
          const progress = dash.getByText(new RegExp(`^Downloading the base model ${REPO}: model\\.safetensors \\(\\d of \\d\\), [\\d.]+ kB of [\\d.]+ kB`));
          await progress.waitFor({ timeout: WAIT.training });
          const toast = notification(page, new RegExp(`Fine-Tune: downloading ${REPO} for run`));
          await toast.waitFor({ timeout: WAIT.ui });
          // The toast's text follows the download (its accessible name keeps the first message).
          const toastText = await eventually(
            'the notification on the weights',
            async () => {
              const text = (await toast.innerText()).replace(/\s+/g, ' ');
              return /model\.safetensors \(file \d of \d\): [\d.]+ kB of [\d.]+ kB \(\d+%\)/.test(text) ? text : undefined;
            },
            WAIT.ui,
            200,
          );
          s.log(`dashboard: ${await progress.innerText()}`);
          s.log(`notification: ${toastText}`);
          await s.shot('dashboard-and-notification-downloading');

          await dashboardStatus(dash).filter({ hasText: /^Completed/ }).waitFor({ timeout: WAIT.training });
          await toast.waitFor({ state: 'detached', timeout: WAIT.ui });
          const log = await dash.getByRole('log', { name: 'Worker log' }).innerText();
          assert.match(log, new RegExp(`${REPO}: downloading from ${mirror.url.replace(/\./g, '\\.')} into .*globalStorage.*models-cache`));
          assert.match(log, /model\.safetensors \(\d\/\d\) .* done/);
          await s.shot('dashboard-completed-after-download');
          assert.ok(mirror.requests.includes(`/${REPO}/resolve/main/model.safetensors`));

          // Back in the setup panel, the model is now cached (in the extension's global storage).
          await editorTab(page, /^Fine-tune reviews\.csv/).first().click();
          const again = await webviewContent(page, /^Fine-tune reviews\.csv/);
          const cached = again.getByRole('region', { name: 'Base model' }).getByRole('radio', { name: `${REPO}, cached` });
          await cached.waitFor({ timeout: WAIT.ui });
          assert.match(await cached.innerText(), /cached in .*globalStorage.*models-cache/);
          await s.shot('setup-model-now-cached');
          const stored = filesUnder(path.join(s.workspace, '..', 'user-data', 'User', 'globalStorage'));
          s.log(`global storage: ${stored.join(', ')}`);
          assert.ok(stored.some((f) => /models-cache\/models\/prajjwal1--bert-tiny\/main\/model\.safetensors$/.test(f)), 'the model is in the global storage cache');
        },
      );
    } finally {
      await mirror.close();
    }
  },
);
