// finetune doctor [--json] [--quick]: which GPUs and backends this machine has, and why a run uses the
// one it uses. --quick leaves out the step timings (the extension's setup panel uses it).

import { flag } from '../cliArgs';
import type { CliContext } from '../cliContext';
import { doctorMarkdown } from '../../engine/doctor/doctorMarkdown';
import { runDoctor } from '../../engine/doctor/runDoctor';

export async function doctorCommand(ctx: CliContext): Promise<number> {
  const verbose = flag(ctx.cli, 'verbose');
  const report = await runDoctor(
    (line) => {
      if (verbose) ctx.err(`${line}\n`);
    },
    { quick: flag(ctx.cli, 'quick') },
  );
  ctx.out(flag(ctx.cli, 'json') ? `${JSON.stringify(report, null, 2)}\n` : doctorMarkdown(report));
  return report.chosen === null ? 1 : 0;
}
