// Our model cache's layout, and the check that a folder holds every file a model needs.
//   <cache>/models/<org>--<name>/<revision>/…     complete models only (placed by one rename)
//   <cache>/.partial/<org>--<name>--<revision>/…  downloads in progress (resumable)

import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { CatalogFile } from './catalogTypes';

/** Written into each model folder we place: where it came from and what each file hashed to. */
export const SOURCE_MANIFEST = '.finetune-source.json';

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, '_');
}

function repoKey(repo: string): string {
  return repo.split('/').map(safe).join('--');
}

export function cachedModelDir(cacheDir: string, repo: string, revision: string): string {
  return path.join(cacheDir, 'models', repoKey(repo), safe(revision));
}

export function partialModelDir(cacheDir: string, repo: string, revision: string): string {
  return path.join(cacheDir, '.partial', `${repoKey(repo)}--${safe(revision)}`);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Names of what the folder lacks: required files, and groups of which no file is present. */
export function missingModelFiles(dir: string, files: readonly CatalogFile[], oneOf: readonly string[][]): string[] {
  if (!existsSync(dir)) return ['the folder itself'];
  const missing = files.filter((f) => f.required && !isFile(path.join(dir, f.name))).map((f) => f.name);
  for (const group of oneOf) {
    if (!group.some((name) => isFile(path.join(dir, name)))) missing.push(group.join(' or '));
  }
  return missing;
}
