// The backend of the CLI's eval, predict and export: chosen as a run chooses it, with the same
// kernels and CPU fast paths installed right after (installFastPaths.ts), so evaluating and
// predicting run as fast as training; FINETUNE_FAST_PATHS=0 turns the fast paths off here too
// (speed changes, results do not). With --verbose the choice and the fast paths go to stderr.

import { selectBackend } from '../../engine/backends/selectBackend';
import { registerSegmentSumKernels } from '../../engine/backends/unsortedSegmentSum';
import { installFastPaths } from '../../engine/backends/fastPaths/installFastPaths';
import type { BackendName } from '../../protocol/configTypes';
import type { BackendChoice } from '../../protocol/runTypes';
import { flag } from '../cliArgs';
import type { CliContext } from '../cliContext';

export async function prepareInferenceBackend(ctx: CliContext, preferred: BackendName | null): Promise<BackendChoice> {
  const verbose = flag(ctx.cli, 'verbose');
  const log = (line: string): void => {
    if (verbose) ctx.err(`${line}\n`);
  };
  const backend = await selectBackend(preferred, log);
  registerSegmentSumKernels();
  backend.fastPaths = installFastPaths(backend.name, log);
  log(`backend ${backend.name}; fast paths: ${backend.fastPaths.length > 0 ? backend.fastPaths.join(', ') : 'none'}`);
  return backend;
}
