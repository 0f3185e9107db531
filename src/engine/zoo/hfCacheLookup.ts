// Finds a model in the user's Hugging Face hub cache (`hub/models--<org>--<name>/snapshots/<commit>/…`,
// the layout huggingface_hub writes), so a model fetched by Python tools is used without downloading.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CatalogFile } from './catalogTypes';
import { missingModelFiles } from './modelFolder';

const COMMIT = /^[0-9a-f]{40}$/;

/** The snapshot folder of `repo` at `revision` (a branch or tag through refs/, or a commit), or null. */
export function hfSnapshotDir(hubCacheDir: string, repo: string, revision: string): string | null {
  const repoDir = path.join(hubCacheDir, `models--${repo.split('/').join('--')}`);
  let commit = revision;
  if (!COMMIT.test(revision)) {
    try {
      commit = readFileSync(path.join(repoDir, 'refs', ...revision.split('/')), 'utf8').trim();
    } catch {
      return null;
    }
    if (!COMMIT.test(commit)) return null;
  }
  return path.join(repoDir, 'snapshots', commit);
}

/** The snapshot folder when it holds every file the model needs (symlinks into blobs/ are followed), else null. */
export function findInHfCache(hubCacheDir: string, repo: string, revision: string, files: readonly CatalogFile[], oneOf: readonly string[][]): string | null {
  const dir = hfSnapshotDir(hubCacheDir, repo, revision);
  if (dir === null) return null;
  return missingModelFiles(dir, files, oneOf).length === 0 ? dir : null;
}
