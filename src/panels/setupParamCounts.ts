// The setup panel's parameter counts: for the chosen model, the trainable and total parameters under
// each technique, counted by a training worker (describeModel). Known counts show at once; the rest
// are counted after a quiet moment, the chosen technique first, and a count the form no longer needs
// is dropped.

import type { TechniqueName, TrainConfig } from '../protocol/configTypes';
import type { DatasetStatus, IssueField, ModelChoice, ParamsStatus, SetupOptions } from '../protocol/setupPanelProtocol';
import type { ExtensionServices } from '../host/extensionServices';
import { describeModel, modelDescriberFor } from './describeModel';
import { describeKey, toTrainConfig } from './setupConfig';
import { validateSetup } from './setupValidation';

const TECHNIQUES: readonly TechniqueName[] = ['full', 'features', 'adapter', 'lora'];
/** Quiet time after the last change before parameters are counted. */
const DEBOUNCE_MS = 400;
/** Issues that change the models' shapes, or make them impossible to build: no count until they are fixed. */
const SHAPE_FIELDS: readonly IssueField[] = ['dataset', 'model', 'labelColumn', 'textColumn', 'loraRank', 'adapterSize', 'seed', 'validationFraction', 'testFraction'];

/** What the counts depend on, read from the panel when needed. */
export interface CountInputs {
  datasetPath: string;
  dataset: DatasetStatus;
  options: SetupOptions;
  models: ModelChoice[];
  modelProblem: string | null;
}

type Target = { key: string; config: TrainConfig } | { reason: string };

export class SetupParamCounts {
  private statuses: Record<TechniqueName, ParamsStatus>;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly services: ExtensionServices,
    private readonly inputs: () => CountInputs,
    /** Called when a count arrives. */
    private readonly changed: () => void,
  ) {
    this.statuses = this.all({ status: 'unknown', reason: 'Reading the dataset…' });
  }

  get current(): Record<TechniqueName, ParamsStatus> {
    return { ...this.statuses };
  }

  /** Every technique shows this until the next update (e.g. while the dataset is read again). */
  reset(reason: string): void {
    clearTimeout(this.timer);
    this.statuses = this.all({ status: 'unknown', reason });
  }

  /** Shows what is known now; counts the rest after a quiet moment. The caller posts the state. */
  update(): void {
    clearTimeout(this.timer);
    const describer = modelDescriberFor(this.services);
    const pending: TechniqueName[] = [];
    for (const technique of TECHNIQUES) {
      const target = this.target(technique);
      if ('reason' in target) {
        this.statuses[technique] = { status: 'unknown', reason: target.reason };
        continue;
      }
      const known = describer.peek(target.key);
      if (known?.kind === 'described') this.statuses[technique] = { status: 'ready', description: known.description };
      else if (known?.kind === 'failed') this.statuses[technique] = { status: 'failed', reason: known.reason };
      else {
        this.statuses[technique] = { status: 'computing' };
        pending.push(technique);
      }
    }
    if (pending.length === 0) return;
    const chosen = this.inputs().options.technique;
    const order = [...pending].sort((a, b) => Number(b === chosen) - Number(a === chosen));
    this.timer = setTimeout(() => {
      for (const technique of order) void this.count(technique);
    }, DEBOUNCE_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private all(status: ParamsStatus): Record<TechniqueName, ParamsStatus> {
    return { full: status, features: status, adapter: status, lora: status };
  }

  /** The key and config of the count for a technique under the current options, or why there is none. */
  private target(technique: TechniqueName): Target {
    const { dataset, options, models, modelProblem, datasetPath } = this.inputs();
    if (dataset.status !== 'ready') return { reason: dataset.status === 'loading' ? 'Reading the dataset…' : 'The dataset could not be read.' };
    const validation = validateSetup(options, { dataset, model: models.find((m) => m.value === options.model), modelProblem, trusted: true, starting: false });
    const blocking = validation.issues.find((i) => i.severity === 'error' && SHAPE_FIELDS.includes(i.field));
    if (blocking) return { reason: `counted once this is fixed: ${blocking.message}` };
    const chosen = models.find((m) => m.value === options.model);
    if (chosen?.download) return { reason: 'counted once the model is on this machine (it is downloaded when the run starts)' };
    const config = toTrainConfig({ ...options, technique }, datasetPath);
    const readsText = dataset.inspection.task === 'text-classification';
    return { key: describeKey(config, dataset.inspection.fingerprint, readsText), config };
  }

  private async count(technique: TechniqueName): Promise<void> {
    const target = this.target(technique);
    if ('reason' in target) return;
    const isWanted = (): boolean => {
      if (this.disposed) return false;
      const now = this.target(technique);
      return 'key' in now && now.key === target.key;
    };
    const outcome = await describeModel(this.services, target.config, target.key, isWanted);
    if (outcome.kind === 'skipped' || !isWanted()) return;
    this.statuses[technique] = outcome.kind === 'described' ? { status: 'ready', description: outcome.description } : { status: 'failed', reason: outcome.reason };
    this.changed();
  }
}
