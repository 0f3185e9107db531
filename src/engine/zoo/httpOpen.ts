// One GET through Node's http/https, following redirects (301/302/303/307/308, relative Location
// too, at most 5): Hugging Face answers a file request with a redirect to its CDN. The hub headers
// that describe the file (X-Linked-Etag = SHA-256 of large files, X-Linked-Size, X-Repo-Commit) come
// on the first answer, so they are kept from whichever hop carried them.

import * as http from 'node:http';
import * as https from 'node:https';
import { DownloadError, cancelledError, isAbortError, networkError } from './downloadError';

export const MAX_REDIRECTS = 5;

export interface OpenOptions {
  /** Extra request headers (e.g. Range, If-Range). */
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …` to the first URL's host only, never to a redirect's other host. */
  token?: string | null;
  signal?: AbortSignal;
  /** A socket silent this long (connect or body) fails the request. */
  idleTimeoutMs?: number;
  /** What is downloaded, for messages. */
  what: string;
}

export interface OpenedResponse {
  response: http.IncomingMessage;
  status: number;
  /** URL of the answer (after redirects). */
  url: string;
  /** SHA-256 the hub announced for the file (X-Linked-Etag), or null. */
  linkedSha256: string | null;
  /** Size the hub announced for the file (X-Linked-Size), or null. */
  linkedSize: number | null;
  /** Commit the hub resolved the revision to (X-Repo-Commit), or null. */
  repoCommit: string | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function header(res: http.IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? null) : null;
}

/** The SHA-256 in an ETag-style header (`"…"`, `W/"…"`), or null when it is not a SHA-256. */
export function sha256FromEtag(value: string | null): string | null {
  if (value === null) return null;
  const bare = value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(bare) ? bare : null;
}

function requestOnce(url: URL, headers: Record<string, string>, options: OpenOptions): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method: 'GET', headers, agent: false, signal: options.signal }, resolve);
    req.on('error', reject);
    req.setTimeout(options.idleTimeoutMs ?? 60_000, () => {
      req.destroy(Object.assign(new Error('no data for too long'), { code: 'ETIMEDOUT' }));
    });
    req.end();
  });
}

/** Opens `url`, following redirects; the caller reads or drains the response. */
export async function openUrl(url: string, options: OpenOptions): Promise<OpenedResponse> {
  const first = new URL(url);
  let current = first;
  let linkedSha256: string | null = null;
  let linkedSize: number | null = null;
  let repoCommit: string | null = null;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'finetune (model zoo)', 'accept-encoding': 'identity', ...options.headers };
    if (options.token && current.origin === first.origin) headers.authorization = `Bearer ${options.token}`;
    let res: http.IncomingMessage;
    try {
      res = await requestOnce(current, headers, options);
    } catch (error) {
      if (isAbortError(error)) throw cancelledError(options.what);
      throw networkError(error, current.href);
    }
    linkedSha256 ??= sha256FromEtag(header(res, 'x-linked-etag'));
    const size = Number(header(res, 'x-linked-size') ?? NaN);
    if (linkedSize === null && Number.isSafeInteger(size) && size >= 0) linkedSize = size;
    repoCommit ??= header(res, 'x-repo-commit');
    const status = res.statusCode ?? 0;
    const location = header(res, 'location');
    if (!REDIRECTS.has(status) || location === null) {
      return { response: res, status, url: current.href, linkedSha256, linkedSize, repoCommit };
    }
    res.resume();
    if (hop >= MAX_REDIRECTS) {
      throw new DownloadError('redirects', `Too many redirects (more than ${MAX_REDIRECTS}) while downloading ${options.what} from ${url}.`, {
        url,
        hint: 'The server or mirror is misconfigured; try again later or use another mirror (--mirror URL).',
      });
    }
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      next = new URL('invalid:');
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new DownloadError('redirects', `The server redirected ${options.what} from ${current.href} to an unusable address "${location}".`, {
        url: current.href,
        hint: 'Use another mirror (--mirror URL).',
      });
    }
    current = next;
  }
}
