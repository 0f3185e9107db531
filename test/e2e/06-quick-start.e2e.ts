// The keyboard path: open the CSV; Command Palette → "Fine-Tune: Fine-tune with Defaults (Quick Pick)…"
// → base model and technique in quick picks → the run trains with the defaults (a 60-row CSV trains in
// seconds) → a notification reports the test metric; the Runs tree lists the run; the Problems panel
// shows the bad row at its line → Open Report shows the run's report.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAD_ROW_LINE, TABULAR_FILE, tabularWithOneBadRow } from './harness/datasets';
import { skipUnless } from './harness/features';
import { runItem, showRuns } from './harness/fineTune';
import { runScenario, testLimit } from './harness/session';
import {
  editorTab,
  explorerItem,
  notification,
  notificationButton,
  openProblems,
  quickInput,
  quickPickOption,
  runCommand,
  waitForExtension,
  WAIT,
  webviewContent,
} from './harness/workbench';

const LIMIT_MS = 2.5 * 60_000;

test('quick start from the Command Palette: problems at their line, defaults, notification, report', { skip: skipUnless('quickStart'), timeout: testLimit(LIMIT_MS) }, () =>
  runScenario('06-quick-start', { files: (ws) => void tabularWithOneBadRow(ws), timeoutMs: LIMIT_MS }, async (s) => {
    const { page } = s;
    await waitForExtension(page);

    // The user opens the dataset; the quick start uses the active editor's file.
    await explorerItem(page, TABULAR_FILE).dblclick();
    await editorTab(page, new RegExp(`^${TABULAR_FILE.replace('.', '\\.')}`)).first().waitFor({ timeout: WAIT.ui });
    await s.shot('dataset-open');
    await runCommand(page, 'Fine-Tune: Fine-tune with Defaults (Quick Pick)…');
    await quickInput(page).waitFor({ timeout: WAIT.ui });
    await s.shot('quick-pick-model');
    await quickPickOption(page, /^MLP/).first().click();
    const lora = quickPickOption(page, /^LoRA/).first();
    await lora.waitFor({ timeout: WAIT.ui });
    await s.shot('quick-pick-technique');
    await lora.click();

    const finished = notification(page, /finished: test (accuracy|R²)/);
    await finished.waitFor({ timeout: WAIT.training });
    s.log(`notification: ${await finished.getAttribute('aria-label')}`);
    await s.shot('finished-notification');

    await showRuns(page);
    await runItem(page, `${TABULAR_FILE} · lora`, 'completed').waitFor({ timeout: WAIT.ui });

    // The dataset's problem is in the Problems panel, at its line. (The extension activates on its
    // commands and views, so the diagnostics appear once it is active, not when the CSV is first opened.)
    const problems = await openProblems(page);
    const marker = problems.getByRole('treeitem', { name: new RegExp(`at line ${BAD_ROW_LINE} and character`) });
    await marker.waitFor({ timeout: WAIT.ui });
    assert.match((await marker.getAttribute('aria-label')) ?? '', /3 fields where 6 are expected/);
    await s.shot('problems-panel-bad-row');

    await notificationButton(finished, 'Open Report').click();
    const report = await webviewContent(page, /report\.md/);
    await report.getByRole('heading', { level: 1, name: new RegExp(`${TABULAR_FILE.replace('.', '\\.')} · lora`) }).waitFor({ timeout: WAIT.ui });
    await s.shot('report');
  }),
);
