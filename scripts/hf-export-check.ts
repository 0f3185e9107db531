// Writes fine-tuned exports for scripts/hf-export-check.py: tiny random BERT / DistilBERT / RoBERTa
// checkpoints, short fine-tuning runs on cpu (full, LoRA on q,k,v,o,ffn or the defaults, features),
// each run exported with `hf` (and `peft` for LoRA), plus expected.json holding token ids and this
// engine's class probabilities. Then, where transformers (and peft) are installed:
//   npx tsx scripts/hf-export-check.ts OUT && python3 scripts/hf-export-check.py OUT
// Checked on the lent GPU machine (transformers 5.17.0, peft 0.21.0, torch 2.11.0): every export
// loaded with no missing or unexpected keys, probabilities within 6e-8 of ours, through from_pretrained,
// through PeftModel.from_pretrained on the base, and after merge_and_unload.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { composeModel } from '../src/engine/models/head';
import { exportHfModel, exportPeftAdapter } from '../src/engine/models/hf/hfExport';
import { loadRun, disposeRun } from '../src/engine/runner/loadRun';
import { makeTinyCheckpoint, writeTinyCheckpoint, padIdOf } from '../test/unit/hf/tinyHfCheckpoint';
import { writeTextCsv } from '../test/unit/helpers/fixtures';
import { createAndRun } from '../test/unit/helpers/runHelpers';
(async () => {
  const out = path.resolve(process.argv[2] ?? 'hf-export-check');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-export-check-'));
  const csv = writeTextCsv(root, 80);
  const cases: unknown[] = [];
  for (const [arch, technique] of [['bert', 'full'], ['bert', 'lora'], ['distilbert', 'lora'], ['roberta', 'lora'], ['roberta', 'features']] as const) {
    const name = `${arch}-${technique}`;
    const baseDir = writeTinyCheckpoint(path.join(out, `${name}-base`), makeTinyCheckpoint({ architecture: arch, seed: 21, scale: 0.3, dropout: 0.1 }));
    const { store, runId } = await createAndRun(path.join(root, 'runs'), csv, { model: baseDir, technique, epochs: 2, batchSize: 8, learningRate: 1e-2, maxSequenceLength: 12, lora: { rank: 2, alpha: 6, dropout: 0.05, targets: technique === 'lora' && arch === 'bert' ? ['q', 'k', 'v', 'o', 'ffn'] : [] } });
    const loaded = await loadRun(store, await store.readRun(runId));
    const texts = ['great love the product (1)', 'awful hate it (2)', 'the order was very perfect and it is the best (3)', 'bad worst'];
    const x = loaded.encoder.encode(texts.map((t, i) => ({ line: i, values: { review: t }, label: 'x' })));
    const probs = (composeModel(loaded.models.base, loaded.models.head).predict(x) as tf.Tensor).arraySync();
    const source = { base: loaded.models.base, head: loaded.models.head, modelDir: baseDir, codec: loaded.codec, model: baseDir };
    await exportHfModel(source, path.join(out, `${name}-hf`));
    if (technique === 'lora') await exportPeftAdapter(source, path.join(out, `${name}-peft`));
    cases.push({ name, base: `${name}-base`, hf: `${name}-hf`, peft: technique === 'lora' ? `${name}-peft` : null, ids: x.arraySync(), pad: padIdOf(arch), probs });
    disposeRun(loaded);
  }
  fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify({ cases }));
  fs.rmSync(root, { recursive: true, force: true });
  console.log('wrote', out);
})();
