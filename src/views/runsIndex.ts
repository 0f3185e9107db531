// The runs the sidebar shows: run.json of every run in every runs folder (through RunStore.listRuns,
// which reads only run.json files), plus live progress from the training service. Both trees read
// from it, so a change is read from disk once.
//
// A change is read from disk *before* the views hear of it, and they hear which runs changed: a
// run whose run.json changed is refreshed alone, and only a run appearing or going away refreshes
// the whole tree. (A whole-tree refresh makes VS Code forget its items until the new list arrives;
// a context-menu command invoked in that moment would receive no argument.)

import * as vscode from 'vscode';
import type { RunRecord } from '../protocol/runTypes';
import type { RunStore } from '../storage/runStore';
import type { RunRef } from '../host/extensionServices';
import type { TrainingServiceApi } from '../host/trainingServiceApi';
import type { LiveProgress } from './runPresentation';

export interface RunsIndexOptions {
  /** The runs folders to show. */
  runsDirs(): string[];
  storeFor(runsDir: string): RunStore;
  training: Pick<TrainingServiceApi, 'onDidReceive' | 'onDidChangeQueue'>;
  /** Runs the service holds (queued or running); their items change with the queue. */
  activeRuns?(): RunRef[];
  /** Delay that gathers a burst of file events into one reload. */
  debounceMs?: number;
  /** Least time between two live-progress updates of one run. */
  progressIntervalMs?: number;
}

export interface RunsChange {
  /** Runs appeared, went away or moved, or the runs folders changed: the whole list is new. */
  structural: boolean;
  /** Runs whose run.json changed (when not structural). */
  changed: RunRef[];
}

/** How two listings of one folder differ. */
export function diffListings(before: readonly RunRecord[], after: readonly RunRecord[]): { structural: boolean; changed: string[] } {
  if (before.length !== after.length || before.some((run, i) => run.id !== after[i].id)) return { structural: true, changed: [] };
  const changed = after.filter((run, i) => run.updatedAt !== before[i].updatedAt || run.status !== before[i].status).map((run) => run.id);
  return { structural: false, changed };
}

export class RunsIndex implements vscode.Disposable {
  private readonly listings = new Map<string, RunRecord[]>();
  private readonly loading = new Map<string, Promise<RunRecord[]>>();
  private knownDirs: string[] | null = null;
  private readonly live = new Map<string, LiveProgress>();
  private readonly lastProgressFire = new Map<string, number>();
  private readonly pendingProgress = new Map<string, ReturnType<typeof setTimeout>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private forceStructural = false;
  /** Runs whose items changed without a run.json change (queue moves, stop requests). */
  private readonly touched = new Map<string, RunRef>();
  private active: RunRef[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<RunsChange>();
  private readonly runEmitter = new vscode.EventEmitter<RunRef>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Fires after a reload, with what changed. */
  readonly onDidChange = this.changeEmitter.event;
  /** Fires when the live progress of one run changed (throttled per run). */
  readonly onDidChangeRun = this.runEmitter.event;

  constructor(private readonly options: RunsIndexOptions) {
    this.subscriptions.push(
      options.training.onDidReceive(({ runsDir, runId, message }) => {
        switch (message.type) {
          case 'run/progressed':
            this.live.set(runId, message.payload);
            this.fireProgress({ runsDir, runId });
            break;
          case 'run/started':
          case 'run/checkpointSaved':
          case 'run/evaluated':
            this.invalidate();
            break;
          case 'run/finished':
          case 'run/failed':
            this.live.delete(runId);
            this.invalidate();
            break;
          default:
            break;
        }
      }),
      options.training.onDidChangeQueue(() => {
        const now = options.activeRuns?.() ?? [];
        for (const ref of [...this.active, ...now]) this.touched.set(`${ref.runsDir}\n${ref.runId}`, ref);
        this.active = now;
        this.invalidate();
      }),
    );
  }

  runsDirs(): string[] {
    const dirs = this.options.runsDirs();
    if (this.knownDirs === null) this.knownDirs = dirs;
    return dirs;
  }

  storeFor(runsDir: string): RunStore {
    return this.options.storeFor(runsDir);
  }

  /** The runs of one folder, newest first (kept until a reload). */
  runs(runsDir: string): Promise<RunRecord[]> {
    const listed = this.listings.get(runsDir);
    if (listed) return Promise.resolve(listed);
    let loading = this.loading.get(runsDir);
    if (!loading) {
      loading = this.options
        .storeFor(runsDir)
        .listRuns()
        .then(
          (runs) => {
            this.listings.set(runsDir, runs);
            return runs;
          },
        )
        .finally(() => this.loading.delete(runsDir));
      this.loading.set(runsDir, loading);
    }
    return loading;
  }

  /** The run with this id, from the current listing. */
  async find(ref: RunRef): Promise<RunRecord | undefined> {
    return (await this.runs(ref.runsDir)).find((run) => run.id === ref.runId);
  }

  /** The run as last listed, without reading: undefined when its folder was not listed yet. */
  cached(ref: RunRef): RunRecord | undefined {
    return this.listings.get(ref.runsDir)?.find((run) => run.id === ref.runId);
  }

  /** The ids of a folder's listing, or null when it was not listed yet. */
  listedIds(runsDir: string, filter: (record: RunRecord) => boolean = () => true): string[] | null {
    return this.listings.get(runsDir)?.filter(filter).map((run) => run.id) ?? null;
  }

  liveProgress(runId: string): LiveProgress | null {
    return this.live.get(runId) ?? null;
  }

  /** Something changed on disk or in the service: reload soon (bursts are gathered). */
  invalidate(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reload();
    }, this.options.debounceMs ?? 300);
  }

  /** Reloads now and refreshes the whole views (the Refresh button). */
  refreshNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.forceStructural = true;
    return this.reload();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const pending of this.pendingProgress.values()) clearTimeout(pending);
    this.subscriptions.forEach((s) => s.dispose());
    this.changeEmitter.dispose();
    this.runEmitter.dispose();
  }

  /** One reload at a time; a request during one runs another after it. */
  private reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = this.reloadOnce().finally(() => {
      this.reloading = null;
      if (this.reloadAgain) {
        this.reloadAgain = false;
        void this.reload();
      }
    });
    return this.reloading;
  }

  private async reloadOnce(): Promise<void> {
    const dirs = this.options.runsDirs();
    let structural = this.forceStructural || this.knownDirs === null || dirs.join('\n') !== this.knownDirs.join('\n');
    this.forceStructural = false;
    this.knownDirs = dirs;
    for (const dir of this.listings.keys()) if (!dirs.includes(dir)) this.listings.delete(dir);
    const touched = [...this.touched.values()];
    this.touched.clear();
    const changed: RunRef[] = [];
    for (const runsDir of dirs) {
      const before = this.listings.get(runsDir);
      if (!before) continue; // never shown: read when asked for
      let after: RunRecord[];
      try {
        after = await this.options.storeFor(runsDir).listRuns();
      } catch {
        this.listings.delete(runsDir);
        structural = true;
        continue;
      }
      this.listings.set(runsDir, after);
      const diff = diffListings(before, after);
      if (diff.structural) structural = true;
      const ids = new Set(diff.changed);
      for (const ref of touched) if (ref.runsDir === runsDir && after.some((run) => run.id === ref.runId)) ids.add(ref.runId);
      for (const runId of ids) changed.push({ runsDir, runId });
    }
    if (structural || changed.length > 0) this.changeEmitter.fire({ structural, changed: structural ? [] : changed });
  }

  private fireProgress(ref: RunRef): void {
    if (this.pendingProgress.has(ref.runId)) return;
    const interval = this.options.progressIntervalMs ?? 1000;
    const wait = Math.max(0, (this.lastProgressFire.get(ref.runId) ?? 0) + interval - Date.now());
    const fire = (): void => {
      this.pendingProgress.delete(ref.runId);
      this.lastProgressFire.set(ref.runId, Date.now());
      this.runEmitter.fire(ref);
    };
    if (wait === 0) fire();
    else this.pendingProgress.set(ref.runId, setTimeout(fire, wait));
  }
}
