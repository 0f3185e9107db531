// finetune eval <run> [--dataset FILE [--name NAME]] [--checkpoint NAME] [--json]
// Without --dataset: re-evaluates the run's test split (rewrites evaluation.json and predictions.jsonl).
// With --dataset: evaluates on another file with the same columns, stored as a named evaluation
// of the run: evaluations/<name>.json and <name>.predictions.jsonl (name: --name, else the file name).

import * as path from 'node:path';
import { prepareInferenceBackend } from './inferenceBackend';
import type { Example } from '../../engine/data/example';
import { scoreOutputs } from '../../engine/evaluation/scoreOutputs';
import { loadCompatibleDataset } from '../../engine/runner/compatibleDataset';
import { disposeRun, loadRun } from '../../engine/runner/loadRun';
import { writeRunReport } from '../../engine/runner/evaluateRun';
import { predictRows } from '../../engine/training/forward';
import { prepareData } from '../../engine/training/prepareData';
import { UserError } from '../../engine/userError';
import { NAMED_EVALUATION_SCHEMA_VERSION, type EvaluatedDataset } from '../../protocol/namedEvaluationTypes';
import type { RunRecord } from '../../protocol/runTypes';
import {
  assertEvaluationName,
  defaultEvaluationName,
  readNamedEvaluation,
  writeNamedEvaluation,
} from '../../storage/evaluationsStore';
import type { RunStore } from '../../storage/runStore';
import { flag, requirePositional, stringOption } from '../cliArgs';
import { storeOf, type CliContext } from '../cliContext';
import { formatEvaluationDetail } from '../formatEvaluation';
import { assertReadableFile } from './trainCommand';
import { encodeExamples } from '../../engine/models/encodeExamples';

const USAGE = 'finetune eval <run> [--dataset FILE [--name NAME]] [--checkpoint best|last|NAME]';

interface Target {
  examples: readonly Example[];
  /** Set when evaluating another file: where the named evaluation goes. */
  named: { name: string; dataset: EvaluatedDataset } | null;
}

async function evaluationTarget(ctx: CliContext, run: RunRecord, summary: NonNullable<RunRecord['dataset']>): Promise<Target> {
  const datasetOpt = stringOption(ctx.cli, 'dataset');
  const nameOpt = stringOption(ctx.cli, 'name');
  if (!datasetOpt) {
    if (nameOpt !== undefined) throw new UserError('--name names an evaluation on another file; use it with --dataset FILE.', { hint: `Usage: ${USAGE}` });
    return { examples: (await prepareData(run.config)).split.test, named: null };
  }
  const file = path.resolve(datasetOpt);
  const name = nameOpt ?? defaultEvaluationName(file);
  assertEvaluationName(name);
  await assertReadableFile(file, 'dataset');
  const { data, warnings } = await loadCompatibleDataset(file, run.id, summary);
  for (const warning of warnings) ctx.err(`warning: ${warning}\n`);
  return {
    examples: data.examples,
    named: {
      name,
      dataset: { path: file, fingerprint: data.inspection.fingerprint, rows: data.examples.length, skippedRows: data.inspection.skippedRows },
    },
  };
}

async function describeReplaced(store: RunStore, runId: string, name: string): Promise<string> {
  const earlier = await readNamedEvaluation(store, runId, name).catch(() => null);
  return earlier ? ` (replacing the one of ${earlier.createdAt} on ${earlier.dataset.path})` : '';
}

export async function evalCommand(ctx: CliContext): Promise<number> {
  const store = storeOf(ctx);
  const run = await store.resolveRun(requirePositional(ctx.cli, 0, 'the run', USAGE));
  if (!run.dataset) throw new UserError(`Run ${run.id} never got as far as reading its dataset, so there is nothing to evaluate.`);
  const target = await evaluationTarget(ctx, run, run.dataset);
  if (target.examples.length === 0) throw new UserError('There are no rows to evaluate.', { where: target.named?.dataset.path ?? run.config.datasetPath });
  // The backend the run trained on, unless one was forced: the same numerics, and no GPU probing for runs auto kept on the CPU.
  await prepareInferenceBackend(ctx, run.config.backend ?? run.backend?.name ?? null);
  const loaded = await loadRun(store, run, stringOption(ctx.cli, 'checkpoint') ?? 'best');
  try {
    const x = await encodeExamples(loaded.encoder, target.examples);
    const rows = await predictRows(loaded.models, x, true, 128);
    x.dispose();
    const scored = scoreOutputs(loaded.codec, rows, target.examples, loaded.checkpoint);
    let stored: string;
    if (target.named) {
      const { name, dataset } = target.named;
      const replaced = await describeReplaced(store, run.id, name);
      const paths = await writeNamedEvaluation(
        store,
        {
          schemaVersion: NAMED_EVALUATION_SCHEMA_VERSION,
          name,
          runId: run.id,
          checkpoint: loaded.checkpoint,
          dataset,
          createdAt: new Date().toISOString(),
          evaluation: scored.evaluation,
        },
        scored.predictions,
      );
      stored = `Stored as evaluation "${name}" of run ${run.id}${replaced}: ${paths.json} (predictions: ${path.basename(paths.predictions)})`;
    } else {
      await store.writeEvaluation(run.id, scored.evaluation);
      await store.writePredictions(run.id, scored.predictions);
      await writeRunReport(store, run.id);
      stored = `Stored in ${store.paths(run.id).evaluation} (and predictions.jsonl, report.md)`;
    }
    if (flag(ctx.cli, 'json')) {
      ctx.out(`${JSON.stringify(scored.evaluation, null, 2)}\n`);
      ctx.err(`${stored}\n`);
    } else {
      const on = target.named ? target.named.dataset.path : 'its test split';
      ctx.out(`Evaluation of run ${run.id} (${loaded.checkpoint}) on ${on}:\n${formatEvaluationDetail(scored.evaluation)}\n\n${stored}\n`);
    }
    return 0;
  } finally {
    disposeRun(loaded);
  }
}
