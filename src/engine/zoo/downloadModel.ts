// Downloads every file of a hub model into `<cache>/.partial/<model>/`, checks it, then renames the
// whole folder to `<cache>/models/<org>--<name>/<revision>/`: a model folder in the cache is either
// complete or absent. Optional files the repository lacks (404) are skipped; a cut transfer or a
// network failure keeps what was fetched (the next attempt resumes); a wrong checksum or size, or a
// missing required file, deletes the partial folder.

import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp, statSync } from 'node:fs';
import * as path from 'node:path';
import { DownloadError, cancelledError, errorCode } from './downloadError';
import { downloadFile, type FileProgress } from './downloadFile';
import { hubFileUrl, type HubModelRef } from './hubModelRef';
import { SOURCE_MANIFEST, cachedModelDir, missingModelFiles, partialModelDir } from './modelFolder';

export interface ModelProgress extends FileProgress {
  /** The model id being downloaded. */
  model: string;
  /** 0-based index of the file among the model's files, and their count. */
  fileIndex: number;
  fileCount: number;
}

export interface DownloadModelOptions {
  cacheDir: string;
  /** Base URL of the Hugging Face-layout server. */
  mirror: string;
  token?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: ModelProgress) => void;
  /** One line per notable step (file skipped, resumed, retried). */
  log?: (message: string) => void;
  /** Extra attempts after a cut transfer or a reset / timed-out connection, each resuming the part (default 2). */
  retries?: number;
  /** Wait before a retry, times the attempt number (default 1000 ms). */
  retryDelayMs?: number;
  idleTimeoutMs?: number;
  progressIntervalMs?: number;
}

/** What `.finetune-source.json` in a placed model folder records. */
export interface SourceManifest {
  id: string;
  repo: string;
  revision: string;
  /** Commit the server resolved the revision to, when it said (X-Repo-Commit). */
  commit: string | null;
  mirror: string;
  downloadedAt: string;
  files: { name: string; size: number; sha256: string; sha256Checked: boolean; url: string }[];
  /** Optional files the repository does not have. */
  absent: string[];
}

/** Kinds after which the partial folder is deleted: its content is wrong or can never complete. */
const DISCARD_KINDS = new Set(['checksum', 'size', 'not-found', 'incomplete']);

const inFlight = new Map<string, Promise<string>>();

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

async function sha256Of(p: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** Takes `<partial>.lock` for this process; another live process holding it is an error. */
async function acquireLock(lockPath: string, id: string): Promise<() => Promise<void>> {
  await fsp.mkdir(path.dirname(lockPath), { recursive: true });
  try {
    await fsp.writeFile(lockPath, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const pid = Number((await fsp.readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw new DownloadError('busy', `Another process (pid ${pid}) is downloading ${id} into the same cache.`, {
        where: lockPath,
        hint: `Wait for it to finish, or if no such download runs, delete ${lockPath}.`,
      });
    }
    await fsp.writeFile(lockPath, String(process.pid));
  }
  return () => fsp.rm(lockPath, { force: true });
}

function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(what));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(what));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    if ((await fsp.readdir(dir)).length === 0) await fsp.rmdir(dir);
  } catch {
    // already gone, or not empty
  }
}

/** Downloads `ref` into the cache unless it is there already; returns the model folder. */
export function downloadHubModel(ref: HubModelRef, options: DownloadModelOptions): Promise<string> {
  const key = partialModelDir(options.cacheDir, ref.repo, ref.revision);
  const running = inFlight.get(key);
  if (running) return running;
  const job = download(ref, options).finally(() => inFlight.delete(key));
  inFlight.set(key, job);
  return job;
}

async function download(ref: HubModelRef, options: DownloadModelOptions): Promise<string> {
  const finalDir = cachedModelDir(options.cacheDir, ref.repo, ref.revision);
  if (missingModelFiles(finalDir, ref.files, ref.oneOf).length === 0) return finalDir;
  const partialDir = partialModelDir(options.cacheDir, ref.repo, ref.revision);
  const partialRoot = path.dirname(partialDir);
  const log = options.log ?? ((): void => undefined);
  let release: (() => Promise<void>) | null = null;
  try {
    await fsp.mkdir(partialDir, { recursive: true });
    release = await acquireLock(`${partialDir}.lock`, ref.id);
    const manifest: SourceManifest = {
      id: ref.id,
      repo: ref.repo,
      revision: ref.revision,
      commit: null,
      mirror: options.mirror,
      downloadedAt: '',
      files: [],
      absent: [],
    };
    for (const [fileIndex, file] of ref.files.entries()) {
      const target = path.join(partialDir, file.name);
      const url = hubFileUrl(options.mirror, ref.repo, ref.revision, file.name);
      if (isFile(target)) {
        // Fetched and checked by an earlier attempt.
        const size = statSync(target).size;
        manifest.files.push({ name: file.name, size, sha256: await sha256Of(target), sha256Checked: file.sha256 !== undefined, url });
        options.onProgress?.({ model: ref.id, fileIndex, fileCount: ref.files.length, file: file.name, bytes: size, total: size, received: 0, bytesPerSecond: 0, etaSeconds: 0, done: true });
        continue;
      }
      await fsp.mkdir(path.dirname(target), { recursive: true });
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await downloadFile({
            url,
            file,
            finalPath: target,
            token: options.token,
            signal: options.signal,
            idleTimeoutMs: options.idleTimeoutMs,
            progressIntervalMs: options.progressIntervalMs,
            onProgress: options.onProgress && ((p) => options.onProgress?.({ ...p, model: ref.id, fileIndex, fileCount: ref.files.length })),
          });
          if (result.status === 'missing') {
            manifest.absent.push(file.name);
            log(`${ref.id}: ${file.name} is not in the repository (optional, skipped)`);
          } else {
            if (result.resumedFrom > 0) log(`${ref.id}: ${file.name} resumed from byte ${result.resumedFrom}`);
            manifest.commit ??= result.repoCommit;
            manifest.files.push({ name: file.name, size: result.size, sha256: result.sha256, sha256Checked: result.sha256Checked, url });
          }
          break;
        } catch (error) {
          const retries = options.retries ?? 2;
          if (!(error instanceof DownloadError) || !error.retryable || attempt >= retries) throw error;
          log(`${ref.id}: ${error.message} Retrying (${attempt + 1} of ${retries})…`);
          await sleep((options.retryDelayMs ?? 1000) * (attempt + 1), options.signal, ref.id);
        }
      }
    }
    const missing = missingModelFiles(partialDir, ref.files, ref.oneOf);
    if (missing.length > 0) {
      throw new DownloadError('incomplete', `${ref.repo} at revision ${ref.revision} (${options.mirror}) lacks files the model needs: ${missing.join(', ')}.`, {
        hint: 'Fine-Tune reads config.json, model.safetensors and tokenizer.json or vocab.txt; pick a model that ships them, or put them in a folder and pass its path.',
      });
    }
    manifest.downloadedAt = new Date().toISOString();
    await fsp.writeFile(path.join(partialDir, SOURCE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await placeFolder(partialDir, finalDir);
    log(`${ref.id}: saved in ${finalDir}`);
    return finalDir;
  } catch (error) {
    if (error instanceof DownloadError && DISCARD_KINDS.has(error.kind)) {
      await fsp.rm(partialDir, { recursive: true, force: true });
    } else {
      await removeIfEmpty(partialDir);
    }
    throw error;
  } finally {
    if (release) await release();
    await removeIfEmpty(partialRoot);
  }
}

/** Renames the checked partial folder into place; a stale incomplete folder there is replaced. */
async function placeFolder(partialDir: string, finalDir: string): Promise<void> {
  await fsp.mkdir(path.dirname(finalDir), { recursive: true });
  await fsp.rm(finalDir, { recursive: true, force: true });
  try {
    await fsp.rename(partialDir, finalDir);
  } catch (error) {
    throw new DownloadError('write', `Cannot move the downloaded model from ${partialDir} to ${finalDir}: ${(error as Error).message}.`, {
      where: finalDir,
      hint: 'Check that the cache folder is writable (--cache DIR or FINETUNE_CACHE), then run again: the downloaded files are kept.',
    });
  }
}
