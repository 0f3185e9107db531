// One setup panel for one dataset (a file, or an image folder with one sub-folder per class):
// reads the dataset (inspection, then the preview page shown; an image folder is inspected by the
// CLI in a child process), keeps the form's options, validates them, counts parameters in a worker,
// shows the device the run will use, and starts the run. Sends nothing before the webview's
// setup/ready; then one state snapshot per change.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TechniqueName } from '../protocol/configTypes';
import { isTechniqueName } from '../protocol/configGuards';
import type { DatasetInspection } from '../protocol/datasetTypes';
import {
  isSetupRequest,
  SETUP_VIEW_TYPE,
  type DatasetStatus,
  type InferredColumns,
  type ModelChoice,
  type OptionChange,
  type PreviewStatus,
  type SetupOptions,
  type SetupRequest,
  type SetupState,
  type SetupUpdate,
} from '../protocol/setupPanelProtocol';
import type { ExtensionServices } from '../host/extensionServices';
import { runCliCommand } from '../host/cliProcess';
import { readEngineSettings, readModelZooSettings } from '../host/engineSettings';
import { hostZooSettings, mirrorProblem } from '../host/modelZooSettings';
import type { DatasetOptions } from '../engine/data/datasetOptions';
import { listImageFolder, type FolderEntry } from '../engine/data/images/imageFolder';
import { inspectDataset } from '../engine/data/inspectDataset';
import { defaultModelFor } from '../engine/training/trainDefaults';
import { describeError } from '../engine/userError';
import { defaultRunsDir } from '../storage/runLayout';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { readPreviewRows } from './previewReader';
import { toTrainConfig } from './setupConfig';
import { folderPreviewRows, inspectImageFolder } from './imageFolderData';
import { currentDevice, deviceProbeFor } from './setupDevice';
import { modelChoices } from './setupModels';
import { applyOptionChange, defaultOptions, followDefaults, type DefaultsContext } from './setupOptions';
import { SetupParamCounts } from './setupParamCounts';
import { validateSetup } from './setupValidation';

/** Rows per preview page. */
export const PREVIEW_PAGE_SIZE = 50;
/** Quiet time after the dataset file changed on disk before it is read again. */
const RELOAD_DEBOUNCE_MS = 500;

export function setupPanelTitle(file: string): string {
  return `Fine-tune ${path.basename(file)}`;
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function defaultTechniqueSetting(): TechniqueName {
  const value = vscode.workspace.getConfiguration('fineTune').get<string>('defaultTechnique');
  return isTechniqueName(value) ? value : 'lora';
}

function inferredColumns(inspection: DatasetInspection): InferredColumns {
  return {
    label: inspection.label,
    labelReason: inspection.labelReason,
    text: inspection.text,
    textReason:
      inspection.text !== null
        ? `inferred: "${inspection.text}" is the column of prose with the longest values`
        : inspection.task === 'image-classification'
          ? 'none: the model reads the images'
          : inspection.task === 'tabular-regression'
            ? 'none: the label is a number to predict, so the dataset is tabular'
            : 'none: no column holds prose, so the dataset is tabular',
  };
}

export class SetupPanelSession implements vscode.Disposable {
  private static readonly sessions = new Map<string, SetupPanelSession>();

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private dataset: DatasetStatus = { status: 'loading' };
  /** The inspection with the inferred columns (kept: choosing the inferred columns again needs no re-read). */
  private inferredInspection: DatasetInspection | null = null;
  private inferred: InferredColumns | null = null;
  private preview: PreviewStatus = { status: 'loading' };
  private options: SetupOptions;
  private models: ModelChoice[] = [];
  private modelProblem: string | null = null;
  /** A chosen column that could not be used, said once next to the column pickers. */
  private columnNotice: string | null = null;
  private readonly params: SetupParamCounts;
  private starting = false;
  private started: SetupState['started'] = null;
  private datasetSeq = 0;
  private previewSeq = 0;
  private reloadTimer: NodeJS.Timeout | undefined;
  /** An image folder (one sub-folder per class) rather than a file. */
  private readonly isFolder: boolean;
  /** The image folder's files in the engine's order (line n is entry n - 1); null until listed. */
  private folderListing: FolderEntry[] | null = null;
  /** Cancels the image folder's inspection in its child process. */
  private inspectCancel: vscode.CancellationTokenSource | undefined;

  /** Opens the panel of a dataset file, or reveals it when it is already open. */
  static createOrShow(services: ExtensionServices, file: vscode.Uri): void {
    const existing = SetupPanelSession.sessions.get(file.fsPath);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(SETUP_VIEW_TYPE, setupPanelTitle(file.fsPath), vscode.ViewColumn.Active, webviewOptions(services.extensionUri));
    new SetupPanelSession(panel, services, file, null);
  }

  /** Rebuilds a panel VS Code restored after a reload. */
  static revive(services: ExtensionServices, panel: vscode.WebviewPanel, file: vscode.Uri, options: SetupOptions | null): void {
    SetupPanelSession.sessions.get(file.fsPath)?.panel.dispose();
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.title = setupPanelTitle(file.fsPath);
    new SetupPanelSession(panel, services, file, options);
  }

  static disposeAll(): void {
    for (const session of [...SetupPanelSession.sessions.values()]) session.panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ExtensionServices,
    private readonly file: vscode.Uri,
    private readonly restored: SetupOptions | null,
  ) {
    SetupPanelSession.sessions.set(file.fsPath, this);
    this.isFolder = isDirectory(file.fsPath);
    this.options = restored ?? defaultOptions(this.defaultsContext());
    this.params = new SetupParamCounts(
      services,
      () => ({ datasetPath: file.fsPath, dataset: this.dataset, options: this.options, models: this.models, modelProblem: this.modelProblem }),
      () => this.post(),
    );
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'finetune.svg');
    panel.webview.html = renderWebviewHtml({
      webview: panel.webview,
      extensionUri: services.extensionUri,
      script: 'setup',
      styles: ['setup.css'],
      title: setupPanelTitle(file.fsPath),
    });
    const watched = this.isFolder
      ? new vscode.RelativePattern(file, '**/*')
      : new vscode.RelativePattern(vscode.Uri.file(path.dirname(file.fsPath)), path.basename(file.fsPath));
    const watcher = vscode.workspace.createFileSystemWatcher(watched);
    const stopListening = deviceProbeFor(services).onDidChange(() => this.post());
    // In an image folder, hidden files and folders (e.g. a .finetune runs folder written during training) are not data.
    const isData = (uri: vscode.Uri): boolean => !this.isFolder || !path.relative(file.fsPath, uri.fsPath).split(path.sep).some((part) => part.startsWith('.'));
    const changed = (uri: vscode.Uri): void => {
      if (isData(uri)) this.scheduleReload();
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(changed),
      watcher.onDidCreate(changed),
      ...(this.isFolder ? [watcher.onDidDelete(changed)] : []),
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        if (isSetupRequest(raw)) void this.handle(raw);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.post()),
      // The model list says what is cached and what the settings allow: read it again when those may have changed.
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('fineTune')) void this.modelsMayHaveChanged();
      }),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.visible) void this.modelsMayHaveChanged();
      }),
      { dispose: stopListening },
      // A run that started has its base model on this machine now (it may just have been downloaded).
      services.training.onDidReceive(({ message }) => {
        if (message.type === 'run/started') void this.modelsMayHaveChanged();
      }),
    );
    void this.loadDataset(true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.dispose();
    this.inspectCancel?.cancel();
    clearTimeout(this.reloadTimer);
    if (SetupPanelSession.sessions.get(this.file.fsPath) === this) SetupPanelSession.sessions.delete(this.file.fsPath);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private defaultsContext(): DefaultsContext {
    return { task: this.dataset.status === 'ready' ? this.dataset.inspection.task : null, defaultTechnique: defaultTechniqueSetting() };
  }

  // ---- messages -------------------------------------------------------------------------------

  private async handle(message: SetupRequest): Promise<void> {
    switch (message.type) {
      case 'setup/ready':
        this.ready = true;
        this.post();
        return;
      case 'setup/changeOptions':
        await this.change(message.payload.change);
        return;
      case 'setup/showRows':
        await this.loadPreview(message.payload.offset);
        return;
      case 'setup/openLine':
        await this.openLine(message.payload.line);
        return;
      case 'setup/pickModelFolder':
        await this.pickModelFolder();
        return;
      case 'setup/checkGpu':
        await vscode.commands.executeCommand('finetune.checkGpu');
        return;
      case 'setup/start':
        await this.start();
        return;
      case 'setup/openDashboard':
        await vscode.commands.executeCommand('finetune.run.openDashboard', message.payload);
        return;
    }
  }

  private state(): SetupState {
    const validation = validateSetup(this.options, {
      dataset: this.dataset,
      model: this.models.find((m) => m.value === this.options.model),
      modelProblem: this.modelProblem,
      trusted: vscode.workspace.isTrusted,
      starting: this.starting,
    });
    const notice = this.columnNotice ? [{ field: 'labelColumn' as const, severity: 'warning' as const, message: this.columnNotice }] : [];
    const task = this.dataset.status === 'ready' ? this.dataset.inspection.task : null;
    const model = this.options.model === 'auto' ? defaultModelFor(task) : this.options.model;
    const modelTitle = this.models.find((m) => m.value === model)?.title ?? path.basename(model);
    return {
      file: { path: this.file.fsPath, name: path.basename(this.file.fsPath) },
      trusted: vscode.workspace.isTrusted,
      dataset: this.dataset,
      inferred: this.inferred,
      preview: this.preview,
      options: this.options,
      models: this.models,
      params: this.params.current,
      device: currentDevice(this.services, model, modelTitle),
      issues: [...notice, ...validation.issues],
      startBlocked: validation.startBlocked,
      started: this.started,
    };
  }

  private post(): void {
    if (!this.ready || this.disposed) return;
    const update: SetupUpdate = { type: 'setup/stateChanged', payload: { state: this.state() } };
    void this.panel.webview.postMessage(update);
  }

  // ---- dataset ----------------------------------------------------------------------------------

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.loadDataset(false), RELOAD_DEBOUNCE_MS);
  }

  /** Reads the dataset (first: with the inferred columns), applies the defaults, then the preview. */
  private async loadDataset(initial: boolean): Promise<void> {
    const seq = ++this.datasetSeq;
    if (!initial) {
      this.inferredInspection = null;
      this.folderListing = null;
    }
    this.dataset = { status: 'loading' };
    this.params.reset('Reading the dataset…');
    this.post();
    let inspection: DatasetInspection;
    try {
      this.inferredInspection ??= await this.inspect({});
      inspection = await this.inspectWithChosenColumns(this.inferredInspection);
    } catch (error) {
      if (seq !== this.datasetSeq || this.disposed) return;
      this.dataset = { status: 'failed', reason: describeError(error) };
      this.preview = { status: 'failed', reason: 'The dataset could not be read.' };
      this.params.reset('The dataset could not be read.');
      this.post();
      return;
    }
    if (seq !== this.datasetSeq || this.disposed) return;
    this.inferred = inferredColumns(this.inferredInspection);
    this.dataset = { status: 'ready', inspection };
    if (initial && !this.restored) this.options = defaultOptions(this.defaultsContext());
    else this.options = followDefaults(this.options, this.defaultsContext());
    await this.refreshModels();
    if (seq !== this.datasetSeq || this.disposed) return;
    this.params.update();
    this.post();
    await this.loadPreview(this.preview.status === 'ready' ? this.preview.page.offset : 0);
  }

  /** The inspection for the chosen label and text columns; a choice that cannot be used falls back to the inferred ones. */
  private async inspectWithChosenColumns(inferred: DatasetInspection): Promise<DatasetInspection> {
    const { labelColumn, textColumn } = this.options;
    if (labelColumn === null && textColumn === null) return inferred;
    try {
      const inspection = await this.inspect({ label: labelColumn, text: textColumn });
      this.columnNotice = null;
      return inspection;
    } catch (error) {
      this.columnNotice = `The chosen columns cannot be used, so the inferred ones are: ${describeError(error)}`;
      this.options = { ...this.options, labelColumn: null, textColumn: null };
      return inferred;
    }
  }

  /** The dataset's inspection: in this process for a file, by the CLI in a child process for an image folder. */
  private async inspect(options: DatasetOptions): Promise<DatasetInspection> {
    if (!this.isFolder) return inspectDataset(this.file.fsPath, options);
    this.inspectCancel?.cancel();
    const cancel = new vscode.CancellationTokenSource();
    this.inspectCancel = cancel;
    try {
      const settings = readEngineSettings(this.services.context);
      const cliScript = vscode.Uri.joinPath(this.services.extensionUri, 'dist', 'cli.js').fsPath;
      return await inspectImageFolder((args) => runCliCommand({ cliScript, settings, token: cancel.token }, args), this.file.fsPath);
    } finally {
      cancel.dispose();
      if (this.inspectCancel === cancel) this.inspectCancel = undefined;
    }
  }

  /** One page of an image folder's files (path inside the folder, class). */
  private async folderPage(offset: number): Promise<{ rows: { line: number; cells: string[] }[]; atEnd: boolean }> {
    this.folderListing ??= await listImageFolder(this.file.fsPath);
    return folderPreviewRows(this.folderListing, offset, PREVIEW_PAGE_SIZE);
  }

  private async loadPreview(offset: number): Promise<void> {
    if (this.dataset.status !== 'ready') return;
    const inspection = this.dataset.inspection;
    const seq = ++this.previewSeq;
    try {
      const { rows, atEnd } = this.isFolder ? await this.folderPage(offset) : await readPreviewRows({
        path: this.file.fsPath,
        format: inspection.format,
        ...(inspection.delimiter === undefined ? {} : { delimiter: inspection.delimiter }),
        hasHeader: inspection.hasHeader,
        columns: inspection.columns.map((c) => c.name),
        offset,
        count: PREVIEW_PAGE_SIZE,
      });
      if (seq !== this.previewSeq || this.disposed) return;
      this.preview = {
        status: 'ready',
        page: { offset, pageSize: PREVIEW_PAGE_SIZE, columns: inspection.columns.map((c) => c.name), rows, total: inspection.rows, atEnd },
      };
    } catch (error) {
      if (seq !== this.previewSeq || this.disposed) return;
      this.preview = { status: 'failed', reason: describeError(error) };
    }
    this.post();
  }

  // ---- options ----------------------------------------------------------------------------------

  private async change(change: OptionChange): Promise<void> {
    const before = this.options;
    this.options = applyOptionChange(before, change, {
      ...this.defaultsContext(),
      inferredLabel: this.inferred?.label ?? null,
      inferredText: this.inferred?.text ?? null,
    });
    const columnsChanged = before.labelColumn !== this.options.labelColumn || before.textColumn !== this.options.textColumn;
    if (columnsChanged && this.inferredInspection) {
      this.columnNotice = null;
      await this.reinspect();
      return;
    }
    if (before.model !== this.options.model) await this.refreshModels();
    this.params.update();
    this.post();
  }

  /** Reads the dataset again for new label / text columns (the task and the defaults may change). */
  private async reinspect(): Promise<void> {
    const inferred = this.inferredInspection;
    if (!inferred) return;
    const seq = ++this.datasetSeq;
    this.dataset = { status: 'loading' };
    this.params.reset('Reading the dataset…');
    this.post();
    const inspection = await this.inspectWithChosenColumns(inferred);
    if (seq !== this.datasetSeq || this.disposed) return;
    this.dataset = { status: 'ready', inspection };
    this.options = followDefaults(this.options, this.defaultsContext());
    await this.refreshModels();
    this.params.update();
    this.post();
  }

  private async refreshModels(): Promise<void> {
    const task = this.dataset.status === 'ready' ? this.dataset.inspection.task : null;
    const zoo = readModelZooSettings(this.services.context);
    const { choices, problem } = await modelChoices(task, this.options.model, hostZooSettings(zoo));
    this.models = choices;
    const chosen = choices.find((c) => c.value === this.options.model);
    this.modelProblem = problem ?? (chosen?.download ? mirrorProblem(zoo) : null);
  }

  /** Reads the model list again (a download finished, a setting changed) and posts when it differs. */
  private async modelsMayHaveChanged(): Promise<void> {
    if (this.disposed || this.dataset.status === 'loading') {
      this.post();
      return;
    }
    const before = JSON.stringify([this.models, this.modelProblem]);
    await this.refreshModels();
    if (this.disposed) return;
    if (JSON.stringify([this.models, this.modelProblem]) !== before) this.params.update();
    this.post();
  }

  private async pickModelFolder(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Use This Model',
      title: 'Choose a model folder: Hugging Face (config.json, model.safetensors, tokenizer) or TF.js Layers (model.json and its weight files)',
      ...(vscode.workspace.getWorkspaceFolder(this.file) ? { defaultUri: vscode.workspace.getWorkspaceFolder(this.file)?.uri } : {}),
    });
    const folder = picked?.[0];
    if (folder) await this.change({ field: 'model', value: folder.fsPath });
  }

  // ---- actions ------------------------------------------------------------------------------------

  private async openLine(line: number): Promise<void> {
    if (this.isFolder) {
      // Line n of an image folder is its n-th file: open that image.
      this.folderListing ??= await listImageFolder(this.file.fsPath);
      const entry = this.folderListing[line - 1];
      if (entry) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(entry.file), { viewColumn: vscode.ViewColumn.Beside, preview: true });
      return;
    }
    const position = new vscode.Position(Math.max(0, line - 1), 0);
    await vscode.window.showTextDocument(this.file, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  private async start(): Promise<void> {
    const state = this.state();
    if (state.startBlocked !== null || this.dataset.status !== 'ready') {
      this.post();
      return;
    }
    this.starting = true;
    this.post();
    const runsDir = this.services.runsDirFor(this.file) ?? defaultRunsDir(path.dirname(this.file.fsPath));
    const config = toTrainConfig(this.options, this.file.fsPath);
    let runId: string;
    try {
      runId = await this.services.training.startRun(runsDir, config);
    } catch (error) {
      this.starting = false;
      this.post();
      void vscode.window.showErrorMessage(`Fine-Tune: the run could not start. ${describeError(error)}`);
      return;
    }
    this.starting = false;
    // The panel stays open (to start another run with other choices); the dashboard opens in front of it.
    this.started = { runsDir, runId };
    this.post();
    this.services.output.appendLine(`run ${runId}: ${config.technique} of ${config.model} on ${config.datasetPath} (started from the setup panel)`);
    try {
      await vscode.commands.executeCommand('finetune.run.openDashboard', { runsDir, runId });
    } catch (error) {
      void vscode.window.showInformationMessage(`Fine-Tune: run ${runId} is queued; its dashboard could not open (${describeError(error)}).`);
    }
  }
}
