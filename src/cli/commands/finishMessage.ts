// What the CLI prints when a run ends, and the exit code: 0 completed, 130 stopped, 1 failed.

import type { RunStore } from '../../storage/runStore';
import { flag } from '../cliArgs';
import type { CliContext } from '../cliContext';
import { formatEvaluationDetail } from '../formatEvaluation';
import type { WatchResult } from '../runAndWatch';

export async function finishMessage(ctx: CliContext, store: RunStore, runId: string, result: WatchResult): Promise<number> {
  const json = flag(ctx.cli, 'json');
  if (result.status === 'failed') {
    ctx.err(`error: run ${runId} failed: ${result.reason ?? 'unknown reason'}\n`);
    return 1;
  }
  if (result.status === 'stopped') {
    if (!json) ctx.err(`run ${runId} stopped; continue with: finetune resume ${runId}\n`);
    return 130;
  }
  const evaluation = await store.readEvaluation(runId);
  if (!json) {
    if (result.reason) ctx.err(`${result.reason}\n`);
    if (evaluation) ctx.out(`\nTest evaluation of run ${runId} (best checkpoint):\n${formatEvaluationDetail(evaluation)}\n`);
    ctx.out(`\nRun folder: ${store.runDir(runId)} (report.md, evaluation.json, predictions.jsonl)\n`);
  }
  return 0;
}
