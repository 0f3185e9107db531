// Shape check of a TrainConfig received from another process (the worker's model/describe, a
// restored webview state): every field a reader relies on, with its type.
// This file imports only other protocol files.

import type { AdapterConfig, BackendName, FrozenPrefixCacheMode, LoraConfig, TechniqueName, TrainConfig } from './configTypes';

const TECHNIQUES: readonly TechniqueName[] = ['full', 'features', 'adapter', 'lora'];
const BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];
const FROZEN_PREFIX_CACHE_MODES: readonly FrozenPrefixCacheMode[] = ['auto', 'off', 'inference'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

export function isTechniqueName(value: unknown): value is TechniqueName {
  return isOneOf(value, TECHNIQUES);
}

function isLoraConfig(value: unknown): value is LoraConfig {
  return isRecord(value) && isFiniteNumber(value.rank) && isFiniteNumber(value.alpha) && isFiniteNumber(value.dropout) && isStringArray(value.targets);
}

function isAdapterConfig(value: unknown): value is AdapterConfig {
  return isRecord(value) && isFiniteNumber(value.size) && isOneOf(value.activation, ['relu', 'gelu', 'tanh'] as const) && isStringArray(value.after);
}

export function isTrainConfig(value: unknown): value is TrainConfig {
  if (!isRecord(value)) return false;
  const v = value;
  const stop = v.earlyStopping;
  const split = v.split;
  return (
    typeof v.datasetPath === 'string' &&
    (v.labelColumn === null || typeof v.labelColumn === 'string') &&
    (v.textColumn === null || typeof v.textColumn === 'string') &&
    typeof v.model === 'string' &&
    isTechniqueName(v.technique) &&
    isFiniteNumber(v.epochs) &&
    isFiniteNumber(v.learningRate) &&
    isFiniteNumber(v.batchSize) &&
    isOneOf(v.optimizer, ['adam', 'adamw'] as const) &&
    isFiniteNumber(v.weightDecay) &&
    isFiniteNumber(v.warmupRatio) &&
    isOneOf(v.schedule, ['constant', 'linear', 'cosine'] as const) &&
    isFiniteNumber(v.clipNorm) &&
    isFiniteNumber(v.validateEverySteps) &&
    isRecord(stop) &&
    typeof stop.metric === 'string' &&
    isOneOf(stop.mode, ['min', 'max'] as const) &&
    isFiniteNumber(stop.patience) &&
    isOneOf(v.classWeights, ['none', 'balanced'] as const) &&
    isRecord(split) &&
    isFiniteNumber(split.validation) &&
    isFiniteNumber(split.test) &&
    isFiniteNumber(v.seed) &&
    isFiniteNumber(v.maxSequenceLength) &&
    isLoraConfig(v.lora) &&
    isAdapterConfig(v.adapter) &&
    (v.backend === null || isOneOf(v.backend, BACKENDS)) &&
    typeof v.cacheFeatures === 'boolean' &&
    typeof v.keepLastCheckpoint === 'boolean' &&
    (v.frozenPrefixCache === undefined || isOneOf(v.frozenPrefixCache, FROZEN_PREFIX_CACHE_MODES)) &&
    (v.workers === undefined || v.workers === 'auto' || (isFiniteNumber(v.workers) && Number.isInteger(v.workers) && v.workers >= 0))
  );
}
