// finetune predict <run> <input> [--checkpoint NAME] [--json]
// <input>: a text (text models), a JSON object of column values (tabular models), an image file
// (image models), or a dataset file or image folder with the run's columns (one prediction per row).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { prepareInferenceBackend } from './inferenceBackend';
import { loadDataset } from '../../engine/data/loadDataset';
import type { Example } from '../../engine/data/example';
import { hasImageExtension } from '../../engine/data/images/imageFiles';
import { encodeExamples } from '../../engine/models/encodeExamples';
import { disposeRun, loadRun } from '../../engine/runner/loadRun';
import { predictRows } from '../../engine/training/forward';
import { unscale } from '../../engine/training/labels';
import { UserError } from '../../engine/userError';
import { flag, requirePositional, stringOption } from '../cliArgs';
import { storeOf, type CliContext } from '../cliContext';

const USAGE = 'finetune predict <run> <text | JSON object | dataset file>';

async function examplesFromInput(input: string, run: { textColumn: string | null; label: string; features: string[] }): Promise<Example[]> {
  const stat = await fs.stat(input).catch(() => null);
  if (stat?.isFile() && hasImageExtension(input)) return [{ line: 0, values: { image: input }, label: '', file: path.resolve(input) }];
  if (stat?.isFile() || stat?.isDirectory()) {
    const data = await loadDataset(path.resolve(input), { label: run.label, text: run.textColumn });
    return data.examples;
  }
  if (run.textColumn) return [{ line: 0, values: { [run.textColumn]: input }, label: '' }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    throw new UserError('This run takes tabular features: give a JSON object of column values, or a dataset file.', {
      hint: `Columns: ${run.features.join(', ')}. Example: finetune predict <run> '{"${run.features[0] ?? 'col'}": 1.5}'`,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UserError('The JSON input must be an object of column values.');
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) values[k] = typeof v === 'string' ? v : JSON.stringify(v);
  const missing = run.features.filter((f) => !(f in values));
  if (missing.length > 0) throw new UserError(`The input lacks the columns ${missing.join(', ')}.`, { hint: 'Give every feature column the run was trained on.' });
  return [{ line: 0, values, label: '' }];
}

export async function predictCommand(ctx: CliContext): Promise<number> {
  const store = storeOf(ctx);
  const run = await store.resolveRun(requirePositional(ctx.cli, 0, 'the run', USAGE));
  const input = requirePositional(ctx.cli, 1, 'the input', USAGE);
  if (!run.dataset) throw new UserError(`Run ${run.id} has no trained model yet.`);
  const examples = await examplesFromInput(input, { textColumn: run.dataset.text, label: run.dataset.label, features: run.dataset.features });
  // The backend the run trained on, unless one was forced: the same numerics, and no GPU probing for runs auto kept on the CPU.
  await prepareInferenceBackend(ctx, run.config.backend ?? run.backend?.name ?? null);
  const loaded = await loadRun(store, run, stringOption(ctx.cli, 'checkpoint') ?? 'best');
  try {
    const x = await encodeExamples(loaded.encoder, examples);
    const rows = await predictRows(loaded.models, x, true, 128);
    x.dispose();
    const { codec } = loaded;
    const results = rows.map((r, i) => {
      if (codec.scaling) return { line: examples[i].line, prediction: unscale(codec, r[0]) };
      let best = 0;
      for (let k = 1; k < r.length; k++) if (r[k] > r[best]) best = k;
      const probabilities = Object.fromEntries(codec.classes.map((c, k) => [c, Math.round(r[k] * 1e4) / 1e4]));
      return { line: examples[i].line, prediction: codec.classes[best], probabilities };
    });
    if (flag(ctx.cli, 'json')) ctx.out(`${results.map((r) => JSON.stringify(r)).join('\n')}\n`);
    else {
      for (const r of results) {
        const where = r.line > 0 ? `line ${r.line}: ` : '';
        const probs = 'probabilities' in r && r.probabilities ? `  (${Object.entries(r.probabilities).map(([c, p]) => `${c} ${p.toFixed(3)}`).join(', ')})` : '';
        ctx.out(`${where}${r.prediction}${probs}\n`);
      }
    }
    return 0;
  } finally {
    disposeRun(loaded);
  }
}
