// The contract of the setup panel ("Fine-tune a Model on This Dataset…"), imported by the host
// (src/panels/setupPanel*.ts) and the webview (webview/setup/). Messages going up are imperative
// `setup/<verb>`; the one message coming down is a full state snapshot, `setup/stateChanged`.
// The host sends nothing before `setup/ready`. Every incoming message is checked by a guard.
// This file imports only other protocol files.

import type { TechniqueName } from './configTypes';
import { isTechniqueName } from './configGuards';
import type { DatasetInspection } from './datasetTypes';
import type { ModelDescription } from './workerProtocol';

export const SETUP_VIEW_TYPE = 'finetune.setup';

/** Form fields typed as text: kept exactly as typed, so an invalid entry can be explained. */
export const NUMBER_FIELDS = [
  'epochs',
  'learningRate',
  'batchSize',
  'loraRank',
  'loraAlpha',
  'adapterSize',
  'patience',
  'seed',
  'weightDecay',
  'warmupRatio',
  'clipNorm',
  'validationFraction',
  'testFraction',
] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];
/** Fields whose default depends on other choices (the model on the task, the rest on the model and technique). */
export type EditableField = NumberField | 'technique' | 'model';

export type OptimizerName = 'adam' | 'adamw';
export type ScheduleName = 'constant' | 'linear' | 'cosine';
export type ClassWeightsName = 'none' | 'balanced';

/** What the user chose in the form. */
export interface SetupOptions {
  /** 'nn-sentiment', 'mlp', 'mobilenet_v2', a catalog id (e.g. 'prajjwal1/bert-tiny'), or the absolute path of a model folder (Hugging Face or TF.js Layers). */
  model: string;
  technique: TechniqueName;
  /** null: the column inferred from the data. */
  labelColumn: string | null;
  /** null: the column inferred from the data. */
  textColumn: string | null;
  numbers: Record<NumberField, string>;
  optimizer: OptimizerName;
  schedule: ScheduleName;
  classWeights: ClassWeightsName;
  /** Fields the user set: they no longer follow the defaults of the dataset, model and technique. */
  edited: EditableField[];
}

/** One change the user made in the form. */
export type OptionChange =
  | { field: 'model'; value: string }
  | { field: 'technique'; value: TechniqueName }
  | { field: 'labelColumn'; value: string | null }
  | { field: 'textColumn'; value: string | null }
  | { field: 'number'; name: NumberField; value: string }
  | { field: 'optimizer'; value: OptimizerName }
  | { field: 'schedule'; value: ScheduleName }
  | { field: 'classWeights'; value: ClassWeightsName }
  /** Every field back to the defaults for the dataset (the model and columns stay). */
  | { field: 'defaults' };

/** Webview → host. */
export type SetupRequest =
  | { type: 'setup/ready'; payload: Record<string, never> }
  | { type: 'setup/changeOptions'; payload: { change: OptionChange } }
  /** Show the preview page starting at this row (0-based, data rows only). */
  | { type: 'setup/showRows'; payload: { offset: number } }
  /** Open the dataset file at this 1-based line. */
  | { type: 'setup/openLine'; payload: { line: number } }
  | { type: 'setup/pickModelFolder'; payload: Record<string, never> }
  /** Run "Fine-Tune: Check GPU Setup" (the full doctor report). */
  | { type: 'setup/checkGpu'; payload: Record<string, never> }
  | { type: 'setup/start'; payload: Record<string, never> }
  | { type: 'setup/openDashboard'; payload: { runsDir: string; runId: string } };

/** Where an issue is shown: next to this control. */
export type IssueField = 'dataset' | 'model' | 'technique' | 'labelColumn' | 'textColumn' | NumberField;

export interface FieldIssue {
  field: IssueField;
  /** 'error' blocks Start; 'warning' is advice. */
  severity: 'error' | 'warning';
  message: string;
}

/** The dataset as the host has read it so far. */
export type DatasetStatus =
  | { status: 'loading' }
  | { status: 'failed'; reason: string }
  | { status: 'ready'; inspection: DatasetInspection };

/** The columns the engine chose by itself, before the user changed anything, and why. */
export interface InferredColumns {
  label: string | null;
  labelReason: string;
  text: string | null;
  textReason: string;
}

/** One page of the data preview: only these rows were read from the file. */
export interface PreviewPage {
  offset: number;
  pageSize: number;
  columns: string[];
  rows: { line: number; cells: string[] }[];
  /** Data rows in the file (from the inspection); null while unknown. */
  total: number | null;
  /** True when the file ends within this page. */
  atEnd: boolean;
}

export type PreviewStatus = { status: 'loading' } | { status: 'failed'; reason: string } | { status: 'ready'; page: PreviewPage };

/** Where a base model comes from: built into the extension, the model catalog (Hugging Face), or a local folder. */
export type ModelSource = 'builtin' | 'catalog' | 'folder';

/** A model fetched at the start of the run (a catalog model that is not on this machine yet). */
export interface ModelDownload {
  /** Bytes to fetch (an estimate: F32 weights plus the tokenizer). */
  approxBytes: number;
  /** Base URL of the server (the mirror setting, or huggingface.co). */
  from: string;
  /** The cache folder it is placed in. */
  into: string;
}

/** A base model the user can pick. */
export interface ModelChoice {
  /** The value of SetupOptions.model: 'nn-sentiment', 'mlp', 'mobilenet_v2', a catalog id, or a folder's path. */
  value: string;
  title: string;
  /** What it is, its size, its licence and where it comes from, in one sentence. */
  detail: string;
  /** What the model reads; 'unknown' for a folder that could not be read. */
  reads: 'text' | 'tabular' | 'image' | 'unknown';
  /** The default for this dataset's task. */
  recommended: boolean;
  source: ModelSource;
  /** A short tag next to the title: "built in", "cached", "download ≈17.6 MB", "local folder". */
  tag: string;
  /** Set when choosing it means downloading it when the run starts; null when it is on this machine. */
  download: ModelDownload | null;
}

/** The device a run started now would train on, as `finetune doctor --quick` found it (once per VS Code session). */
export type DeviceStatus =
  | { status: 'checking' }
  | {
      status: 'ready';
      kind: 'gpu' | 'cpu';
      /** E.g. "GPU — NVIDIA H100 (WebGPU)" or "CPU (WebAssembly)". */
      text: string;
      /** Why not the GPU, short (null on the GPU): "no GPU backend usable: only a software WebGPU adapter was found". */
      reason: string | null;
    }
  | { status: 'failed'; reason: string };

/** Parameter counts of the chosen model under one technique. */
export type ParamsStatus =
  | { status: 'unknown'; reason: string }
  | { status: 'computing' }
  | { status: 'ready'; description: ModelDescription }
  | { status: 'failed'; reason: string };

export interface SetupState {
  file: { path: string; name: string };
  /** False in an untrusted workspace: nothing can start. */
  trusted: boolean;
  dataset: DatasetStatus;
  inferred: InferredColumns | null;
  preview: PreviewStatus;
  options: SetupOptions;
  models: ModelChoice[];
  /** For the chosen model, per technique. */
  params: Record<TechniqueName, ParamsStatus>;
  /** The device the run will train on, for the chosen model. */
  device: DeviceStatus;
  issues: FieldIssue[];
  /** Why Start is disabled, shown next to it; null when it is enabled. */
  startBlocked: string | null;
  /** The last run started from this panel. */
  started: { runsDir: string; runId: string } | null;
}

/** Host → webview. */
export type SetupUpdate = { type: 'setup/stateChanged'; payload: { state: SetupState } };

/** What the webview keeps (vscode.setState) so the panel comes back after a reload. */
export interface SetupPersistedState {
  datasetPath: string;
  options: SetupOptions;
}

// ---- guards -------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function isNumberField(value: unknown): value is NumberField {
  return isOneOf(value, NUMBER_FIELDS);
}

const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'adamw'];
const SCHEDULES: readonly ScheduleName[] = ['constant', 'linear', 'cosine'];
const CLASS_WEIGHTS: readonly ClassWeightsName[] = ['none', 'balanced'];
/** Longest text accepted in a field (a path or a number as typed). */
const MAX_TEXT = 4096;

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT;
}

export function isOptionChange(value: unknown): value is OptionChange {
  if (!isRecord(value)) return false;
  switch (value.field) {
    case 'model':
      return isShortString(value.value) && value.value.length > 0;
    case 'technique':
      return isTechniqueName(value.value);
    case 'labelColumn':
    case 'textColumn':
      return value.value === null || isShortString(value.value);
    case 'number':
      return isNumberField(value.name) && isShortString(value.value);
    case 'optimizer':
      return isOneOf(value.value, OPTIMIZERS);
    case 'schedule':
      return isOneOf(value.value, SCHEDULES);
    case 'classWeights':
      return isOneOf(value.value, CLASS_WEIGHTS);
    case 'defaults':
      return true;
    default:
      return false;
  }
}

export function isSetupRequest(value: unknown): value is SetupRequest {
  if (!isRecord(value) || typeof value.type !== 'string' || !isRecord(value.payload)) return false;
  const p = value.payload;
  switch (value.type) {
    case 'setup/ready':
    case 'setup/pickModelFolder':
    case 'setup/checkGpu':
    case 'setup/start':
      return true;
    case 'setup/changeOptions':
      return isOptionChange(p.change);
    case 'setup/showRows':
      return isCount(p.offset);
    case 'setup/openLine':
      return isCount(p.line) && p.line >= 1;
    case 'setup/openDashboard':
      return typeof p.runsDir === 'string' && typeof p.runId === 'string';
    default:
      return false;
  }
}

export function isSetupOptions(value: unknown): value is SetupOptions {
  if (!isRecord(value)) return false;
  const numbers = value.numbers;
  return (
    isShortString(value.model) &&
    isTechniqueName(value.technique) &&
    isStringOrNull(value.labelColumn) &&
    isStringOrNull(value.textColumn) &&
    isRecord(numbers) &&
    NUMBER_FIELDS.every((f) => isShortString(numbers[f])) &&
    isOneOf(value.optimizer, OPTIMIZERS) &&
    isOneOf(value.schedule, SCHEDULES) &&
    isOneOf(value.classWeights, CLASS_WEIGHTS) &&
    Array.isArray(value.edited) &&
    value.edited.every((f) => f === 'technique' || f === 'model' || isNumberField(f))
  );
}

/** The state the serializer receives after a reload (what the webview stored), checked. */
export function isSetupPersistedState(value: unknown): value is SetupPersistedState {
  return isRecord(value) && typeof value.datasetPath === 'string' && value.datasetPath.length > 0 && isSetupOptions(value.options);
}

/** The webview's check of what comes down: the envelope and the parts it reads first. */
export function isSetupUpdate(value: unknown): value is SetupUpdate {
  if (!isRecord(value) || value.type !== 'setup/stateChanged' || !isRecord(value.payload)) return false;
  const state = value.payload.state;
  return (
    isRecord(state) &&
    isRecord(state.file) &&
    typeof state.file.name === 'string' &&
    isRecord(state.dataset) &&
    isRecord(state.preview) &&
    isSetupOptions(state.options) &&
    Array.isArray(state.models) &&
    isRecord(state.params) &&
    Array.isArray(state.issues) &&
    isRecord(state.device) &&
    isStringOrNull(state.startBlocked)
  );
}
