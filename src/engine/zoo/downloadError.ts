// Errors of model downloads: a kind callers can switch on, and a message that says what failed,
// which file or URL, and what to do.

import { UserError } from '../userError';

export type DownloadErrorKind =
  | 'not-found' // HTTP 404 on a required file
  | 'unauthorized' // HTTP 401/403: gated or private model
  | 'server' // other HTTP errors
  | 'network' // host unreachable, DNS, refused, timed out
  | 'cut' // the transfer stopped before the end (the part is kept)
  | 'checksum' // SHA-256 differs (the download is deleted)
  | 'size' // size differs from the one announced or catalogued (the download is deleted)
  | 'redirects' // too many or bad redirects
  | 'disk-full' // ENOSPC while writing
  | 'write' // the cache folder cannot be written
  | 'offline' // offline mode and not cached
  | 'cancelled' // AbortSignal
  | 'busy' // another process downloads the same model
  | 'incomplete'; // the repository lacks files the model needs

export class DownloadError extends UserError {
  readonly kind: DownloadErrorKind;
  /** URL the error is about, when there is one. */
  readonly url: string | null;
  /** True when trying again soon may work (a cut transfer, a reset or timed-out connection). */
  readonly retryable: boolean;

  constructor(kind: DownloadErrorKind, message: string, options: { url?: string | null; where?: string | null; hint?: string | null; retryable?: boolean } = {}) {
    super(message, { where: options.where ?? null, hint: options.hint ?? null });
    this.name = kind === 'cancelled' ? 'AbortError' : 'DownloadError';
    this.kind = kind;
    this.url = options.url ?? null;
    this.retryable = options.retryable ?? kind === 'cut';
  }
}

/** Network failures worth a retry; a refused connection or an unknown host fails the same way again. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN']);

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
  ECONNABORTED: 'the connection was aborted',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate could not be verified',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain is self-signed',
};

/** The Node error code of an error, if any. */
export function errorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || errorCode(error) === 'ABORT_ERR');
}

/** A network failure reaching `url`, with the reason in words. */
export function networkError(error: unknown, url: string): DownloadError {
  const code = errorCode(error);
  const reason = (code && NETWORK_CODES[code]) ?? (error instanceof Error ? error.message : String(error));
  const host = new URL(url).host;
  return new DownloadError('network', `Cannot reach ${host} to download ${url}: ${reason}${code ? ` (${code})` : ''}.`, {
    url,
    retryable: code !== null && TRANSIENT_CODES.has(code),
    hint:
      'Check the network connection and any proxy, or set a mirror (--mirror URL, FINETUNE_MODEL_MIRROR or HF_ENDPOINT); ' +
      'on a machine without network, copy the model folder and pass its path, or set FINETUNE_OFFLINE=1 to use cached models only.',
  });
}

export function cancelledError(what: string): DownloadError {
  return new DownloadError('cancelled', `The download of ${what} was cancelled.`, { hint: 'What was downloaded is kept; the next download resumes from there.' });
}
