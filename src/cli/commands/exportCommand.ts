// finetune export <run> --format tfjs|hf|peft [--merge] [--out DIR] [--checkpoint NAME]
//   tfjs: one TF.js Layers model (base and head composed) plus preprocessing.json, and the
//         tokenizer files (word index, or the Hugging Face tokenizer). --merge folds LoRA into
//         the base weights (adapters stay as layers).
//   hf:   (Hugging Face encoder runs) model.safetensors + config.json in HF
//         *ForSequenceClassification naming, LoRA merged, tokenizer files.
//   peft: (LoRA runs of Hugging Face encoders) adapter_config.json + adapter_model.safetensors.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { prepareInferenceBackend } from './inferenceBackend';
import { composeModel } from '../../engine/models/head';
import { saveLayersModelToDir } from '../../engine/models/fsModelIo';
import { exportHfModel, exportPeftAdapter, TOKENIZER_FILES } from '../../engine/models/hf/hfExport';
import { nnSentimentModelDir } from '../../engine/models/textModel';
import { disposeRun, loadRun, type LoadedRun } from '../../engine/runner/loadRun';
import { PREPROCESSING_FILE } from '../../engine/runner/preprocessing';
import { mergeLora } from '../../engine/techniques/mergeLora';
import { AUTO_MODEL } from '../../engine/training/trainDefaults';
import { UserError } from '../../engine/userError';
import { choiceOption, flag, requirePositional, stringOption } from '../cliArgs';
import { storeOf, type CliContext } from '../cliContext';

const USAGE = 'finetune export <run> --format tfjs|hf|peft [--merge] [--out DIR] [--checkpoint best|last]';
const FORMATS = ['tfjs', 'hf', 'peft'] as const;

async function copyIfPresent(from: string, to: string): Promise<boolean> {
  const exists = await fs.stat(from).then((s) => s.isFile(), () => false);
  if (exists) await fs.copyFile(from, to);
  return exists;
}

async function exportTfjs(ctx: CliContext, loaded: LoadedRun, runDir: string, out: string, merge: boolean): Promise<void> {
  const base = merge ? await mergeLora(loaded.models.base) : loaded.models.base;
  try {
    const model = composeModel(base, loaded.models.head);
    await saveLayersModelToDir(model, out);
    await fs.copyFile(path.join(runDir, PREPROCESSING_FILE), path.join(out, PREPROCESSING_FILE));
    const state = loaded.encoder.state;
    if (state.kind === 'text' && state.tokenizer === 'hf') {
      for (const name of TOKENIZER_FILES) await copyIfPresent(path.join(state.modelDir, name), path.join(out, name));
    } else if (state.kind === 'text') {
      const config = loaded.run.config;
      const modelDir = config.model === AUTO_MODEL || config.model === 'nn-sentiment' ? nnSentimentModelDir() : config.model;
      await fs.copyFile(path.join(modelDir, 'word_index.json'), path.join(out, 'word_index.json'));
    }
  } finally {
    if (base !== loaded.models.base) base.dispose();
  }
  ctx.out(`Exported run ${loaded.run.id} (${loaded.checkpoint}${merge ? ', LoRA merged' : ''}) to ${out}\n`);
}

async function exportHuggingFace(ctx: CliContext, loaded: LoadedRun, out: string, format: 'hf' | 'peft'): Promise<void> {
  const state = loaded.encoder.state;
  if (state.kind !== 'text' || state.tokenizer !== 'hf') {
    throw new UserError(`Run ${loaded.run.id} did not fine-tune a Hugging Face model (its base is ${loaded.run.config.model}), so it has no ${format} form.`, {
      hint: 'Use --format tfjs for this run.',
    });
  }
  const source = { base: loaded.models.base, head: loaded.models.head, modelDir: state.modelDir, codec: loaded.codec, model: loaded.run.config.model };
  const files = format === 'hf' ? await exportHfModel(source, out) : await exportPeftAdapter(source, out);
  const what = format === 'hf' ? 'Hugging Face model (LoRA merged)' : 'PEFT LoRA adapter';
  ctx.out(`Exported run ${loaded.run.id} (${loaded.checkpoint}) as a ${what} to ${out}: ${files.join(', ')}\n`);
}

export async function exportCommand(ctx: CliContext): Promise<number> {
  const store = storeOf(ctx);
  const run = await store.resolveRun(requirePositional(ctx.cli, 0, 'the run', USAGE));
  const format = choiceOption(ctx.cli, 'format', FORMATS);
  if (!format) throw new UserError('Say which format to export with --format tfjs, hf or peft.', { hint: USAGE });
  const merge = flag(ctx.cli, 'merge');
  const defaultDir = format === 'tfjs' ? (merge ? 'tfjs-merged' : 'tfjs') : format;
  const out = path.resolve(stringOption(ctx.cli, 'out') ?? path.join(store.runDir(run.id), 'export', defaultDir));
  // The backend the run trained on, unless one was forced: the same numerics, and no GPU probing for runs auto kept on the CPU.
  await prepareInferenceBackend(ctx, run.config.backend ?? run.backend?.name ?? null);
  const loaded = await loadRun(store, run, stringOption(ctx.cli, 'checkpoint') ?? 'best');
  try {
    if (format === 'tfjs') await exportTfjs(ctx, loaded, store.runDir(run.id), out, merge);
    else await exportHuggingFace(ctx, loaded, out, format);
    return 0;
  } finally {
    disposeRun(loaded);
  }
}
