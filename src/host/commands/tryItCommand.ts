// finetune.checkpoint.tryIt: type a text (text runs) or a JSON object of column values (tabular
// runs); `finetune predict` runs in a short-lived child process and the prediction is shown with
// its probabilities.

import * as vscode from 'vscode';
import { UserError } from '../../engine/userError';
import type { RunRecord } from '../../protocol/runTypes';
import { runCliCommand } from '../cliProcess';
import type { CheckpointRef } from '../extensionServices';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { formatProbabilities, parsePrediction } from './cliOutput';
import { columnsTemplate, validateColumnsJson } from './inputValidation';

const TRY_ANOTHER = 'Try Another';
/** The last input per run, offered again. */
const lastInputs = new Map<string, string>();

function askInput(record: RunRecord, checkpoint: string, previous: string | undefined): Thenable<string | undefined> {
  const dataset = record.dataset;
  if (!dataset) throw new UserError(`"${record.name}" has no trained model yet.`, { hint: 'Wait for its first checkpoint.' });
  const title = `Try "${record.name}" (${checkpoint})`;
  if (dataset.text !== null) {
    return vscode.window.showInputBox({
      title,
      prompt: `Type a text; the model predicts its ${dataset.label}.`,
      value: previous,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() === '' ? 'Type some text.' : null),
    });
  }
  return vscode.window.showInputBox({
    title,
    prompt: `A JSON object of the columns ${dataset.features.join(', ')}; the model predicts ${dataset.label}.`,
    value: previous ?? columnsTemplate(dataset.features),
    ignoreFocusOut: true,
    validateInput: (text) => validateColumnsJson(text, dataset.features),
  });
}

export async function tryCheckpoint(deps: CommandDeps, ref: CheckpointRef): Promise<void> {
  if (!requireTrust('Trying a model')) return;
  const store = deps.storeFor(ref.runsDir);
  const record = await store.readRun(ref.runId);
  for (;;) {
    const input = await askInput(record, ref.checkpoint, lastInputs.get(ref.runId));
    if (input === undefined) return;
    lastInputs.set(ref.runId, input);
    const { stdout } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Predicting with "${record.name}" (${ref.checkpoint})…`, cancellable: true },
      (_progress, token) =>
        runCliCommand(
          { cliScript: deps.cliScript, settings: deps.settings(), cwd: store.runDir(ref.runId), token },
          ['predict', '--json', '--checkpoint', ref.checkpoint, '--runs-dir', ref.runsDir, '--', ref.runId, input],
        ),
    );
    const result = parsePrediction(stdout);
    const label = record.dataset?.label ?? 'label';
    const probabilities = result.probabilities ? ` (${formatProbabilities(result.probabilities)})` : '';
    const shown = typeof result.prediction === 'number' ? result.prediction.toPrecision(6) : result.prediction;
    deps.services.output.appendLine(`[${ref.runId}] try it (${ref.checkpoint}): ${input} → ${shown}${probabilities}`);
    const again = await vscode.window.showInformationMessage(`Predicted ${label}: ${shown}${probabilities}`, TRY_ANOTHER);
    if (again !== TRY_ANOTHER) return;
  }
}
