// finetune eval <run> [--dataset FILE] [--checkpoint NAME] [--json]
// Without --dataset: re-evaluates the run's test split (rewrites evaluation.json and predictions.jsonl).
// With --dataset: evaluates on another file with the same columns, stored under evaluations/.

import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { selectBackend } from '../../engine/backends/selectBackend';
import { registerSegmentSumKernels } from '../../engine/backends/unsortedSegmentSum';
import { loadDataset } from '../../engine/data/loadDataset';
import type { Example } from '../../engine/data/example';
import { scoreOutputs } from '../../engine/evaluation/scoreOutputs';
import { disposeRun, loadRun } from '../../engine/runner/loadRun';
import { writeRunReport } from '../../engine/runner/evaluateRun';
import { predictRows } from '../../engine/training/forward';
import { prepareData } from '../../engine/training/prepareData';
import { UserError } from '../../engine/userError';
import { writeJsonAtomic } from '../../storage/atomicWrite';
import { toJsonLines } from '../../storage/jsonLines';
import { flag, requirePositional, stringOption } from '../cliArgs';
import { storeOf, type CliContext } from '../cliContext';
import { formatEvaluationDetail } from '../formatEvaluation';
import { assertReadableFile } from './trainCommand';

export async function evalCommand(ctx: CliContext): Promise<number> {
  const store = storeOf(ctx);
  const run = await store.resolveRun(requirePositional(ctx.cli, 0, 'the run', 'finetune eval <run> [--dataset FILE]'));
  if (!run.dataset) throw new UserError(`Run ${run.id} never got as far as reading its dataset, so there is nothing to evaluate.`);
  const datasetOpt = stringOption(ctx.cli, 'dataset');
  await selectBackend(run.config.backend, () => undefined);
  registerSegmentSumKernels();
  const loaded = await loadRun(store, run, stringOption(ctx.cli, 'checkpoint') ?? 'best');
  try {
    let examples: readonly Example[];
    if (datasetOpt) {
      const file = path.resolve(datasetOpt);
      await assertReadableFile(file, 'dataset');
      const data = await loadDataset(file, { label: run.dataset.label, text: run.dataset.text });
      examples = data.examples;
    } else {
      examples = (await prepareData(run.config)).split.test;
    }
    if (examples.length === 0) throw new UserError('There are no rows to evaluate.', { where: datasetOpt ?? run.config.datasetPath });
    const x = loaded.encoder.encode(examples);
    const rows = await predictRows(loaded.models, x, true, 128);
    x.dispose();
    const scored = scoreOutputs(loaded.codec, rows, examples, loaded.checkpoint);
    if (datasetOpt) {
      const name = path.basename(datasetOpt).replace(/[^A-Za-z0-9._-]/g, '_');
      const dir = path.join(store.runDir(run.id), 'evaluations');
      await fs.mkdir(dir, { recursive: true });
      await writeJsonAtomic(path.join(dir, `${name}.json`), { dataset: path.resolve(datasetOpt), ...scored.evaluation });
      await fs.writeFile(path.join(dir, `${name}.predictions.jsonl`), toJsonLines(scored.predictions));
    } else {
      await store.writeEvaluation(run.id, scored.evaluation);
      await store.writePredictions(run.id, scored.predictions);
      await writeRunReport(store, run.id);
    }
    if (flag(ctx.cli, 'json')) ctx.out(`${JSON.stringify(scored.evaluation, null, 2)}\n`);
    else ctx.out(`Evaluation of run ${run.id} (${loaded.checkpoint}) on ${datasetOpt ?? 'its test split'}:\n${formatEvaluationDetail(scored.evaluation)}\n`);
    return 0;
  } finally {
    disposeRun(loaded);
  }
}
