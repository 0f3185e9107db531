// Scenario 10: an image folder from the Explorer. Right-click a folder without class sub-folders of
// images → "Fine-tune a Model on This Image Folder…" explains what an image dataset looks like. Right-click
// `shapes/` (left/ and right/ sub-folders of PNGs) → the setup panel: the folder read by the CLI in a
// child process (files, classes), the preview lists the files with their class, MobileNetV2 with
// feature extraction preselected, the device line → Start → the run completes on the dashboard.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { writeLeftRightFolder } from '../unit/images/imageFixtures';
import { skipUnless } from './harness/features';
import { dashboard, dashboardStatus, setField, startButton } from './harness/fineTune';
import { runScenario, testLimit } from './harness/session';
import { chooseFromContextMenu, eventually, explorerItem, notification, waitForExtension, WAIT, webviewContent } from './harness/workbench';

const LIMIT_MS = 4 * 60_000;
const MENU_ITEM = 'Fine-tune a Model on This Image Folder…';

test(
  'an image folder from the Explorer: checked, read by the CLI, MobileNetV2 features, the run completes',
  { skip: skipUnless('setupPanel', 'dashboard', 'modelPicker'), timeout: testLimit(LIMIT_MS) },
  () =>
    runScenario(
      '10-image-folder',
      {
        files: (ws) => {
          mkdirSync(path.join(ws, 'notes'));
          writeFileSync(path.join(ws, 'notes', 'readme.txt'), 'not images\n');
        },
        prepare: async ({ workspace }) => {
          await writeLeftRightFolder(path.join(workspace, 'shapes'), 12, 32);
        },
        timeoutMs: LIMIT_MS,
      },
      async (s) => {
        const { page } = s;
        await waitForExtension(page);

        // A folder that is not an image dataset: the command says what one looks like.
        await chooseFromContextMenu(page, explorerItem(page, 'notes'), MENU_ITEM);
        const warning = notification(page, /notes has no class sub-folders with images/);
        await warning.waitFor({ timeout: WAIT.ui });
        assert.match((await warning.getAttribute('aria-label')) ?? '', /one sub-folder per class, e\.g\. cats\/1\.jpg and dogs\/2\.jpg/);
        await page.waitForTimeout(800);
        await s.shot('not-an-image-folder');

        await chooseFromContextMenu(page, explorerItem(page, 'shapes'), MENU_ITEM);
        const panel = await webviewContent(page, /^Fine-tune shapes/);
        const data = panel.getByRole('region', { name: 'Data' });
        await data.getByText(/^Image folder · 24 files · 2 classes/).waitFor({ timeout: WAIT.training });
        const preview = panel.getByRole('region', { name: 'Preview' });
        await preview.getByText('left/left-00.png').first().waitFor({ timeout: WAIT.ui });
        assert.match(await data.innerText(), /label\s+categorical\s+label/, 'the label column is the class folder');
        await data.scrollIntoViewIfNeeded();
        await s.shot('setup-image-folder-data');
        const models = panel.getByRole('region', { name: 'Base model' });
        const mobileNet = models.getByRole('radio', { name: 'MobileNetV2 (recommended), built in' });
        await eventually('MobileNetV2 chosen', async () => ((await mobileNet.getAttribute('aria-checked')) === 'true' ? true : undefined), WAIT.ui);
        const features = panel.getByRole('region', { name: 'Technique' }).getByRole('radio', { name: 'Feature extraction', exact: true });
        await eventually('feature extraction preselected', async () => ((await features.getAttribute('aria-checked')) === 'true' ? true : undefined), WAIT.ui);
        const device = panel.locator('#device-line');
        await eventually('the device line', async () => (/checking/.test(await device.innerText()) ? undefined : true), WAIT.ui);
        assert.match((await device.innerText()).replace(/\s+/g, ' '), /^Device: (GPU — |CPU )/);
        assert.equal(await models.getByRole('button', { name: 'Choose a Local Folder…' }).isVisible(), false, 'images train on MobileNetV2 only');
        await setField(panel, 'Epochs', '5');
        const start = startButton(panel);
        await eventually('Start enabled', async () => ((await start.isEnabled()) ? true : undefined), WAIT.ui);
        await models.scrollIntoViewIfNeeded();
        await s.shot('setup-image-folder');
        await start.click();

        const dash = await dashboard(page);
        await dashboardStatus(dash).filter({ hasText: /^Completed/ }).waitFor({ timeout: WAIT.training });
        const header = await dash.getByRole('main').innerText();
        assert.match(header, /Feature extraction/);
        assert.match(header, /mobilenet_v2/i);
        await s.shot('dashboard-image-run-completed');
      },
    ),
);
