// The Fine-Tune extension's own UI, as a user meets it: the setup panel, the dashboard, the Runs and
// Checkpoints trees. Selectors are accessible roles and names only.

import type { FrameLocator, Locator, Page } from 'playwright-core';
import { chooseFromContextMenu, editorTab, escapeRegExp, eventually, explorerItem, openExtensionSidebar, WAIT, webviewContent } from './workbench';

export const FINE_TUNE_MENU_ITEM = 'Fine-tune a Model on This Dataset…';
export const START_BUTTON = 'Start Fine-Tuning';

// ---------------------------------------------------------------- setup panel

/** Explorer → right-click `file` → "Fine-tune a Model on This Dataset…" → the setup panel's content. */
export async function openSetupPanel(page: Page, file: string): Promise<FrameLocator> {
  await chooseFromContextMenu(page, explorerItem(page, file), FINE_TUNE_MENU_ITEM);
  const panel = await webviewContent(page, new RegExp(`^Fine-tune ${escapeRegExp(file)}`));
  await panel.getByRole('heading', { name: `Fine-tune ${file}`, level: 1 }).waitFor({ timeout: WAIT.ui });
  return panel;
}

/** Waits until the panel has read the dataset (its Data region shows the row count). */
export async function waitForDatasetRead(panel: FrameLocator): Promise<Locator> {
  const data = panel.getByRole('region', { name: 'Data' });
  await data.getByText(/\d+ rows/).first().waitFor({ timeout: WAIT.ui });
  return data;
}

/**
 * Selects a radio (technique, model). The panel re-renders from the host's state snapshots, so a click
 * that lands during a re-render is retried until the radio reads checked.
 */
export async function selectRadio(radio: Locator, note: (line: string) => void = () => undefined): Promise<void> {
  await radio.waitFor({ timeout: WAIT.ui });
  await eventually(
    `radio ${String(radio)} checked`,
    async () => {
      if ((await radio.getAttribute('aria-checked')) === 'true') return true;
      note(`clicking ${String(radio)}`);
      await radio.click();
      await radio.page().waitForTimeout(300);
      return (await radio.getAttribute('aria-checked')) === 'true' ? true : undefined;
    },
    WAIT.ui,
    200,
  );
}

export async function chooseTechnique(panel: FrameLocator, label: 'LoRA' | 'Adapter layers' | 'Feature extraction' | 'Full fine-tuning'): Promise<void> {
  await selectRadio(panel.getByRole('region', { name: 'Technique' }).getByRole('radio', { name: label, exact: true }));
}

/** Types into a hyper-parameter field (Epochs, Early-stopping patience, …) and leaves it. */
export async function setField(panel: FrameLocator, label: string, value: string): Promise<void> {
  const box = panel.getByRole('textbox', { name: label, exact: true });
  await box.fill(value);
  await box.press('Tab');
  await eventually(`${label} = ${value}`, async () => ((await box.inputValue()) === value ? true : undefined), WAIT.ui);
}

export function startButton(panel: FrameLocator): Locator {
  return panel.getByRole('button', { name: START_BUTTON });
}

/** The sentence next to Start: why it is disabled, or what will happen. */
export function startStatus(panel: FrameLocator): Locator {
  return panel.getByRole('status').first();
}

// ---------------------------------------------------------------- dashboard

/** The dashboard of the run whose editor tab ends with "— Dashboard". */
export async function dashboard(page: Page, runName?: string): Promise<FrameLocator> {
  const title = runName ? new RegExp(`^${escapeRegExp(runName)} — Dashboard`) : /— Dashboard$/;
  await editorTab(page, title).first().waitFor({ timeout: WAIT.ui });
  const frame = await webviewContent(page, title);
  await frame.getByRole('region', { name: 'Training curves' }).waitFor({ timeout: WAIT.ui });
  return frame;
}

/** The step the Loss chart has reached, from its caption "Training loss … (step N)"; null before any point. */
export async function lossCurveStep(dash: FrameLocator): Promise<number | null> {
  const figure = dash.getByRole('region', { name: 'Training curves' }).getByRole('figure', { name: /^Loss/ });
  if ((await figure.count()) === 0) return null;
  const name = (await figure.first().getAttribute('aria-label')) ?? (await figure.first().innerText());
  const m = /step ([\d,]+)\)/.exec(name);
  return m ? Number(m[1].replace(/,/g, '')) : null;
}

/** The run's status badge in the dashboard header (Running, Completed, Stopped: …). */
export function dashboardStatus(dash: FrameLocator): Locator {
  return dash.getByRole('main').getByRole('status').first();
}

// ---------------------------------------------------------------- sidebar trees

export function runsTree(page: Page): Locator {
  return page.getByRole('tree', { name: 'Runs', exact: true });
}

export function checkpointsTree(page: Page): Locator {
  return page.getByRole('tree', { name: 'Checkpoints', exact: true });
}

/**
 * A run in the Runs tree; its accessible name is "<name>, <status>, <metric or progress>". `name` is the
 * start of the run's name (e.g. "tabular.csv" or "tabular.csv · lora").
 */
export function runItem(page: Page, name: string, status?: string): Locator {
  return runsTree(page).getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(name)}[^,]*${status ? `, ${escapeRegExp(status)}` : ''}`) });
}

export async function showRuns(page: Page): Promise<Locator> {
  await openExtensionSidebar(page);
  const tree = runsTree(page);
  await tree.waitFor({ timeout: WAIT.ui });
  return tree;
}

/**
 * Opens the Fine-Tune sidebar and waits for the Runs view to show something: its tree, or, with no
 * runs yet, its welcome content ("Fine-tune a Dataset…").
 */
export async function showRunsView(page: Page): Promise<Locator> {
  await openExtensionSidebar(page);
  const shown = runsTree(page).or(page.getByRole('button', { name: /^Fine-tune a Dataset/ })).first();
  await shown.waitFor({ timeout: WAIT.ui });
  return shown;
}

/**
 * Expands a tree item by clicking its chevron (a click on the label runs the item's command, e.g. opens
 * the dashboard, and moves the focus away). The chevron has no role of its own: it is found by VS Code's
 * class, inside the item found by role and name.
 */
export async function expand(item: Locator): Promise<void> {
  if ((await item.getAttribute('aria-expanded')) === 'true') return;
  await item.locator('.monaco-tl-twistie').click();
  await eventually(`${String(item)} expanded`, async () => ((await item.getAttribute('aria-expanded')) === 'true' ? true : undefined), WAIT.ui);
}
