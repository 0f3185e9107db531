// Scenario 5: an untrusted workspace → training is refused with the explanation; browsing still works.
// The user opens a folder, answers "No, I don't trust the authors", and tries to fine-tune the CSV.

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { TABULAR_FILE, tabularWithOneBadRow } from './harness/datasets';
import { FINE_TUNE_MENU_ITEM, showRunsView, startButton, startStatus } from './harness/fineTune';
import { runScenario, testLimit } from './harness/session';
import { contextMenu, editorTab, escapeRegExp, explorerItem, notification, waitForExtension, WAIT, webviewContent } from './harness/workbench';

const LIMIT_MS = 2 * 60_000;

const UNTRUSTED = /untrusted|not trusted|trust (this|the) (workspace|folder)/i;

test('an untrusted workspace: training is refused with the explanation, browsing still works', { timeout: testLimit(LIMIT_MS) }, () =>
  runScenario(
    '05-untrusted-workspace',
    {
      files: (ws) => void tabularWithOneBadRow(ws),
      settings: { 'security.workspace.trust.enabled': true },
      waitForExplorer: false,
      timeoutMs: LIMIT_MS,
    },
    async (s) => {
      const { page } = s;
      const trustDialog = page.getByRole('dialog', { name: /Do you trust the authors/ });
      await trustDialog.waitFor({ timeout: WAIT.workbench });
      await s.shot('trust-question');
      await trustDialog.getByRole('button', { name: "No, I don't trust the authors" }).click();
      await page.getByRole('status').getByRole('button', { name: /^Restricted Mode/ }).waitFor({ timeout: WAIT.ui });
      await waitForExtension(page);

      // Right-click the dataset: the Fine-tune item is there.
      const item = contextMenu(page).getByRole('menuitem', { name: FINE_TUNE_MENU_ITEM });
      await explorerItem(page, TABULAR_FILE).click({ button: 'right' });
      await item.waitFor({ timeout: WAIT.ui });
      // Let the trust context keys settle, then read the item's state from a freshly opened menu.
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2_000);
      await explorerItem(page, TABULAR_FILE).click({ button: 'right' });
      await item.waitFor({ timeout: WAIT.ui });
      const disabled = (await item.getAttribute('aria-disabled')) === 'true';
      await s.shot(disabled ? 'menu-item-disabled' : 'menu-item-enabled');

      if (!disabled) {
        // The command runs and refuses: a warning, or the setup panel with Start disabled and the reason.
        await item.click();
        const warning = notification(page, UNTRUSTED);
        const setupTab = editorTab(page, new RegExp(`^Fine-tune ${escapeRegExp(TABULAR_FILE)}`));
        await warning.or(setupTab).first().waitFor({ timeout: WAIT.ui });
        if (await setupTab.count()) {
          const panel = await webviewContent(page, new RegExp(`^Fine-tune ${escapeRegExp(TABULAR_FILE)}`));
          const start = startButton(panel);
          await start.waitFor({ timeout: WAIT.ui });
          await start.scrollIntoViewIfNeeded();
          assert.ok(await start.isDisabled(), 'Start is disabled in an untrusted workspace');
          await startStatus(panel).filter({ hasText: UNTRUSTED }).waitFor({ timeout: WAIT.ui });
          s.log(`setup panel says: ${await startStatus(panel).innerText()}`);
        } else {
          s.log(`warning: ${await warning.first().getAttribute('aria-label')}`);
        }
        await s.shot('training-refused-with-explanation');
      } else {
        // The item is greyed out. VS Code's own explanation: Restricted Mode → "N extensions" → the
        // extension's page shows its untrusted-workspace description.
        await page.keyboard.press('Escape');
        await page.getByRole('status').getByRole('button', { name: /^Restricted Mode/ }).click();
        await page.getByRole('button', { name: /^\d+ extensions?$/ }).click();
        const entry = page.getByRole('list', { name: 'Extensions' }).getByRole('listitem', { name: /^Fine-Tune,/ });
        await entry.waitFor({ timeout: WAIT.ui });
        await entry.click();
        await editorTab(page, 'Extension: Fine-Tune').waitFor({ timeout: WAIT.ui });
        const explanation = page.getByText(/disabled in untrusted workspaces/i).first();
        await explanation.waitFor({ timeout: WAIT.ui });
        s.log(`extension page says: ${await explanation.innerText()}`);
        await s.shot('extension-page-explains-restricted-mode');
      }

      // No run was started, and browsing still works: the Fine-Tune sidebar opens.
      const runsDir = path.join(s.workspace, '.finetune', 'runs');
      assert.deepEqual(existsSync(runsDir) ? readdirSync(runsDir) : [], [], 'no run folder was created');
      await showRunsView(page);
      await s.shot('sidebar-browsing-works');
    },
  ),
);
