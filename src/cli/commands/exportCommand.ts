// finetune export <run> --format tfjs [--merge] [--out DIR] [--checkpoint NAME]
// Writes one TF.js Layers model (base and head composed) plus preprocessing.json, and the word
// index for text models. --merge folds LoRA into the base weights (adapters stay as layers).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { selectBackend } from '../../engine/backends/selectBackend';
import { composeModel } from '../../engine/models/head';
import { saveLayersModelToDir } from '../../engine/models/fsModelIo';
import { nnSentimentModelDir } from '../../engine/models/textModel';
import { disposeRun, loadRun } from '../../engine/runner/loadRun';
import { PREPROCESSING_FILE } from '../../engine/runner/preprocessing';
import { mergeLora } from '../../engine/techniques/mergeLora';
import { AUTO_MODEL } from '../../engine/training/trainDefaults';
import { UserError } from '../../engine/userError';
import { choiceOption, flag, requirePositional, stringOption } from '../cliArgs';
import { storeOf, type CliContext } from '../cliContext';

export async function exportCommand(ctx: CliContext): Promise<number> {
  const store = storeOf(ctx);
  const run = await store.resolveRun(requirePositional(ctx.cli, 0, 'the run', 'finetune export <run> --format tfjs [--merge] [--out DIR]'));
  const format = choiceOption(ctx.cli, 'format', ['tfjs'] as const);
  if (!format) throw new UserError('Say which format to export with --format tfjs.');
  const merge = flag(ctx.cli, 'merge');
  const out = path.resolve(stringOption(ctx.cli, 'out') ?? path.join(store.runDir(run.id), 'export', merge ? 'tfjs-merged' : 'tfjs'));
  await selectBackend(run.config.backend, () => undefined);
  const loaded = await loadRun(store, run, stringOption(ctx.cli, 'checkpoint') ?? 'best');
  try {
    const base = merge ? await mergeLora(loaded.models.base) : loaded.models.base;
    const model = composeModel(base, loaded.models.head);
    await saveLayersModelToDir(model, out);
    await fs.copyFile(path.join(store.runDir(run.id), PREPROCESSING_FILE), path.join(out, PREPROCESSING_FILE));
    if (loaded.encoder.state.kind === 'text') {
      const modelDir = run.config.model === AUTO_MODEL || run.config.model === 'nn-sentiment' ? nnSentimentModelDir() : run.config.model;
      await fs.copyFile(path.join(modelDir, 'word_index.json'), path.join(out, 'word_index.json'));
    }
    if (base !== loaded.models.base) base.dispose();
    ctx.out(`Exported run ${run.id} (${loaded.checkpoint}${merge ? ', LoRA merged' : ''}) to ${out}\n`);
    return 0;
  } finally {
    disposeRun(loaded);
  }
}
