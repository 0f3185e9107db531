// Starts one data-parallel worker thread. Bundled (dist/worker.js, dist/cli.js), the worker script
// is dist/parallel-worker.js beside the bundle (scripts/build.mjs). From TypeScript sources (tests,
// bench, `node --import tsx`), this folder holds parallelWorkerMain.ts; a thread started on a .ts
// file does not get the main's --import loader on Node 20, so a one-line CommonJS bootstrap
// registers tsx's require hook in the thread and then loads the entry.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export const BUNDLED_WORKER_FILE = 'parallel-worker.js';
const TSX_REQUIRE_HOOK = 'tsx/cjs';

/** The worker script to run, and how: a bundled .js file, or the TypeScript entry through tsx. */
export function workerEntry(dir: string = __dirname): { kind: 'bundled' | 'typescript'; file: string } | null {
  const ts = path.join(dir, 'parallelWorkerMain.ts');
  if (existsSync(ts)) return { kind: 'typescript', file: ts };
  const bundled = path.join(dir, BUNDLED_WORKER_FILE);
  if (existsSync(bundled)) return { kind: 'bundled', file: bundled };
  return null;
}

export function startWorkerThread(): Worker {
  const entry = workerEntry();
  if (entry === null) {
    throw new Error(`the worker script was not found next to ${__dirname} (${BUNDLED_WORKER_FILE} or parallelWorkerMain.ts); rebuild with npm run build`);
  }
  // The threads share the process's stdio; their own exit code is what counts.
  if (entry.kind === 'bundled') return new Worker(entry.file, { stdout: false, stderr: false });
  // A name in a variable: bundles never take this path, and esbuild leaves it unresolved.
  const hook: string = TSX_REQUIRE_HOOK;
  const tsx = require.resolve(hook);
  const code = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry.file)});`;
  return new Worker(code, { eval: true });
}
