// The extension inside a real VS Code extension host: commands, a real training run through the
// training service, the Runs tree over the fixture runs folder, and the Compare Runs panel.

/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import { readFixtureInfo } from '../fixtureInfo';
import { fineTuneApi, waitFor } from './extensionApi';

const fixture = readFixtureInfo();

async function runStatus(runsDir: string, runId: string): Promise<string> {
  const value: unknown = JSON.parse(await readFile(path.join(runsDir, runId, 'run.json'), 'utf8'));
  const status = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).status : undefined;
  return typeof status === 'string' ? status : 'unknown';
}

function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
}

suite('Fine-Tune in the extension host', () => {
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the workspace is the fixture folder and the extension activates', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(path.resolve(folders[0].uri.fsPath), path.resolve(fixture.workspace));
    const api = await fineTuneApi();
    assert.equal(api.runsDirFor(), path.resolve(fixture.runsDir));
  });

  test('its commands are registered', async () => {
    await fineTuneApi();
    const commands = new Set(await vscode.commands.getCommands(true));
    const expected = [
      'finetune.dataset.fineTune',
      'finetune.dataset.quickStart',
      'finetune.dataset.sweep',
      'finetune.runs.refresh',
      'finetune.runs.compare',
      'finetune.run.openDashboard',
      'finetune.run.stop',
      'finetune.run.resume',
      'finetune.run.extend',
      'finetune.run.duplicate',
      'finetune.run.rename',
      'finetune.run.delete',
      'finetune.run.reveal',
      'finetune.checkpoint.evaluate',
      'finetune.checkpoint.tryIt',
      'finetune.checkpoint.export',
      'finetune.checkpoint.resume',
    ];
    const missing = expected.filter((command) => !commands.has(command));
    assert.deepEqual(missing, [], `missing commands: ${missing.join(', ')}`);
  });

  test('the Runs tree shows the runs of the fixture runs folder', async () => {
    const api = await fineTuneApi();
    await vscode.commands.executeCommand('finetune.runs.refresh');
    const shown = await waitFor('the fixture runs in the Runs tree', async () => {
      const runs = await api.shownRuns();
      return fixture.runIds.every((id) => runs.some((run) => run.runId === id)) ? runs : undefined;
    });
    for (const run of shown) assert.equal(path.resolve(run.runsDir), path.resolve(fixture.runsDir));
  });

  test('a run started on the fixture dataset trains to completion and appears in the Runs tree', async () => {
    const api = await fineTuneApi();
    // What Start in the setup panel (opened by the context-menu command) does: the training service.
    const config = makeTrainConfig(fixture.dataset, { model: 'mlp', technique: 'full', epochs: 2, batchSize: 16, backend: 'cpu' });
    const runId = await api.training.startRun(fixture.runsDir, config, 'integration');
    const status = await waitFor(
      'the run to finish',
      async () => {
        const current = await runStatus(fixture.runsDir, runId);
        return current === 'completed' || current === 'failed' || current === 'stopped' ? current : undefined;
      },
      150_000,
    );
    assert.equal(status, 'completed', `run ${runId} ended ${status} (see ${path.join(fixture.runsDir, runId, 'worker.log')})`);
    // run.json says completed before the worker process has exited and the service let go of the run.
    await waitFor('the training service to release the run', () => (api.training.activityOf(runId) === null ? true : undefined), 30_000);
    await vscode.commands.executeCommand('finetune.runs.refresh');
    await waitFor('the new run in the Runs tree', async () => ((await api.shownRuns()).some((run) => run.runId === runId) ? true : undefined));
  });

  test('the context-menu command opens the setup panel on the dataset', async () => {
    await vscode.commands.executeCommand('finetune.dataset.fineTune', vscode.Uri.file(fixture.dataset));
    await waitFor('a setup panel tab', () => (vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview)) ? true : undefined), 20_000);
  });

  test('Compare Selected opens the Compare Runs panel for two runs', async () => {
    await fineTuneApi();
    const [first, second] = fixture.runIds.map((runId) => ({ runsDir: fixture.runsDir, runId }));
    await vscode.commands.executeCommand('finetune.runs.compare', first, [first, second]);
    await waitFor('a "Compare Runs (2)" tab', () => (tabLabels().includes('Compare Runs (2)') ? true : undefined), 20_000);
  });
});
