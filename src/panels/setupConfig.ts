// The reducer from the setup form's options to the TrainConfig a run is created with.
// Pure: a field that does not parse (or does not apply to the technique) keeps its default.

import type { TrainConfig } from '../protocol/configTypes';
import type { NumberField, SetupOptions } from '../protocol/setupPanelProtocol';
import { makeTrainConfig } from '../engine/training/trainDefaults';
import { HF_DEFAULT_SEQUENCE_LENGTH } from '../engine/models/hf/hfConfig';
import { isHfModelChoice } from '../engine/models/hf/hfModelChoice';
import { parseNumberField } from './setupNumbers';

export function toTrainConfig(options: SetupOptions, datasetPath: string): TrainConfig {
  const base = makeTrainConfig(datasetPath, { model: options.model, technique: options.technique });
  const num = (field: NumberField, fallback: number): number => {
    const parsed = parseNumberField(field, options.numbers[field]);
    return parsed.ok ? parsed.value : fallback;
  };
  return {
    ...base,
    labelColumn: options.labelColumn,
    textColumn: options.textColumn,
    epochs: num('epochs', base.epochs),
    learningRate: num('learningRate', base.learningRate),
    batchSize: num('batchSize', base.batchSize),
    optimizer: options.optimizer,
    weightDecay: num('weightDecay', base.weightDecay),
    warmupRatio: num('warmupRatio', base.warmupRatio),
    schedule: options.schedule,
    clipNorm: num('clipNorm', base.clipNorm),
    earlyStopping: { ...base.earlyStopping, patience: num('patience', base.earlyStopping.patience) },
    classWeights: options.classWeights,
    split: { validation: num('validationFraction', base.split.validation), test: num('testFraction', base.split.test) },
    seed: num('seed', base.seed),
    // As the CLI: Hugging Face encoders read up to 128 tokens (the engine caps it at the model's positions).
    maxSequenceLength: isHfModelChoice(options.model) ? HF_DEFAULT_SEQUENCE_LENGTH : base.maxSequenceLength,
    lora: { ...base.lora, rank: num('loraRank', base.lora.rank), alpha: num('loraAlpha', base.lora.alpha) },
    adapter: { ...base.adapter, size: num('adapterSize', base.adapter.size) },
  };
}

/**
 * The cache key of a parameter count: what changes the models' shapes. The file fingerprint and
 * the columns fix the classes and inputs; a tabular encoder is fitted on the train split, so the
 * split (seed, fractions) counts there too.
 */
export function describeKey(config: TrainConfig, fingerprint: string, readsText: boolean): string {
  const parts: unknown[] = [
    fingerprint,
    config.labelColumn,
    config.textColumn,
    config.model,
    config.technique,
    config.technique === 'lora' ? [config.lora.rank, config.lora.targets] : null,
    config.technique === 'adapter' ? [config.adapter.size, config.adapter.after] : null,
    config.technique === 'features' ? config.cacheFeatures : null,
    readsText ? null : [config.seed, config.split.validation, config.split.test],
  ];
  return JSON.stringify(parts);
}
