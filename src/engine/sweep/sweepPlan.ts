// Plans a technique sweep: the techniques crossed with the grid (a cartesian product), where a
// hyper-parameter multiplies only the techniques it changes (rank: LoRA only; adapter-size:
// adapters only). Every run shares the dataset, split and seed. Pure: creates nothing.

import type { TechniqueName, TrainConfig } from '../../protocol/configTypes';
import type { SweepAxis, SweepParam } from '../../protocol/sweepTypes';
import { UserError } from '../userError';
import { validateAxes } from './sweepGrid';
import { appliesTo, sweepParamSpec } from './sweepParams';

/** A sweep trains its runs one after another; more than this is a job for a bigger tool. */
export const MAX_SWEEP_RUNS = 32;

export type SweepSettings = Partial<Record<SweepParam, number>>;

export interface SweepPlanItem {
  technique: TechniqueName;
  /** The grid values of this run. */
  settings: SweepSettings;
  config: TrainConfig;
  /** Run name, e.g. "reviews.csv · lora r=4 lr=0.001". */
  name: string;
}

export interface SweepPlanInput {
  techniques: readonly TechniqueName[];
  axes: readonly SweepAxis[];
  /** The config one run of a technique gets without the grid: defaults plus the user's fixed options. */
  configFor(technique: TechniqueName): TrainConfig;
  /** Parameters the user set to one value (e.g. --lr); sweeping them too is a contradiction. */
  fixed?: readonly SweepParam[];
  maxRuns?: number;
}

/** "r=4 lr=0.001" in axis order; '' without settings. */
export function settingsText(settings: SweepSettings, axes: readonly SweepAxis[]): string {
  return axes
    .filter((axis) => settings[axis.param] !== undefined)
    .map((axis) => `${sweepParamSpec(axis.param).short}=${settings[axis.param]}`)
    .join(' ');
}

/** The cartesian product of the axes that apply to `technique` (one empty setting when none does). */
export function gridFor(technique: TechniqueName, axes: readonly SweepAxis[]): SweepSettings[] {
  let combos: SweepSettings[] = [{}];
  for (const axis of axes) {
    if (!appliesTo(axis.param, technique)) continue;
    combos = combos.flatMap((combo) => axis.values.map((value) => ({ ...combo, [axis.param]: value })));
  }
  return combos;
}

function datasetBase(datasetPath: string): string {
  return datasetPath.split(/[\\/]/).filter((part) => part !== '').pop() ?? datasetPath;
}

function checkAxesApply(techniques: readonly TechniqueName[], axes: readonly SweepAxis[], fixed: readonly SweepParam[]): void {
  for (const axis of axes) {
    const spec = sweepParamSpec(axis.param);
    if (fixed.includes(axis.param)) {
      throw new UserError(`The ${spec.label} is both fixed (--${axis.param}) and swept (--grid ${axis.param}=…).`, { hint: `Drop one of them.` });
    }
    if (!techniques.some((t) => spec.appliesTo.includes(t))) {
      throw new UserError(
        `--grid ${axis.param} changes only ${spec.appliesTo.join(', ')}, which ${spec.appliesTo.length > 1 ? 'are' : 'is'} not among the techniques (${techniques.join(', ')}).`,
        { hint: `Add ${spec.appliesTo.join(' or ')} to the techniques, or drop --grid ${axis.param}.` },
      );
    }
  }
}

/** The runs of the sweep, technique by technique in the order given, grid values in axis order. */
export function planSweep(input: SweepPlanInput): SweepPlanItem[] {
  const { techniques, axes } = input;
  if (techniques.length === 0) throw new UserError('A sweep needs at least one technique.');
  validateAxes(axes);
  checkAxesApply(techniques, axes, input.fixed ?? []);
  const items: SweepPlanItem[] = [];
  for (const technique of techniques) {
    const base = input.configFor(technique);
    for (const settings of gridFor(technique, axes)) {
      let config: TrainConfig = { ...base, technique };
      for (const axis of axes) {
        const value = settings[axis.param];
        if (value !== undefined) config = sweepParamSpec(axis.param).apply(config, value);
      }
      const text = settingsText(settings, axes);
      items.push({ technique, settings, config, name: `${datasetBase(config.datasetPath)} · ${technique}${text ? ` ${text}` : ''}` });
    }
  }
  const max = input.maxRuns ?? MAX_SWEEP_RUNS;
  if (items.length > max) {
    const counts = techniques.map((t) => `${t} ${gridFor(t, axes).length}`).join(', ');
    throw new UserError(`This sweep would train ${items.length} runs (${counts}); at most ${max} are allowed.`, {
      hint: 'Use fewer techniques or fewer grid values.',
    });
  }
  const first = items[0].config;
  for (const item of items) {
    const c = item.config;
    if (c.datasetPath !== first.datasetPath || c.seed !== first.seed || c.split.validation !== first.split.validation || c.split.test !== first.split.test) {
      throw new Error('Every run of a sweep must share the dataset, split and seed.');
    }
  }
  return items;
}
