// File names inside a run folder: `<runsDir>/<runId>/…`. The layout is the contract between
// worker, extension, CLI and webviews (see DESIGN.md, "Run store").

import * as path from 'node:path';

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const CHECKPOINTS_DIR = 'checkpoints';
/** Inside each checkpoint folder, next to the model files. */
export const CHECKPOINT_STATE_FILE = 'state.json';
export const EVALUATION_FILE = 'evaluation.json';
export const PREDICTIONS_FILE = 'predictions.jsonl';
export const REPORT_FILE = 'report.md';
/** The learning curves of report.md, as a picture. */
export const CURVES_FILE = 'curves.svg';
/** The confusion matrix of report.md, as a picture (classification only). */
export const CONFUSION_FILE = 'confusion.svg';
/** Named evaluations on other dataset files: `evaluations/<name>.json` and `<name>.predictions.jsonl`. */
export const EVALUATIONS_DIR = 'evaluations';
export const WORKER_LOG_FILE = 'worker.log';

/** `<runsDir>/sweeps/<sweepId>.json` and `.md`: technique sweeps. Not a run folder. */
export const SWEEPS_DIR = 'sweeps';

/** Where runs live in a workspace: `<workspace>/.finetune/runs`. */
export function defaultRunsDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, '.finetune', 'runs');
}
