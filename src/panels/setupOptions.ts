// The setup form's options: their defaults for a dataset, and the reducer that applies one change.
// Fields the user has not set follow the defaults of what they depend on: the model follows the
// task, the technique follows the model, epochs / learning rate / patience follow both.
// Pure (no vscode, no fs): unit-tested in test/unit/panels/.

import type { TechniqueName } from '../protocol/configTypes';
import type { TaskKind } from '../protocol/datasetTypes';
import { NUMBER_FIELDS, type EditableField, type NumberField, type OptionChange, type SetupOptions } from '../protocol/setupPanelProtocol';
import { defaultModelFor, defaultTechniqueFor as engineDefaultTechnique, isFromScratch, makeTrainConfig } from '../engine/training/trainDefaults';
import { formatNumber } from './setupNumbers';

/** What the defaults depend on. */
export interface DefaultsContext {
  /** The dataset's task, null while unknown. */
  task: TaskKind | null;
  /** The setting fineTune.defaultTechnique. */
  defaultTechnique: TechniqueName;
}

/**
 * The technique preselected for a model: a model built from random weights trains in full; the
 * image backbone uses feature extraction (as the engine's default: cached features, an epoch in
 * well under a second); any other model the setting fineTune.defaultTechnique.
 */
export function defaultTechniqueFor(model: string, preferred: TechniqueName): TechniqueName {
  if (isFromScratch(model)) return 'full';
  return model === 'mobilenet_v2' ? engineDefaultTechnique(model) : preferred;
}

/** The numeric fields' defaults for a model and technique, as the form shows them. */
export function defaultNumbers(model: string, technique: TechniqueName): Record<NumberField, string> {
  const c = makeTrainConfig('', { model, technique });
  return {
    epochs: formatNumber(c.epochs),
    learningRate: formatNumber(c.learningRate),
    batchSize: formatNumber(c.batchSize),
    loraRank: formatNumber(c.lora.rank),
    loraAlpha: formatNumber(c.lora.alpha),
    adapterSize: formatNumber(c.adapter.size),
    patience: formatNumber(c.earlyStopping.patience),
    seed: formatNumber(c.seed),
    weightDecay: formatNumber(c.weightDecay),
    warmupRatio: formatNumber(c.warmupRatio),
    clipNorm: formatNumber(c.clipNorm),
    validationFraction: formatNumber(c.split.validation),
    testFraction: formatNumber(c.split.test),
  };
}

export function defaultOptions(context: DefaultsContext): SetupOptions {
  const model = defaultModelFor(context.task);
  const technique = defaultTechniqueFor(model, context.defaultTechnique);
  const c = makeTrainConfig('', { model, technique });
  return {
    model,
    technique,
    labelColumn: null,
    textColumn: null,
    numbers: defaultNumbers(model, technique),
    optimizer: c.optimizer,
    schedule: c.schedule,
    classWeights: c.classWeights,
    edited: [],
  };
}

function markEdited(options: SetupOptions, field: EditableField): EditableField[] {
  return options.edited.includes(field) ? options.edited : [...options.edited, field];
}

/** Re-applies the defaults to every field the user has not set (after the task, model or technique changed). */
export function followDefaults(options: SetupOptions, context: DefaultsContext): SetupOptions {
  const edited = new Set(options.edited);
  const model = edited.has('model') ? options.model : defaultModelFor(context.task);
  const technique = edited.has('technique') ? options.technique : defaultTechniqueFor(model, context.defaultTechnique);
  const defaults = defaultNumbers(model, technique);
  const numbers = { ...options.numbers };
  for (const field of NUMBER_FIELDS) {
    if (!edited.has(field)) numbers[field] = defaults[field];
  }
  return { ...options, model, technique, numbers };
}

/** Applies one change from the form; `inferred` maps a choice of the inferred column back to null (inferred). */
export function applyOptionChange(
  options: SetupOptions,
  change: OptionChange,
  context: DefaultsContext & { inferredLabel: string | null; inferredText: string | null },
): SetupOptions {
  switch (change.field) {
    case 'model':
      return followDefaults({ ...options, model: change.value, edited: markEdited(options, 'model') }, context);
    case 'technique':
      return followDefaults({ ...options, technique: change.value, edited: markEdited(options, 'technique') }, context);
    case 'labelColumn':
      return { ...options, labelColumn: change.value === context.inferredLabel ? null : change.value };
    case 'textColumn':
      return { ...options, textColumn: change.value === context.inferredText ? null : change.value };
    case 'number':
      return { ...options, numbers: { ...options.numbers, [change.name]: change.value }, edited: markEdited(options, change.name) };
    case 'optimizer':
      return { ...options, optimizer: change.value };
    case 'schedule':
      return { ...options, schedule: change.value };
    case 'classWeights':
      return { ...options, classWeights: change.value };
    case 'defaults': {
      const fresh = defaultOptions(context);
      const keepModel = options.edited.includes('model');
      return followDefaults(
        { ...fresh, model: options.model, labelColumn: options.labelColumn, textColumn: options.textColumn, edited: keepModel ? ['model'] : [] },
        context,
      );
    }
  }
}
