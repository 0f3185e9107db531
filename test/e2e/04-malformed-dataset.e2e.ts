// Scenario 4: a malformed dataset → the problems are shown and Start explains why it is disabled;
// nothing crashes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BROKEN_FILE, everyRowMalformed } from './harness/datasets';
import { skipUnless } from './harness/features';
import { openSetupPanel, showRunsView, startButton, startStatus } from './harness/fineTune';
import { runScenario, testLimit } from './harness/session';
import { editorTab, eventually, notification, waitForExtension, WAIT } from './harness/workbench';

const LIMIT_MS = 2 * 60_000;

test(
  'a malformed dataset: problems at their lines, Start disabled with the reason, nothing crashes',
  { skip: skipUnless('setupPanel'), timeout: testLimit(LIMIT_MS) },
  () =>
    runScenario('04-malformed-dataset', { files: (ws) => void everyRowMalformed(ws), timeoutMs: LIMIT_MS }, async (s) => {
      const { page } = s;
      await waitForExtension(page);
      const panel = await openSetupPanel(page, BROKEN_FILE);

      // The bad rows are listed as problems at their lines (data starts at line 2).
      const problems = panel.getByRole('region', { name: 'Data' }).getByRole('list', { name: /problems/i });
      await problems.waitFor({ timeout: WAIT.ui });
      await problems.getByRole('link', { name: /line 2\b/i }).waitFor({ timeout: WAIT.ui });
      assert.ok((await problems.getByRole('listitem').count()) >= 3, 'several problems listed');
      assert.match(await problems.innerText(), /fields where \d+ are expected/);

      // Start is disabled, and the sentence beside it says why.
      const start = startButton(panel);
      await start.scrollIntoViewIfNeeded();
      await eventually('Start disabled', async () => ((await start.isDisabled()) ? true : undefined), WAIT.ui);
      const why = startStatus(panel);
      const reason = await eventually('the reason Start is disabled', async () => {
        const text = (await why.innerText()).trim();
        return text.length > 0 && !/^Ready/i.test(text) && !/Reading/i.test(text) ? text : undefined;
      }, WAIT.ui);
      s.log(`Start is disabled: ${reason}`);
      await s.shot('setup-panel-start-disabled');

      // Clicking Start does nothing harmful: no run starts, no dashboard opens.
      await start.click({ force: true });
      await page.waitForTimeout(2_000);
      assert.equal(await editorTab(page, /— Dashboard$/).count(), 0, 'no dashboard opened');

      // A problem's line link opens the file at that line.
      await problems.getByRole('link', { name: /line 2\b/i }).click();
      await editorTab(page, new RegExp(`^${BROKEN_FILE.replace('.', '\\.')}`)).first().waitFor({ timeout: WAIT.ui });
      await page.getByRole('status').getByRole('button', { name: /Ln 2, Col/ }).waitFor({ timeout: WAIT.ui });
      await s.shot('file-opened-at-problem-line');

      // Nothing crashed: no error notification, no page error, and the extension still answers.
      assert.equal(await notification(page, /error|failed|crash/i).count(), 0, 'no error notification');
      assert.deepEqual(s.consoleLines.filter((l) => l.startsWith('[pageerror]')), [], 'no uncaught error in the page');
      await showRunsView(page);
      await s.shot('sidebar-still-working');
    }),
);
