// Where the extension's engine processes find and fetch base models: the model cache is the
// extension's global storage (context.globalStorageUri/models-cache); the mirror and offline mode
// come from the settings fineTune.modelMirror and fineTune.offline (read in readModelZooSettings.ts,
// so this file needs no vscode). They reach every worker and CLI child as FINETUNE_CACHE,
// FINETUNE_MODEL_MIRROR and FINETUNE_OFFLINE, which src/engine/zoo/zooSettings.ts reads.

import * as path from 'node:path';
import { describeError } from '../engine/userError';
import { normaliseMirror, resolveZooSettings, type ZooSettings } from '../engine/zoo/zooSettings';

export interface ModelZooSettings {
  /** The extension's model cache folder. */
  cacheDir: string;
  /** Base URL of a Hugging Face-layout server; '' = the environment's (FINETUNE_MODEL_MIRROR, HF_ENDPOINT) or huggingface.co. */
  mirror: string;
  /** Never download (FINETUNE_OFFLINE=1); false leaves the environment's choice. */
  offline: boolean;
}

/** The cache folder inside the extension's global storage folder. */
export function modelCacheDir(globalStorageDir: string): string {
  return path.join(globalStorageDir, 'models-cache');
}

/** The settings from raw configuration values; bad values fall back to the defaults. */
export function parseModelZooSettings(get: (key: string) => unknown, globalStorageDir: string): ModelZooSettings {
  const mirror = get('modelMirror');
  return {
    cacheDir: modelCacheDir(globalStorageDir),
    mirror: typeof mirror === 'string' ? mirror.trim() : '',
    offline: get('offline') === true,
  };
}

/** The environment variables a child process of the engine gets for these settings. */
export function zooEnvironment(settings: ModelZooSettings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { FINETUNE_CACHE: settings.cacheDir };
  if (settings.mirror !== '') env.FINETUNE_MODEL_MIRROR = settings.mirror;
  if (settings.offline) env.FINETUNE_OFFLINE = '1';
  return env;
}

/**
 * The engine's view of these settings in this process (where the host looks for cached models):
 * the same resolution a child does with zooEnvironment's variables. A mirror that is not a URL
 * falls back to the environment's, so the panel still lists the models (the run then reports it).
 */
export function hostZooSettings(settings: ModelZooSettings, env: NodeJS.ProcessEnv = process.env): ZooSettings {
  const offline = settings.offline ? true : undefined;
  let resolved: ZooSettings;
  try {
    resolved = resolveZooSettings({ cacheDir: settings.cacheDir, mirror: settings.mirror === '' ? undefined : settings.mirror, offline, env });
  } catch {
    resolved = resolveZooSettings({ cacheDir: settings.cacheDir, offline, env: { ...env, FINETUNE_MODEL_MIRROR: undefined, HF_ENDPOINT: undefined } });
  }
  return settings.offline ? { ...resolved, offlineReason: 'the setting fineTune.offline' } : resolved;
}

/** Why the mirror setting cannot be used, or null. */
export function mirrorProblem(settings: ModelZooSettings): string | null {
  if (settings.mirror === '') return null;
  try {
    normaliseMirror(settings.mirror, 'the setting fineTune.modelMirror');
    return null;
  } catch (error) {
    return describeError(error);
  }
}
