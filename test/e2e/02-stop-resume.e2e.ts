// Scenario 2: start a run, Stop it from the Runs tree, Resume it; it completes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TABULAR_FILE, tabularWithOneBadRow } from './harness/datasets';
import { skipUnless } from './harness/features';
import { chooseTechnique, dashboard, dashboardStatus, openSetupPanel, runItem, setField, showRuns, startButton, waitForDatasetRead } from './harness/fineTune';
import { runScenario, testLimit } from './harness/session';
import { chooseFromContextMenu, eventually, waitForExtension, WAIT } from './harness/workbench';

const LIMIT_MS = 3.5 * 60_000;

// Long enough to be stopped while it trains (about 15 epochs/s here), short enough to finish quickly.
const EPOCHS = 400;
const RUN = `${TABULAR_FILE} · lora`;

function epochOf(label: string | null): number | null {
  const m = /epoch (\d+)\/(\d+)/.exec(label ?? '');
  return m ? Number(m[1]) : null;
}

test(
  'stop a training run from the Runs tree, resume it, and it completes',
  { skip: skipUnless('setupPanel', 'dashboard', 'runsTree'), timeout: testLimit(LIMIT_MS) },
  () =>
    runScenario('02-stop-resume', { files: (ws) => void tabularWithOneBadRow(ws), timeoutMs: LIMIT_MS }, async (s) => {
      const { page } = s;
      await waitForExtension(page);
      const panel = await openSetupPanel(page, TABULAR_FILE);
      await waitForDatasetRead(panel);
      await chooseTechnique(panel, 'LoRA');
      await setField(panel, 'Epochs', String(EPOCHS));
      await setField(panel, 'Early-stopping patience', '0');
      await startButton(panel).click();
      await dashboard(page);

      await showRuns(page);
      const running = runItem(page, RUN, 'running');
      await running.waitFor({ timeout: WAIT.training });
      const epochBeforeStop = await eventually('a few epochs trained', async () => {
        const epoch = epochOf(await running.getAttribute('aria-label'));
        return epoch !== null && epoch >= 3 ? epoch : undefined;
      }, WAIT.training, 250);
      s.log(`stopping at epoch ${epochBeforeStop}`);
      await s.shot('runs-tree-running');

      await chooseFromContextMenu(page, running, /^Stop$/);
      const stopped = runItem(page, RUN, 'stopped');
      await stopped.waitFor({ timeout: WAIT.training });
      await s.shot('runs-tree-stopped');
      const dashStopped = await dashboard(page);
      const stoppedText = await dashboardStatus(dashStopped).innerText();
      assert.match(stoppedText, /Stopped/);
      const resumeStep = /from step ([\d,]+)/.exec(stoppedText);
      s.log(`dashboard says: ${stoppedText}`);
      if (resumeStep) assert.ok(Number(resumeStep[1].replace(/,/g, '')) > 0, 'the stopped run has a checkpoint to resume from');
      await s.shot('dashboard-stopped');

      await showRuns(page);
      await chooseFromContextMenu(page, stopped, /^Resume$/);
      const completed = runItem(page, RUN, 'completed');
      await completed.waitFor({ timeout: WAIT.training });
      await s.shot('runs-tree-completed-after-resume');

      const dash = await dashboard(page);
      await dashboardStatus(dash).filter({ hasText: /^Completed/ }).waitFor({ timeout: WAIT.ui });
      await dash.getByText(new RegExp(`${EPOCHS} epochs`)).first().waitFor({ timeout: WAIT.ui });
      await s.shot('dashboard-completed-after-resume');
      // The run's actions follow its status: a completed run can be extended, not stopped.
      const actions = dash.getByRole('group', { name: 'Run actions' });
      await actions.getByRole('button', { name: 'Extend' }).waitFor({ timeout: WAIT.ui });
      assert.equal(await actions.getByRole('button', { name: 'Stop', exact: true }).count(), 0, 'no Stop button on a completed run');
    }),
);
