// Scenario 3: two finished runs → multi-select in the Runs tree → Compare Selected → the panel shows
// both columns and the Only Differences diff. The two runs are made beforehand with the installed
// extension's own `finetune` CLI, as a user of the CLI would have left them in the workspace.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { TABULAR_FILE, tabularWithOneBadRow } from './harness/datasets';
import { skipUnless } from './harness/features';
import { runItem, showRuns } from './harness/fineTune';
import { runScenario, testLimit } from './harness/session';
import { chooseFromContextMenu, editorTab, eventually, WAIT, waitForExtension, webviewContent } from './harness/workbench';

const LIMIT_MS = 3 * 60_000;

const run = promisify(execFile);
const RUNS = [
  { name: 'lora-5', args: ['--technique', 'lora'] },
  { name: 'full-5', args: ['--technique', 'full'] },
];

test(
  'compare two finished runs: both columns, and Only Differences shows what differs',
  { skip: skipUnless('runsTree', 'compare'), timeout: testLimit(LIMIT_MS) },
  () =>
    runScenario(
      '03-compare-runs',
      {
        files: (ws) => void tabularWithOneBadRow(ws),
        timeoutMs: LIMIT_MS,
        prepare: async ({ workspace, extensionDir }) => {
          const cli = path.join(extensionDir, 'dist', 'cli.js');
          for (const r of RUNS) {
            await run(process.execPath, [cli, 'train', TABULAR_FILE, ...r.args, '--epochs', '5', '--seed', '1', '--name', r.name], {
              cwd: workspace,
              timeout: 120_000,
            });
          }
        },
      },
      async (s) => {
        const { page } = s;
        await waitForExtension(page);
        await showRuns(page);
        const [first, second] = RUNS.map((r) => runItem(page, r.name, 'completed'));
        await first.waitFor({ timeout: WAIT.ui });
        await second.waitFor({ timeout: WAIT.ui });
        await s.shot('two-finished-runs');

        await first.click();
        await second.click({ modifiers: ['Control'] });
        assert.equal(await first.getAttribute('aria-selected'), 'true');
        assert.equal(await second.getAttribute('aria-selected'), 'true');
        await s.shot('both-selected');
        await chooseFromContextMenu(page, second, /^Compare Selected/);

        const title = /^Compare/;
        await editorTab(page, title).first().waitFor({ timeout: WAIT.ui });
        const panel = await webviewContent(page, title);
        for (const r of RUNS) await panel.getByRole('columnheader', { name: new RegExp(r.name) }).first().waitFor({ timeout: WAIT.ui });
        await s.shot('compare-panel');

        // Only Differences: the techniques differ and are shown; the epochs are equal and are hidden.
        const onlyDifferences = panel.getByRole('checkbox', { name: /Only Differences/i }).or(panel.getByRole('switch', { name: /Only Differences/i })).first();
        await onlyDifferences.waitFor({ timeout: WAIT.ui });
        const techniqueRow = panel.getByRole('rowheader', { name: /^technique$/i }).first();
        const epochsRow = panel.getByRole('rowheader', { name: /^epochs$/i }).first();
        const setOnlyDifferences = async (on: boolean): Promise<void> => {
          if (((await onlyDifferences.getAttribute('aria-checked')) === 'true') !== on) await onlyDifferences.click();
          await eventually(`Only Differences ${on ? 'on' : 'off'}`, async () => ((await onlyDifferences.getAttribute('aria-checked')) === String(on) ? true : undefined), WAIT.ui);
          await techniqueRow.waitFor({ timeout: WAIT.ui });
          await epochsRow.waitFor({ state: on ? 'hidden' : 'visible', timeout: WAIT.ui });
        };
        await setOnlyDifferences(true);
        await onlyDifferences.scrollIntoViewIfNeeded();
        await s.shot('only-differences');
        await setOnlyDifferences(false);
        await onlyDifferences.scrollIntoViewIfNeeded();
        await s.shot('all-settings');
        await setOnlyDifferences(true);
      },
    ),
);
