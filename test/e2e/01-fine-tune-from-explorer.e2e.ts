// Scenario 1: right-click the CSV in the Explorer → Fine-tune a Model on This Dataset… → the setup
// panel shows the columns and a problem at its line → choose LoRA → Start → the dashboard's curves
// grow → the run completes → the Runs tree shows it with its metric; its Checkpoints node lists the
// best checkpoint.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAD_ROW_LINE, TABULAR_FILE, tabularWithOneBadRow } from './harness/datasets';
import { skipUnless } from './harness/features';
import {
  checkpointsTree,
  chooseTechnique,
  dashboard,
  dashboardStatus,
  expand,
  lossCurveStep,
  openSetupPanel,
  runItem,
  setField,
  showRuns,
  startButton,
  waitForDatasetRead,
} from './harness/fineTune';
import { runScenario, testLimit } from './harness/session';
import { eventually, waitForExtension, WAIT } from './harness/workbench';

const LIMIT_MS = 3.5 * 60_000;

const EPOCHS = '150';

test(
  'fine-tune a dataset from the Explorer: setup panel, LoRA, live dashboard, Runs and Checkpoints trees',
  { skip: skipUnless('setupPanel', 'dashboard', 'runsTree'), timeout: testLimit(LIMIT_MS) },
  () =>
    runScenario('01-fine-tune-from-explorer', { files: (ws) => void tabularWithOneBadRow(ws), timeoutMs: LIMIT_MS }, async (s) => {
      const { page } = s;
      await waitForExtension(page);
      await s.shot('workbench');

      const panel = await openSetupPanel(page, TABULAR_FILE);
      const data = await waitForDatasetRead(panel);
      const columns = data.getByRole('table', { name: /Columns/ });
      for (const column of ['f1', 'f2', 'f3', 'f4', 'colour', 'label']) {
        await columns.getByRole('rowheader', { name: column, exact: true }).waitFor({ timeout: WAIT.ui });
      }
      const problems = data.getByRole('list', { name: /problems/i });
      const badLine = problems.getByRole('link', { name: new RegExp(`line ${BAD_ROW_LINE}\\b`, 'i') });
      await badLine.waitFor({ timeout: WAIT.ui });
      assert.match(await problems.innerText(), /3 fields where 6 are expected/);
      await s.shot('setup-panel-columns-and-problem');

      await chooseTechnique(panel, 'LoRA');
      await setField(panel, 'Epochs', EPOCHS);
      await setField(panel, 'Early-stopping patience', '0');
      const start = startButton(panel);
      await eventually('Start enabled', async () => ((await start.isEnabled()) ? true : undefined), WAIT.ui);
      await start.scrollIntoViewIfNeeded();
      await s.shot('setup-panel-lora-ready');
      await start.click();

      // The dashboard opens and its curves grow while the run trains: the Loss chart's last step is
      // read every 250 ms until two different steps have been seen.
      const dash = await dashboard(page);
      const seen: number[] = [];
      await eventually('the loss curve grows', async () => {
        const step = await lossCurveStep(dash);
        if (step !== null && step > 0 && !seen.includes(step)) {
          seen.push(step);
          if (seen.length === 1) await s.shot('dashboard-training');
        }
        return seen.length >= 2 ? true : undefined;
      }, WAIT.training, 250);
      s.log(`loss curve steps seen: ${seen.join(', ')}`);
      assert.ok(seen[1] > seen[0], 'the curve grows');

      await dashboardStatus(dash).filter({ hasText: /^Completed/ }).waitFor({ timeout: WAIT.training });
      await s.shot('dashboard-completed');

      // The Runs tree lists the run as completed, with its metric.
      await showRuns(page);
      const run = runItem(page, `${TABULAR_FILE} · lora`, 'completed');
      await run.waitFor({ timeout: WAIT.ui });
      assert.match((await run.getAttribute('aria-label')) ?? '', /(loss|accuracy|F1) \d/i);
      await s.shot('runs-tree-completed');

      // Its Checkpoints node lists the best checkpoint.
      const node = checkpointsTree(page).getByRole('treeitem', { name: new RegExp(`^${TABULAR_FILE} · lora`) });
      await expand(node);
      await checkpointsTree(page).getByRole('treeitem', { name: /^checkpoint .*best/ }).first().waitFor({ timeout: WAIT.ui });
      await s.shot('checkpoints-best');
    }),
);
