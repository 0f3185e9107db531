// Paths of the built bundles (npm test builds before running the tests).

import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const WORKER_JS = path.join(ROOT, 'dist', 'worker.js');
export const CLI_JS = path.join(ROOT, 'dist', 'cli.js');

export function assertBuilt(): void {
  if (!existsSync(WORKER_JS) || !existsSync(CLI_JS)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
}
