// finetune runs [--json]

import { flag } from '../cliArgs';
import { storeOf, type CliContext } from '../cliContext';
import { formatRuns } from '../formatEvaluation';

export async function runsCommand(ctx: CliContext): Promise<number> {
  const store = storeOf(ctx);
  const { runs, problems } = await store.scanRuns();
  if (flag(ctx.cli, 'json')) {
    ctx.out(`${JSON.stringify(runs, null, 2)}\n`);
  } else {
    ctx.out(`${formatRuns(runs)}\n`);
  }
  for (const p of problems) ctx.err(`warning: skipped ${p.path}: ${p.message}\n`);
  return 0;
}
