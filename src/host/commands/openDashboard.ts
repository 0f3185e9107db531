// Opens a run's dashboard (the command is registered by the dashboard panel).

import * as vscode from 'vscode';
import { describeError } from '../../engine/userError';
import type { RunRef } from '../extensionServices';

export const OPEN_DASHBOARD = 'finetune.run.openDashboard';

export async function openDashboard(ref: RunRef, output: vscode.OutputChannel): Promise<void> {
  try {
    await vscode.commands.executeCommand(OPEN_DASHBOARD, { runsDir: ref.runsDir, runId: ref.runId });
  } catch (error) {
    output.appendLine(`could not open the dashboard of ${ref.runId}: ${describeError(error)}`);
  }
}
