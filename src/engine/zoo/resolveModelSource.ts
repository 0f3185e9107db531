// Turns the model a user named into something the model builders can open: a built-in name stays as
// it is, an existing path stays as it is, and a catalog id or Hugging Face id (`org/name[@revision]`)
// becomes a local folder: from our cache, from the Hugging Face cache, or downloaded (unless offline).

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../userError';
import { DownloadError } from './downloadError';
import { downloadHubModel, type DownloadModelOptions, type ModelProgress } from './downloadModel';
import { formatBytes } from './formatSize';
import { findInHfCache } from './hfCacheLookup';
import { parseHubModelRef, type HubModelRef } from './hubModelRef';
import { findCatalogEntry } from './modelCatalog';
import { cachedModelDir, missingModelFiles } from './modelFolder';
import { resolveZooSettings, type ZooSettings, type ZooSettingsOptions } from './zooSettings';

/** Names the model builders handle themselves (no file to fetch). */
export const BUILTIN_MODEL_NAMES: readonly string[] = ['nn-sentiment', 'mlp', 'auto'];

/** The download's own knobs, passed through unchanged (documented on DownloadModelOptions). */
type PassedToDownload = Pick<DownloadModelOptions, 'signal' | 'retries' | 'retryDelayMs' | 'idleTimeoutMs' | 'progressIntervalMs'>;

export interface ResolveModelOptions extends ZooSettingsOptions, PassedToDownload {
  /** Revision to use instead of the catalog's (or `main`); `org/name@rev` in the name does the same. */
  revision?: string;
  /** Progress of a download. Without it, `log` gets a progress line per file and every 10 seconds. */
  onProgress?: (p: ModelProgress) => void;
  /** One line per step worth telling the user (where the model comes from, what is downloaded). */
  log?: (message: string) => void;
  /** Folder relative paths are resolved against (default the process's working folder). */
  cwd?: string;
}

export type ModelLocation =
  | { kind: 'builtin' }
  | { kind: 'path' }
  | { kind: 'cache'; dir: string }
  | { kind: 'hf-cache'; dir: string }
  | { kind: 'remote'; dir: string };

/** Where a hub model is on this machine without downloading: our cache, the Hugging Face cache, or not at all. */
export function locateHubModel(ref: HubModelRef, settings: ZooSettings): ModelLocation {
  const ours = cachedModelDir(settings.cacheDir, ref.repo, ref.revision);
  if (missingModelFiles(ours, ref.files, ref.oneOf).length === 0) return { kind: 'cache', dir: ours };
  const hf = findInHfCache(settings.hfHubCacheDir, ref.repo, ref.revision, ref.files, ref.oneOf);
  if (hf !== null) return { kind: 'hf-cache', dir: hf };
  return { kind: 'remote', dir: ours };
}

/** Progress as log lines: when a file is done, and every 10 seconds in between. */
export function progressLogger(log: (message: string) => void, intervalMs = 10_000): (p: ModelProgress) => void {
  let last = Date.now();
  return (p) => {
    if (!p.done && Date.now() - last < intervalMs) return;
    last = Date.now();
    const size = `${formatBytes(p.bytes)}${p.total !== null ? ` / ${formatBytes(p.total)} (${Math.floor((100 * p.bytes) / Math.max(1, p.total))}%)` : ''}`;
    const speed = p.bytesPerSecond > 0 ? `, ${formatBytes(p.bytesPerSecond)}/s` : '';
    const eta = !p.done && p.etaSeconds !== null ? `, ${Math.ceil(p.etaSeconds)} s left` : '';
    log(`${p.model}: ${p.file} (${p.fileIndex + 1}/${p.fileCount}) ${size}${speed}${eta}${p.done ? ', done' : ''}`);
  };
}

/** The error for a hub model that is not on this machine while offline mode is on. */
export function offlineError(ref: HubModelRef, settings: ZooSettings): DownloadError {
  return new DownloadError('offline', `The model ${ref.id} (${ref.repo}@${ref.revision}) is not cached, and offline mode is on (${settings.offlineReason}).`, {
    hint:
      `Looked in ${cachedModelDir(settings.cacheDir, ref.repo, ref.revision)} and the Hugging Face cache ${settings.hfHubCacheDir}. ` +
      `Turn offline mode off to download it, or run \`finetune models download ${ref.id}\` on a connected machine and copy the cache folder, or pass the path of a model folder.`,
  });
}

/**
 * A local folder (or built-in name) for `model`:
 * - 'nn-sentiment', 'mlp', 'auto' and other built-in catalog ids (e.g. 'mobilenet_v2'): unchanged;
 * - an existing file or folder: unchanged;
 * - a catalog id or `org/name[@revision]`: the model folder, downloaded first when needed.
 */
export async function resolveModelSource(model: string, options: ResolveModelOptions = {}): Promise<string> {
  if (BUILTIN_MODEL_NAMES.includes(model)) return model;
  const entry = findCatalogEntry(model);
  if (entry && entry.source.kind === 'builtin') return entry.id;
  if (existsSync(path.resolve(options.cwd ?? process.cwd(), model))) return model;
  const ref = parseHubModelRef(model, options.revision);
  if (ref === null) {
    throw new UserError(`The model "${model}" is not a folder, a built-in model, a catalog id or a Hugging Face id (org/name).`, {
      hint: 'Run `finetune models` to list the catalog, or give the path of a model folder.',
    });
  }
  const settings = resolveZooSettings(options);
  const log = options.log ?? ((): void => undefined);
  const found = locateHubModel(ref, settings);
  if (found.kind === 'cache') return found.dir;
  if (found.kind === 'hf-cache') {
    log(`${ref.id}: using the copy in the Hugging Face cache (${found.dir})`);
    return found.dir;
  }
  if (settings.offline) throw offlineError(ref, settings);
  log(`${ref.id}: downloading from ${settings.mirror} into ${settings.cacheDir}`);
  try {
    return await downloadHubModel(ref, {
      cacheDir: settings.cacheDir,
      mirror: settings.mirror,
      token: settings.token,
      signal: options.signal,
      onProgress: options.onProgress ?? (options.log ? progressLogger(options.log) : undefined),
      log,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
      idleTimeoutMs: options.idleTimeoutMs,
      progressIntervalMs: options.progressIntervalMs,
    });
  } catch (error) {
    if (error instanceof DownloadError && error.kind === 'not-found' && entry === null && !path.isAbsolute(model)) {
      throw new DownloadError('not-found', `${error.message} No folder named "${model}" exists here either.`, { url: error.url, hint: error.hint });
    }
    throw error;
  }
}
