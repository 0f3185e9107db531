// The sweep command's questions: which techniques (a multi-select with all four checked), then
// optional grids of learning rates and LoRA ranks (empty = the defaults).

import * as vscode from 'vscode';
import type { TechniqueName } from '../../protocol/configTypes';
import type { SweepAxis } from '../../protocol/sweepTypes';
import { gridAxisOf, gridInputError } from './sweepGridInput';
import { techniqueItems } from './techniqueChoices';

/** The techniques to train, in the order shown; undefined when cancelled or none was picked. */
export async function pickSweepTechniques(title: string): Promise<TechniqueName[] | undefined> {
  const items = techniqueItems('lora', '').map((item) => ({ ...item, description: undefined, picked: true }));
  const picked = await vscode.window.showQuickPick(items, {
    title,
    canPickMany: true,
    placeHolder: 'Techniques to train on the same split and seed, one after another',
  });
  if (!picked) return undefined;
  if (picked.length === 0) {
    void vscode.window.showWarningMessage('Fine-Tune: pick at least one technique for the sweep.');
    return undefined;
  }
  return picked.map((item) => item.technique);
}

/** The grid axes; [] when both boxes are left empty, undefined when cancelled. */
export async function askSweepGrid(techniques: readonly TechniqueName[], title: string): Promise<SweepAxis[] | undefined> {
  const lr = await vscode.window.showInputBox({
    title,
    prompt: "Learning rates to try, separated by commas; leave empty for each technique's default.",
    placeHolder: 'e.g. 1e-3, 3e-3',
    validateInput: (text) => gridInputError('lr', text),
  });
  if (lr === undefined) return undefined;
  const axes: SweepAxis[] = [];
  const lrAxis = gridAxisOf('lr', lr);
  if (lrAxis) axes.push(lrAxis);
  if (techniques.includes('lora')) {
    const rank = await vscode.window.showInputBox({
      title,
      prompt: 'LoRA ranks to try, separated by commas; leave empty for rank 8.',
      placeHolder: 'e.g. 4, 8, 16',
      validateInput: (text) => gridInputError('rank', text),
    });
    if (rank === undefined) return undefined;
    const rankAxis = gridAxisOf('rank', rank);
    if (rankAxis) axes.push(rankAxis);
  }
  return axes;
}
