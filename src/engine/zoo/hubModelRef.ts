// Turns what the user typed (a catalog id, or any Hugging Face id `org/name[@revision]`) into what to
// fetch: repository, revision, files and the URL of each file on a mirror.

import type { CatalogEntry, CatalogFile } from './catalogTypes';
import { defaultHubFiles, findCatalogEntry } from './modelCatalog';

export interface HubModelRef {
  /** What the user asked for (catalog id or repository id, without the revision). */
  id: string;
  /** Repository id `org/name`. */
  repo: string;
  revision: string;
  files: CatalogFile[];
  oneOf: string[][];
  /** The catalog entry, when the model is a known one. */
  entry: CatalogEntry | null;
}

const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9._][A-Za-z0-9._/-]*$/;

/** True when `text` has the shape of a Hugging Face repository id (`org/name`, optionally `@revision`). */
export function looksLikeHubId(text: string): boolean {
  const at = text.indexOf('@');
  const repo = at >= 0 ? text.slice(0, at) : text;
  const revision = at >= 0 ? text.slice(at + 1) : 'main';
  return REPO_ID.test(repo) && !repo.includes('..') && !repo.includes('--') && REVISION.test(revision) && !revision.includes('..');
}

/** The hub model named by a catalog id or a repository id; null when `text` is neither. */
export function parseHubModelRef(text: string, revisionOverride?: string): HubModelRef | null {
  const at = text.indexOf('@');
  const name = at >= 0 ? text.slice(0, at) : text;
  const revisionInText = at >= 0 ? text.slice(at + 1) : undefined;
  const entry = findCatalogEntry(name);
  if (entry) {
    if (entry.source.kind !== 'hub') return null;
    const revision = revisionOverride ?? revisionInText ?? entry.source.revision;
    if (!REVISION.test(revision) || revision.includes('..')) return null;
    return { id: entry.id, repo: entry.source.repo, revision, files: entry.files, oneOf: entry.source.oneOf, entry };
  }
  if (!looksLikeHubId(text)) return null;
  const { files, oneOf } = defaultHubFiles();
  return { id: name, repo: name, revision: revisionOverride ?? revisionInText ?? 'main', files, oneOf, entry: null };
}

/** `<mirror>/<repo>/resolve/<revision>/<file>`, the Hugging Face download URL layout. */
export function hubFileUrl(mirror: string, repo: string, revision: string, file: string): string {
  return `${mirror.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}
