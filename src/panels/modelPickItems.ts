// The Quick Pick rows of the keyboard path (finetune.dataset.quickStart): the same base models the
// setup panel offers (built-in ones, the catalog's Hugging Face encoders with whether they are
// cached or will be downloaded, the MLP), recommended first, then "a model folder…". No vscode
// import: the command turns these rows into QuickPickItems.

import type { ModelChoice } from '../protocol/setupPanelProtocol';

export interface ModelPickRow {
  label: string;
  description: string;
  detail: string;
  /** The model option to use; null for "choose a folder". */
  model: string | null;
}

export const FOLDER_ROW: ModelPickRow = {
  label: '$(folder) Model folder…',
  description: 'local',
  detail: 'A Hugging Face folder (config.json, model.safetensors, tokenizer) or a TF.js Layers folder (model.json and weight files).',
  model: null,
};

/** One row per choice, the recommended one first (the others keep their order), then the folder row. */
export function modelPickRows(choices: readonly ModelChoice[]): ModelPickRow[] {
  const ordered = [...choices.filter((c) => c.recommended), ...choices.filter((c) => !c.recommended)];
  const rows = ordered.map((c) => ({
    label: c.title,
    description: c.recommended ? `recommended · ${c.tag}` : c.tag,
    detail: c.detail,
    model: c.value,
  }));
  return [...rows, FOLDER_ROW];
}
