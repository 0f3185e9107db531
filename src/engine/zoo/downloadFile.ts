// Downloads one file into the partial folder: resumes a `.part` left by an earlier attempt with an
// HTTP Range request (206 appends; 200 means the server ignored Range, so it starts over; 416 means
// the part is already whole or stale), reports progress, checks size and SHA-256, then renames the
// part to its final name. A cut transfer keeps the part; a wrong size or checksum deletes it.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CatalogFile } from './catalogTypes';
import { DownloadError, cancelledError, errorCode, isAbortError } from './downloadError';
import { openUrl, type OpenedResponse } from './httpOpen';
import { TransferRate } from './transferRate';

export interface FileProgress {
  file: string;
  /** Bytes of the file on disk (resumed bytes included). Goes back to 0 only when a server ignores Range. */
  bytes: number;
  /** Size of the file, when the server said it. */
  total: number | null;
  /** Bytes received over the network by this call (always increasing). */
  received: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  /** True on the last report of the file, with bytes === total. */
  done: boolean;
}

export interface DownloadFileRequest {
  url: string;
  file: CatalogFile;
  /** Final path of the file inside the partial model folder; the part is `<finalPath>.part`. */
  finalPath: string;
  token?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: FileProgress) => void;
  idleTimeoutMs?: number;
  /** Minimum milliseconds between progress reports (the first and the last are always sent). */
  progressIntervalMs?: number;
}

export type DownloadFileResult =
  | { status: 'done'; size: number; sha256: string; sha256Checked: boolean; url: string; repoCommit: string | null; resumedFrom: number }
  | { status: 'missing'; url: string };

interface PartMeta {
  url: string;
  etag: string | null;
  expectedSha256: string | null;
}

function fileSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

async function readMeta(p: string): Promise<PartMeta | null> {
  try {
    return JSON.parse(await fsp.readFile(p, 'utf8')) as PartMeta;
  } catch {
    return null;
  }
}

async function removeFiles(...paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => fsp.rm(p, { force: true })));
}

async function hashFile(p: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
}

function drain(res: IncomingMessage): void {
  res.resume();
  res.on('error', () => undefined);
}

/** Parses a Content-Range value: `bytes START-END/TOTAL`, or `bytes *` then `/TOTAL` (416 answers). */
function parseContentRange(value: string | undefined): { start: number | null; total: number | null } {
  const m = /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i.exec((value ?? '').trim());
  if (!m) return { start: null, total: null };
  return { start: m[1] === undefined ? null : Number(m[1]), total: m[2] === '*' ? null : Number(m[2]) };
}

function contentLength(res: IncomingMessage): number | null {
  const n = Number(res.headers['content-length'] ?? NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function strongEtag(res: IncomingMessage): string | null {
  const etag = res.headers.etag;
  return typeof etag === 'string' && !etag.startsWith('W/') ? etag : null;
}

/** Hugging Face's own reason for an error answer (X-Error-Code: RepoNotFound, GatedRepo, EntryNotFound, RevisionNotFound…). */
function hubErrorCode(res: IncomingMessage): string | null {
  const v = res.headers['x-error-code'];
  return typeof v === 'string' ? v : null;
}

function statusError(opened: OpenedResponse, name: string): DownloadError {
  const { status, url } = opened;
  const hubCode = hubErrorCode(opened.response);
  if (hubCode === 'RepoNotFound') {
    return new DownloadError('not-found', `The repository of ${url} was not found (HTTP ${status}, ${hubCode}).`, {
      url,
      hint: 'Check the model id (org/name; run `finetune models` for the catalog). A private repository also answers this way: set HF_TOKEN to an access token that can read it.',
    });
  }
  if (hubCode === 'RevisionNotFound') {
    return new DownloadError('not-found', `The revision in ${url} does not exist (HTTP ${status}, ${hubCode}).`, {
      url,
      hint: 'Check the branch, tag or commit after @ in the model id (the default is main).',
    });
  }
  if (status === 401 || status === 403) {
    return new DownloadError('unauthorized', `Access denied (HTTP ${status}${hubCode ? `, ${hubCode}` : ''}) to ${name} at ${url}.`, {
      url,
      hint:
        'The model is gated or private: log in to huggingface.co, accept its terms on its page and set HF_TOKEN to an access token (huggingface.co/settings/tokens), ' +
        'or use a mirror that serves it (--mirror URL or FINETUNE_MODEL_MIRROR).',
    });
  }
  if (status === 404) {
    return new DownloadError('not-found', `${name} was not found (HTTP 404) at ${url}.`, {
      url,
      hint:
        name === 'model.safetensors'
          ? 'The repository may ship only PyTorch weights (pytorch_model.bin), which Fine-Tune cannot read: pick a model with model.safetensors, or convert it and pass the folder.'
          : 'Check the model id and revision (the repository may have been renamed), or use another mirror.',
    });
  }
  return new DownloadError('server', `The server answered HTTP ${status} for ${name} at ${url}.`, {
    url,
    hint: status >= 500 ? 'The server has a problem: try again later, or use another mirror (--mirror URL).' : 'Use another mirror (--mirror URL), or download the model folder by hand and pass its path.',
  });
}

function mismatch(kind: 'checksum' | 'size', what: string, url: string, expected: string, got: string, partPath: string): DownloadError {
  return new DownloadError(kind, `${kind === 'checksum' ? 'Checksum (SHA-256)' : 'Size'} mismatch for ${what} from ${url}: expected ${expected}, got ${got}.`, {
    url,
    where: partPath,
    hint: 'The download was deleted and nothing was placed in the cache. The transfer was corrupted or the mirror serves a different file: try again, or use another mirror.',
  });
}

/** Downloads `request.url` to `request.finalPath` (through `<finalPath>.part`). */
export async function downloadFile(request: DownloadFileRequest): Promise<DownloadFileResult> {
  const { file, finalPath } = request;
  const partPath = `${finalPath}.part`;
  const metaPath = `${partPath}.json`;
  const expectedSha = file.sha256?.toLowerCase() ?? null;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 2) throw new DownloadError('server', `The server keeps answering inconsistent ranges for ${file.name} at ${request.url}.`, { url: request.url, hint: 'Try again later, or use another mirror (--mirror URL).' });
    let have = fileSize(partPath);
    const meta = await readMeta(metaPath);
    if (have > 0 && (meta === null || meta.expectedSha256 !== expectedSha)) {
      await removeFiles(partPath, metaPath);
      have = 0;
    }
    const headers: Record<string, string> = {};
    if (have > 0) {
      headers.range = `bytes=${have}-`;
      if (meta?.etag) headers['if-range'] = meta.etag;
    }
    const opened = await openUrl(request.url, { headers, token: request.token, signal: request.signal, idleTimeoutMs: request.idleTimeoutMs, what: file.name });
    const res = opened.response;
    let append: boolean;
    let total: number | null;
    let alreadyWhole = false;
    if (opened.status === 404) {
      drain(res);
      await removeFiles(partPath, metaPath);
      const hubCode = hubErrorCode(res);
      if (file.required || (hubCode !== null && hubCode !== 'EntryNotFound')) throw statusError(opened, file.name);
      return { status: 'missing', url: request.url };
    } else if (opened.status === 416 && have > 0) {
      drain(res);
      const range = parseContentRange(res.headers['content-range']);
      if (range.total === have) {
        append = true;
        total = have;
        alreadyWhole = true;
      } else {
        await removeFiles(partPath, metaPath);
        continue;
      }
    } else if (opened.status === 206 && have > 0) {
      const range = parseContentRange(res.headers['content-range']);
      if (range.start !== have) {
        res.destroy();
        await removeFiles(partPath, metaPath);
        continue;
      }
      append = true;
      total = range.total;
    } else if (opened.status === 200) {
      append = false; // a fresh download, or a server that ignored Range: start over
      total = contentLength(res);
    } else {
      drain(res);
      throw statusError(opened, file.name);
    }
    const expectedSize = file.size ?? opened.linkedSize ?? null;
    if (expectedSize !== null && total !== null && total !== expectedSize) {
      res.destroy();
      await removeFiles(partPath, metaPath);
      throw mismatch('size', file.name, opened.url, `${expectedSize} bytes`, `${total} bytes announced`, partPath);
    }
    total ??= expectedSize;
    const shaToCheck = expectedSha ?? opened.linkedSha256;
    await fsp.writeFile(metaPath, JSON.stringify({ url: request.url, etag: strongEtag(res), expectedSha256: expectedSha } satisfies PartMeta));

    const hash = createHash('sha256');
    const start = append ? have : 0;
    if (append && have > 0) await hashFile(partPath, hash);
    const size = start + (alreadyWhole ? 0 : await receive(request, res, hash, { append, start, total, partPath, url: opened.url }));
    if (alreadyWhole) request.onProgress?.({ file: file.name, bytes: size, total: size, received: 0, bytesPerSecond: 0, etaSeconds: 0, done: true });
    if (total !== null && size < total) {
      throw new DownloadError('cut', `The transfer of ${file.name} from ${opened.url} stopped after ${size} of ${total} bytes.`, {
        url: opened.url,
        where: partPath,
        hint: 'The part is kept: run the download again and it resumes where it stopped.',
      });
    }
    if (total !== null && size > total) {
      await removeFiles(partPath, metaPath);
      throw mismatch('size', file.name, opened.url, `${total} bytes`, `${size} bytes`, partPath);
    }
    if (expectedSize !== null && size !== expectedSize) {
      await removeFiles(partPath, metaPath);
      throw mismatch('size', file.name, opened.url, `${expectedSize} bytes`, `${size} bytes`, partPath);
    }
    const sha256 = hash.digest('hex');
    if (shaToCheck !== null && sha256 !== shaToCheck) {
      await removeFiles(partPath, metaPath);
      throw mismatch('checksum', file.name, opened.url, shaToCheck, sha256, partPath);
    }
    const fh = await fsp.open(partPath, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(partPath, finalPath);
    await removeFiles(metaPath);
    return { status: 'done', size, sha256, sha256Checked: shaToCheck !== null, url: opened.url, repoCommit: opened.repoCommit, resumedFrom: start };
  }
}

/** Streams the body into the part file; returns the bytes written. Maps failures to download errors. */
async function receive(
  request: DownloadFileRequest,
  res: IncomingMessage,
  hash: Hash,
  at: { append: boolean; start: number; total: number | null; partPath: string; url: string },
): Promise<number> {
  const rate = new TransferRate();
  const interval = request.progressIntervalMs ?? 200;
  let written = 0;
  let lastReport = -Infinity;
  const report = (done: boolean): void => {
    if (!request.onProgress) return;
    const now = Date.now();
    if (!done && now - lastReport < interval) return;
    lastReport = now;
    const bytes = at.start + written;
    request.onProgress({
      file: request.file.name,
      bytes,
      total: at.total,
      received: rate.total,
      bytesPerSecond: rate.bytesPerSecond(),
      etaSeconds: rate.etaSeconds(at.total === null ? null : at.total - bytes),
      done,
    });
  };
  const meter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      hash.update(chunk);
      written += chunk.length;
      rate.add(chunk.length);
      report(false);
      callback(null, chunk);
    },
  });
  report(false);
  try {
    await pipeline(res, meter, createWriteStream(at.partPath, { flags: at.append ? 'a' : 'w' }), { signal: request.signal });
  } catch (error) {
    res.destroy();
    const code = errorCode(error);
    if (isAbortError(error) || request.signal?.aborted) throw cancelledError(request.file.name);
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new DownloadError('disk-full', `The disk is full: could not write ${request.file.name} (${fileSize(at.partPath)} bytes written so far).`, {
        url: at.url,
        where: at.partPath,
        hint: 'Free some space, or choose another cache folder (--cache DIR or FINETUNE_CACHE), then run again: the download resumes.',
      });
    }
    if (code !== null && /^E(ACCES|PERM|ROFS|NOENT|ISDIR|NOTDIR)$/.test(code)) {
      throw new DownloadError('write', `Cannot write ${at.partPath}: ${(error as Error).message}.`, {
        where: at.partPath,
        hint: 'Choose a writable cache folder (--cache DIR or FINETUNE_CACHE).',
      });
    }
    const total = at.total === null ? '' : ` of ${at.total}`;
    throw new DownloadError('cut', `The transfer of ${request.file.name} from ${at.url} stopped after ${fileSize(at.partPath)}${total} bytes (${code ?? (error instanceof Error ? error.message : String(error))}).`, {
      url: at.url,
      where: at.partPath,
      hint: 'The part is kept: run the download again and it resumes where it stopped.',
    });
  }
  if (at.total === null || at.start + written >= at.total) report(true);
  return written;
}
