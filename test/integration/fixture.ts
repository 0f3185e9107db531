// The fixture both ways of running the integration suite use: a workspace with a small CSV and a
// runs folder holding two real tiny runs trained with the built CLI, described in a JSON file whose
// path the extension host gets in FINETUNE_IT_FIXTURE.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RunStore } from '../../src/storage/runStore';
import { tempDir, writeTabularCsv } from '../unit/helpers/fixtures';
import type { FixtureInfo } from './fixtureInfo';

/** The repository root: the nearest folder above this file whose package.json is this extension's. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const value: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof value === 'object' && value !== null && (value as Record<string, unknown>).name === 'fine-tune') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no fine-tune package.json above ${__dirname}`);
    dir = parent;
  }
}

/** Trains one tiny tabular run with the built CLI (cpu backend, 2 epochs) into `runsDir`. */
function trainFixtureRun(root: string, dataset: string, runsDir: string, name: string): void {
  const cli = path.join(root, 'dist', 'cli.js');
  // prettier-ignore
  const args = [cli, 'train', dataset, '--model', 'mlp', '--technique', 'full', '--epochs', '2', '--batch-size', '16', '--backend', 'cpu', '--runs-dir', runsDir, '--name', name];
  try {
    execFileSync(process.execPath, args, { cwd: path.dirname(dataset), stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  } catch (error: unknown) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`training the fixture run ${name} with dist/cli.js failed:\n${stderr || String(error)}`);
  }
}

export async function prepareFixture(root: string): Promise<FixtureInfo> {
  for (const built of ['extension.js', 'worker.js', 'cli.js']) {
    if (!existsSync(path.join(root, 'dist', built))) throw new Error(`dist/${built} is missing: run \`npm run build\` first.`);
  }
  const workspace = tempDir('finetune-integration-');
  const dataset = writeTabularCsv(workspace, 160);
  mkdirSync(path.join(workspace, '.vscode'));
  // The cpu backend: no GPU probing in the extension host's training workers.
  writeFileSync(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'fineTune.backend': 'cpu' }, null, 2)}\n`);
  const runsDir = path.join(workspace, '.finetune', 'runs');
  trainFixtureRun(root, dataset, runsDir, 'fixture-a');
  trainFixtureRun(root, dataset, runsDir, 'fixture-b');
  const runs = await new RunStore(runsDir).listRuns();
  const incomplete = runs.filter((run) => run.status !== 'completed');
  if (runs.length !== 2 || incomplete.length > 0) {
    throw new Error(`fixture runs folder ${runsDir}: expected 2 completed runs, found ${runs.map((r) => `${r.id} (${r.status})`).join(', ') || 'none'}`);
  }
  return { workspace, dataset, runsDir, runIds: runs.map((run) => run.id) };
}

/** Writes the fixture description beside the workspace; returns its path. */
export function writeFixtureFile(fixture: FixtureInfo): string {
  const file = path.join(path.dirname(fixture.workspace), `${path.basename(fixture.workspace)}.json`);
  writeFileSync(file, JSON.stringify(fixture, null, 2));
  return file;
}
