import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { NamedEvaluation } from '../../../src/protocol/namedEvaluationTypes';
import type { RunRecord } from '../../../src/protocol/runTypes';
import type { SweepRecord } from '../../../src/protocol/sweepTypes';
import { tempDir, writeTabularCsv } from '../helpers/fixtures';
import { CLI_JS, assertBuilt } from '../helpers/dist';
import { parseXml } from '../helpers/xmlCheck';

function finetune(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_JS, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FINETUNE_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

test('sweep over the four techniques × a rank grid, then named evaluations and a comparison report', () => {
  assertBuilt();
  const dir = tempDir();
  const csv = writeTabularCsv(dir);
  const runsDir = path.join(dir, '.finetune', 'runs');
  const sweep = finetune(['sweep', csv, '--techniques', 'full,features,adapter,lora', '--grid', 'rank=2,4', '--epochs', '2', '--batch-size', '32'], dir);
  assert.equal(sweep.code, 0, sweep.stderr);
  assert.match(sweep.stdout, /Sweep sweep-\d{8}-\d{6}-[0-9a-f]{4}: completed/);
  assert.match(sweep.stdout, /#\s+run\s+technique\s+rank\s+test accuracy\s+trainable params\s+training time\s+best for its cost/);
  const reportLine = /Report: (.+\.md)/.exec(sweep.stdout);
  assert.ok(reportLine);
  const jsonFile = reportLine[1].replace(/\.md$/, '.json');
  const record = readJson<SweepRecord>(jsonFile);
  assert.equal(record.status, 'completed');
  assert.equal(record.plannedRuns, 5);
  assert.deepEqual(record.axes, [{ param: 'rank', values: [2, 4] }]);
  assert.deepEqual(record.runs.map((r) => r.technique).sort(), ['adapter', 'features', 'full', 'lora', 'lora']);
  assert.deepEqual(record.runs.filter((r) => r.technique === 'lora').map((r) => r.settings.rank).sort(), [2, 4]);
  assert.ok(record.runs.every((r) => r.metric !== null && r.trainableParams !== null && r.trainingSeconds !== null));
  assert.deepEqual(record.runs.map((r) => r.rank), [...record.runs.map((r) => r.rank)].sort((a, b) => (a ?? 0) - (b ?? 0)), 'ranked best first');
  assert.ok(record.runs.some((r) => r.paretoParams));
  const runs = record.runs.map((r) => readJson<RunRecord>(path.join(runsDir, r.runId, 'run.json')));
  for (const run of runs) {
    assert.equal(run.sweepId, record.id);
    assert.equal(run.config.seed, runs[0].config.seed);
    assert.equal(run.config.epochs, 2);
    assert.deepEqual(run.dataset?.split, runs[0].dataset?.split, 'same split');
    assert.equal(run.dataset?.fingerprint, runs[0].dataset?.fingerprint);
    const report = readFileSync(path.join(runsDir, run.id, 'report.md'), 'utf8');
    assert.match(report, /!\[Learning curves: training and validation loss by step\]\(curves.svg\)/);
    parseXml(readFileSync(path.join(runsDir, run.id, 'curves.svg'), 'utf8'));
    parseXml(readFileSync(path.join(runsDir, run.id, 'confusion.svg'), 'utf8'));
  }
  const markdown = readFileSync(reportLine[1], 'utf8');
  assert.match(markdown, /## Trade-off/);
  for (const picture of ['params', 'time']) {
    const file = reportLine[1].replace(/\.md$/, `-${picture}.svg`);
    assert.ok(markdown.includes(path.basename(file)));
    parseXml(readFileSync(file, 'utf8'));
  }
  const runsList = finetune(['runs'], dir);
  assert.equal(runsList.code, 0);
  assert.doesNotMatch(runsList.stderr, /skipped/, 'the sweeps folder is not a broken run');

  // Named evaluation on another file with the same columns.
  const other = writeTabularCsv(tempDir(), 60, 99);
  const best = record.runs[0].runId;
  const evaluation = finetune(['eval', best, '--dataset', other, '--name', 'holdout'], dir);
  assert.equal(evaluation.code, 0, evaluation.stderr);
  assert.match(evaluation.stdout, /Stored as evaluation "holdout" of run/);
  const stored = readJson<NamedEvaluation>(path.join(runsDir, best, 'evaluations', 'holdout.json'));
  assert.equal(stored.name, 'holdout');
  assert.equal(stored.runId, best);
  assert.equal(stored.dataset.path, other);
  assert.equal(stored.dataset.fingerprint.length, 64);
  assert.equal(stored.evaluation.rows, 60);
  assert.equal(readFileSync(path.join(runsDir, best, 'evaluations', 'holdout.predictions.jsonl'), 'utf8').trim().split('\n').length, 60);
  const missing = path.join(dir, 'missing.csv');
  writeFileSync(missing, readFileSync(other, 'utf8').replace(/^f1,/, 'g1,'));
  const bad = finetune(['eval', best, '--dataset', missing], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /missing.csv lacks the column "f1" that run .* was trained on; it has "g1", "f2"/);

  // Comparison report with pictures beside it.
  const second = record.runs[1].runId;
  const compare = finetune(['compare', best, second, '--out', path.join(dir, 'reports', 'cmp.md')], dir);
  assert.equal(compare.code, 0, compare.stderr);
  const cmp = readFileSync(path.join(dir, 'reports', 'cmp.md'), 'utf8');
  assert.match(cmp, /^# Comparison of 2 runs/);
  assert.match(cmp, /## Configuration differences/);
  for (const picture of ['cmp-validation-loss.svg', 'cmp-train-loss.svg']) {
    assert.ok(cmp.includes(`](${picture})`));
    parseXml(readFileSync(path.join(dir, 'reports', picture), 'utf8'));
  }
  const stdoutReport = finetune(['compare', best, second, '--all-settings'], dir);
  assert.match(stdoutReport.stdout, /## Configuration\n/);
  const noNamed = finetune(['compare', best, second, '--evaluation', 'holdout'], dir);
  assert.equal(noNamed.code, 1);
  assert.match(noNamed.stderr, new RegExp(`Run ${second} has no evaluation named "holdout"`));
});

test('sweep and compare: one clear message for bad input', () => {
  assertBuilt();
  const dir = tempDir();
  const csv = writeTabularCsv(dir, 60);
  const cases: [string[], RegExp][] = [
    [['sweep', csv, '--technique', 'lora'], /--techniques \(a list\), not --technique/],
    [['sweep', csv, '--techniques', 'full,features', '--grid', 'rank=4,8'], /--grid rank changes only lora, which is not among the techniques \(full, features\)/],
    [['sweep', csv, '--grid', 'dropout=0.1'], /"dropout" is not a hyper-parameter/],
    [['sweep', csv, '--grid', 'lr=1e-3', '--lr', '0.01'], /both fixed \(--lr\) and swept/],
    [['sweep', csv, '--grid', 'lr=1e-3', '--grid', 'rank=4', '--grid', 'epochs=1'], /at most 2 hyper-parameters/],
    [['sweep', csv, '--metric', 'rmse'], /--metric rmse does not fit a tabular-classification task/],
    [['sweep', path.join(dir, 'nope.csv')], /does not exist/],
    [['compare', 'latest'], /at least two runs/],
    [['eval', 'latest', '--name', 'x'], /--name names an evaluation on another file|no runs/i],
  ];
  for (const [args, pattern] of cases) {
    const r = finetune(args, dir);
    assert.notEqual(r.code, 0, `${args.join(' ')} should fail`);
    assert.match(r.stderr, pattern, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at .+\(.*:\d+:\d+\)/, `no stack trace for ${args.join(' ')}`);
  }
  assert.ok(!existsSync(path.join(dir, '.finetune', 'runs', 'sweeps')), 'nothing is written for a sweep that does not start');
});
