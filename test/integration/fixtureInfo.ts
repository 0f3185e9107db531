// What the launcher (runIntegration.ts) prepared, handed to the suite in the extension host through
// the FINETUNE_IT_FIXTURE environment variable (the path of a JSON file).

import { readFileSync } from 'node:fs';

export const FIXTURE_ENV = 'FINETUNE_IT_FIXTURE';

export interface FixtureInfo {
  /** The workspace folder VS Code opens. */
  workspace: string;
  /** A small tabular CSV inside it. */
  dataset: string;
  /** <workspace>/.finetune/runs (the default runs folder). */
  runsDir: string;
  /** The completed runs made with the CLI before VS Code started. */
  runIds: string[];
}

function isFixtureInfo(value: unknown): value is FixtureInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.workspace === 'string' &&
    typeof v.dataset === 'string' &&
    typeof v.runsDir === 'string' &&
    Array.isArray(v.runIds) &&
    v.runIds.every((id) => typeof id === 'string')
  );
}

export function readFixtureInfo(): FixtureInfo {
  const file = process.env[FIXTURE_ENV];
  if (!file) throw new Error(`${FIXTURE_ENV} is not set: run the suite with \`npm run test:integration\` (test/integration/runIntegration.ts).`);
  const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isFixtureInfo(value)) throw new Error(`${file} is not a fixture description.`);
  return value;
}
