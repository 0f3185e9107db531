// Where models are cached and fetched from: options first, then environment variables, then defaults
// (the same variables Hugging Face tools read, so an existing setup keeps working).

import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../userError';

export const DEFAULT_MIRROR = 'https://huggingface.co';

/** Options every zoo entry point accepts; all optional. */
export interface ZooSettingsOptions {
  /** Our cache folder (the extension passes its global storage); default FINETUNE_CACHE or ~/.cache/finetune. */
  cacheDir?: string;
  /** Base URL of a Hugging Face-layout server; default FINETUNE_MODEL_MIRROR, HF_ENDPOINT or huggingface.co. */
  mirror?: string;
  /** Never touch the network; default FINETUNE_OFFLINE or HF_HUB_OFFLINE. */
  offline?: boolean;
  /** Access token for gated or private models; default HF_TOKEN. Sent only to the mirror's own host. */
  token?: string;
  /** Environment to read instead of process.env (tests). */
  env?: NodeJS.ProcessEnv;
  /** Home folder instead of os.homedir() (tests). */
  homeDir?: string;
}

export interface ZooSettings {
  cacheDir: string;
  mirror: string;
  offline: boolean;
  token: string | null;
  /** The Hugging Face hub cache (`…/huggingface/hub`), looked into before downloading. */
  hfHubCacheDir: string;
  /** Which setting made the mode offline, for messages. */
  offlineReason: string | null;
}

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

function truthy(value: string | undefined): boolean {
  return value !== undefined && TRUTHY.has(value.trim().toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** Checks a mirror base URL and drops a trailing slash. */
export function normaliseMirror(raw: string, from: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`The model mirror "${raw}" (${from}) is not a URL.`, { hint: 'Give a base URL such as https://huggingface.co or http://127.0.0.1:8080.' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`The model mirror "${raw}" (${from}) must be an http or https URL.`, { hint: 'Give a base URL such as https://huggingface.co.' });
  }
  return raw.trim().replace(/\/+$/, '');
}

function expandHome(p: string, home: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(home, p.slice(1)) : p;
}

/** The Hugging Face hub cache folder: HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub or ~/.cache/huggingface/hub. */
export function hfHubCacheDir(env: NodeJS.ProcessEnv, home: string): string {
  const direct = nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE);
  if (direct) return path.resolve(expandHome(direct, home));
  const hfHome = nonEmpty(env.HF_HOME);
  if (hfHome) return path.resolve(expandHome(hfHome, home), 'hub');
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  return path.resolve(xdg ? expandHome(xdg, home) : path.join(home, '.cache'), 'huggingface', 'hub');
}

export function resolveZooSettings(options: ZooSettingsOptions = {}): ZooSettings {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? os.homedir();
  const cacheRaw = options.cacheDir ?? nonEmpty(env.FINETUNE_CACHE) ?? path.join(home, '.cache', 'finetune');
  const mirrorOption = nonEmpty(options.mirror);
  const mirrorEnv = nonEmpty(env.FINETUNE_MODEL_MIRROR);
  const endpointEnv = nonEmpty(env.HF_ENDPOINT);
  const mirror = mirrorOption
    ? normaliseMirror(mirrorOption, 'the mirror option')
    : mirrorEnv
      ? normaliseMirror(mirrorEnv, 'FINETUNE_MODEL_MIRROR')
      : endpointEnv
        ? normaliseMirror(endpointEnv, 'HF_ENDPOINT')
        : DEFAULT_MIRROR;
  let offlineReason: string | null = null;
  if (options.offline === true) offlineReason = 'the offline option';
  else if (options.offline === undefined) {
    if (truthy(env.FINETUNE_OFFLINE)) offlineReason = 'FINETUNE_OFFLINE is set';
    else if (truthy(env.HF_HUB_OFFLINE)) offlineReason = 'HF_HUB_OFFLINE is set';
  }
  return {
    cacheDir: path.resolve(expandHome(cacheRaw, home)),
    mirror,
    offline: offlineReason !== null,
    offlineReason,
    token: nonEmpty(options.token) ?? nonEmpty(env.HF_TOKEN) ?? nonEmpty(env.HUGGING_FACE_HUB_TOKEN) ?? null,
    hfHubCacheDir: hfHubCacheDir(env, home),
  };
}
