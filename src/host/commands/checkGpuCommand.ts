// finetune.checkGpu ("Fine-Tune: Check GPU Setup"): runs `finetune doctor --json` in a child process
// with the training worker's runtime and settings (so it sees what a run would see: VS Code's
// Electron or fineTune.nodePath, the backend setting, the software-adapter setting), shows its
// report as a Markdown preview, and hands the report to the setup panels, whose device line follows
// it (e.g. after the user installed a Vulkan driver and checked again).

import * as vscode from 'vscode';
import { doctorMarkdown } from '../../engine/doctor/doctorMarkdown';
import { parseDoctorReport } from '../../panels/deviceStatus';
import { rememberDoctorReport } from '../../panels/setupDevice';
import { runCliCommand } from '../cliProcess';
import type { CommandDeps } from './commandDeps';

export async function checkGpu(deps: CommandDeps): Promise<void> {
  const settings = deps.settings();
  const { stdout } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Checking the GPU setup (loads each backend and times one training step)…', cancellable: true },
    (_progress, token) =>
      runCliCommand({ cliScript: deps.cliScript, settings, token }, ['doctor', '--json']).catch((error: unknown) => {
        const text = error instanceof Error ? error.message : String(error);
        throw new Error(`The GPU check could not finish: ${text}`);
      }),
  );
  const report = parseDoctorReport(stdout);
  if (report === null) throw new Error('The GPU check printed a report that could not be read: reinstall the extension, or run `finetune doctor` in a terminal.');
  rememberDoctorReport(deps.services, settings, report);
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: doctorMarkdown(report) });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
}
