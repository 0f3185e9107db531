// Scenario 8: a local Hugging Face model in the setup panel. The workspace holds a text CSV and a tiny
// random BERT checkpoint (config.json, model.safetensors, vocab.txt) written by the unit tests' helper.
// Right-click the CSV → the model picker lists the catalog's models (size, licence, "download" since
// nothing is cached) and the device line says which device runs use → choosing a catalog model shows
// that it would be downloaded → "Choose a Local Folder…" → the BERT folder (typed into VS Code's folder
// dialog) → LoRA → Start → the dashboard shows the run complete, on the device the panel announced.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { writeTextCsv } from '../unit/helpers/fixtures';
import { makeTinyCheckpoint, writeTinyCheckpoint } from '../unit/hf/tinyHfCheckpoint';
import { skipUnless } from './harness/features';
import { chooseTechnique, dashboard, dashboardStatus, openSetupPanel, selectRadio, startButton } from './harness/fineTune';
import { runScenario, testLimit } from './harness/session';
import { eventually, quickInput, quickInputBox, quickPickOption, waitForExtension, WAIT } from './harness/workbench';

const LIMIT_MS = 4 * 60_000;
const DATASET = 'reviews.csv';
const MODEL_FOLDER = 'tiny-bert';

test(
  'a local Hugging Face folder in the setup panel: catalog listed, device shown, LoRA run completes on the dashboard',
  { skip: skipUnless('setupPanel', 'dashboard', 'modelPicker'), timeout: testLimit(LIMIT_MS) },
  () =>
    runScenario(
      '08-hugging-face-folder',
      {
        files: (ws) => {
          writeTextCsv(ws, 80);
          writeTinyCheckpoint(path.join(ws, MODEL_FOLDER), makeTinyCheckpoint({ architecture: 'bert', hidden: 16, layers: 2, heads: 2, maxPositions: 40 }));
        },
        timeoutMs: LIMIT_MS,
      },
      async (s) => {
        const { page } = s;
        await waitForExtension(page);
        const panel = await openSetupPanel(page, DATASET);
        await panel.getByRole('region', { name: 'Data' }).getByText(/\d+ rows/).first().waitFor({ timeout: WAIT.ui });

        // The picker: built-in models and the catalog's, each with its size and whether it downloads.
        const models = panel.getByRole('region', { name: 'Base model' });
        const tiny = models.getByRole('radio', { name: /^prajjwal1\/bert-tiny, download ≈17\.8 MB$/ });
        await tiny.waitFor({ timeout: WAIT.ui });
        for (const id of ['nn-sentiment (recommended), built in', /^sentence-transformers\/all-MiniLM-L6-v2, download/, /^roberta-base, download ≈501 MB$/, 'MLP, built for your data']) {
          await models.getByRole('radio', { name: id }).waitFor({ timeout: WAIT.ui });
        }
        assert.match(await models.innerText(), /4\.4M parameters, ≈17\.8 MB, licence MIT/);

        // The device line near Start: computed once in the background by `finetune doctor --quick`.
        const device = panel.locator('#device-line');
        const deviceText = await eventually(
          'the device line',
          async () => {
            const text = (await device.innerText()).replace(/\s+/g, ' ').trim();
            return /checking/.test(text) ? undefined : text;
          },
          WAIT.ui,
        );
        s.log(`device line: ${deviceText}`);
        assert.match(deviceText, /^Device: (GPU — .+ \((WebGPU|CUDA through tfjs-node-gpu)\)|CPU \(WebAssembly\) — .+) Check GPU Setup$/);
        assert.equal(await device.getByRole('link', { name: 'Check GPU Setup' }).count(), 1);

        // Choosing an uncached catalog model says it will be downloaded when the run starts.
        await selectRadio(tiny, s.log);
        const notice = models.getByText(/is not on this machine yet: it will be downloaded \(≈17\.8 MB\) from https:\/\/huggingface\.co when the run starts/);
        await notice.waitFor({ timeout: WAIT.ui });
        await models.scrollIntoViewIfNeeded();
        await s.shot('setup-model-picker-catalog-download');

        // A local Hugging Face folder, typed into VS Code's folder dialog.
        const folder = path.join(s.workspace, MODEL_FOLDER);
        await models.getByRole('button', { name: 'Choose a Local Folder…' }).click();
        const box = quickInputBox(page);
        await box.waitFor({ timeout: WAIT.ui });
        // Typing the folder with a trailing slash moves the dialog into it (it lists only "..": a folder dialog hides
        // files); its OK button ("Use This Model") then takes that folder.
        // The dialog fills in its starting folder once it has listed it: type only after that, and again should it overwrite us.
        await eventually('the dialog ready', async () => ((await box.inputValue()).startsWith('/') ? true : undefined), WAIT.ui, 200);
        await eventually(
          'the dialog in the model folder',
          async () => {
            if ((await box.inputValue()) !== `${folder}/`) {
              await box.fill(`${folder}/`);
              await page.waitForTimeout(800);
              return undefined;
            }
            return (await quickPickOption(page, /^\.\.$/).count()) > 0 ? true : undefined;
          },
          WAIT.ui,
          300,
        );
        await page.waitForTimeout(500);
        await quickInput(page).getByRole('button', { name: 'Use This Model' }).first().click();
        const local = models.getByRole('radio', { name: `${MODEL_FOLDER}, Hugging Face folder` });
        await local.waitFor({ timeout: WAIT.ui });
        await eventually('the local folder chosen', async () => ((await local.getAttribute('aria-checked')) === 'true' ? true : undefined), WAIT.ui);
        assert.match(await models.innerText(), /Local Hugging Face BERT model \(2 layers, hidden 16, vocabulary \d+\), reads text/);
        assert.equal(await notice.count(), 0, 'no download for a local folder');

        await chooseTechnique(panel, 'LoRA');
        // The counts come from a worker that builds the BERT model with LoRA on its query and value projections.
        const lora = panel.getByRole('region', { name: 'Technique' }).getByRole('radio', { name: 'LoRA', exact: true });
        await eventually('LoRA counted', async () => (/[\d,]+ trainable of [\d,]+ parameters/.test(await lora.innerText()) ? true : undefined), WAIT.training, 500);
        const start = startButton(panel);
        await eventually('Start enabled', async () => ((await start.isEnabled()) ? true : undefined), WAIT.ui);
        await start.scrollIntoViewIfNeeded();
        await s.shot('setup-local-hf-folder-lora-device');
        await start.click();

        const dash = await dashboard(page);
        await dashboardStatus(dash).filter({ hasText: /^Completed/ }).waitFor({ timeout: WAIT.training });
        const header = await dash.getByRole('main').innerText();
        s.log(`dashboard header: ${header.slice(0, 600).replace(/\s+/g, ' ')}`);
        assert.match(header, new RegExp(`Model\\s+${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i'));
        // The device the panel announced is the one the run used.
        const expected = deviceText.startsWith('Device: GPU') ? /GPU \((WebGPU|CUDA)\)/ : /CPU \(WebAssembly\)/;
        assert.match(header, expected);
        await s.shot('dashboard-completed-device');
      },
    ),
);
