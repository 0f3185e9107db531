// finetune resume <run> [--epochs N]: continue a stopped or interrupted run exactly, or extend
// a finished one by N more epochs.

import { flag, numberOption, requirePositional } from '../cliArgs';
import { printerOf, storeOf, type CliContext } from '../cliContext';
import { runAndWatch } from '../runAndWatch';
import { finishMessage } from './finishMessage';
import { UserError } from '../../engine/userError';

export async function resumeCommand(ctx: CliContext): Promise<number> {
  const store = storeOf(ctx);
  const run = await store.resolveRun(requirePositional(ctx.cli, 0, 'the run', 'finetune resume <run> [--epochs N]'));
  const extra = numberOption(ctx.cli, 'epochs', { integer: true, min: 1, max: 10000 }) ?? 0;
  if (run.status === 'running') throw new UserError(`Run ${run.id} is running (pid ${run.pid}).`, { hint: 'Stop it first, or wait for it to finish.' });
  if (run.status === 'completed' && extra === 0) {
    throw new UserError(`Run ${run.id} has already completed.`, { hint: `Train it further with: finetune resume ${run.id} --epochs N` });
  }
  if (!flag(ctx.cli, 'json')) ctx.err(`resuming run ${run.id}${extra ? ` for ${extra} more epoch${extra > 1 ? 's' : ''}` : ''}\n`);
  const result = await runAndWatch(store, run.id, { resume: true, extraEpochs: extra, inProcess: flag(ctx.cli, 'in-process') }, printerOf(ctx), ctx.err);
  return finishMessage(ctx, store, run.id, result);
}
