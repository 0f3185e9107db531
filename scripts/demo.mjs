// The main job (README command 1): fine-tunes the embedded nn-sentiment model, offline, on the
// SpamAssassin e-mails with LoRA, then with feature extraction, on the wasm backend, and prints
// the two test-split evaluations side by side. Both run folders stay under .finetune/runs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dataset = join('.data', 'spam-assassin.csv');
const runsDir = join('.finetune', 'runs');
const cli = join('dist', 'cli.js');
const techniques = [
  { technique: 'lora', extra: process.env.DEMO_LORA_EPOCHS ? ['--epochs', process.env.DEMO_LORA_EPOCHS] : [] },
  { technique: 'features', extra: [] },
];

function finetune(args, capture) {
  const r = spawnSync(process.execPath, [cli, ...args, '--runs-dir', runsDir], {
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(`finetune ${args.join(' ')} failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
  return r.stdout;
}

const started = Date.now();
const runs = [];
for (const t of techniques) {
  console.log(`\n=== nn-sentiment + ${t.technique} on ${dataset} (backend wasm) ===`);
  const before = new Set(JSON.parse(finetune(['runs', '--json'], true)).map((r) => r.id));
  finetune(['train', dataset, '--technique', t.technique, '--backend', 'wasm', '--name', `spam · ${t.technique}`, ...t.extra], false);
  const run = JSON.parse(finetune(['runs', '--json'], true)).find((r) => !before.has(r.id));
  runs.push({ technique: t.technique, run, evaluation: JSON.parse(readFileSync(join(runsDir, run.id, 'evaluation.json'), 'utf8')) });
}

const rows = [['', ...runs.map((r) => `nn-sentiment + ${r.technique}`)]];
const metric = (name, f) => rows.push([name, ...runs.map((r) => f(r))]);
metric('test accuracy', (r) => r.evaluation.accuracy.toFixed(4));
metric('test macro-F1', (r) => r.evaluation.macroF1.toFixed(4));
metric('test loss', (r) => r.evaluation.loss.toFixed(4));
for (const label of runs[0].evaluation.confusion.labels) {
  metric(`F1 ${label}`, (r) => r.evaluation.perClass.find((c) => c.label === label).f1.toFixed(4));
}
metric('trainable params', (r) => r.run.model.trainableParams.toLocaleString('en'));
metric('training time', (r) => `${r.run.trainingSeconds.toFixed(0)} s`);
metric('backend', (r) => r.run.backend.name);
metric('test rows', (r) => String(r.evaluation.rows));
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
console.log(`\nTest-split evaluation (SpamAssassin, ${runs[0].run.dataset.split.test} e-mails held out):`);
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('   '));
console.log(`\nRun folders (report.md, evaluation.json, predictions.jsonl, checkpoints/):`);
for (const r of runs) console.log(`  ${join(runsDir, r.run.id)}`);
console.log(`Total time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
