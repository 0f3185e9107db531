// A minimal stand-in for the `vscode` module, for unit tests of host code under plain Node.
// Only the API the tested modules touch exists here; tests set `workspace` fields and settings.
// Installed by useVscodeStub.ts (import that first).

export class Disposable {
  constructor(private readonly onDispose: () => void) {}

  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }

  dispose(): void {
    this.onDispose();
  }
}

export type Event<T> = (listener: (event: T) => unknown) => Disposable;

export class EventEmitter<T> {
  private readonly listeners = new Set<(event: T) => unknown>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  dispose(): void {
    this.listeners.clear();
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class MarkdownString {
  isTrusted = false;
  supportThemeIcons = false;

  constructor(public value = '') {}

  appendMarkdown(value: string): this {
    this.value += value;
    return this;
  }

  appendText(value: string): this {
    this.value += value.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
    return this;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export interface Command {
  command: string;
  title: string;
  arguments?: unknown[];
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}

  static file(fsPath: string): Uri {
    return new Uri('file', fsPath);
  }

  get path(): string {
    return this.fsPath;
  }

  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  command?: Command;
  resourceUri?: Uri;

  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export interface WorkspaceFolder {
  uri: Uri;
  name: string;
  index: number;
}

/** Settings by full key ('fineTune.runsFolder'); tests set and clear them. */
export const settings = new Map<string, unknown>();

const configurationEmitter = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();

export const workspace = {
  isTrusted: true,
  workspaceFolders: undefined as WorkspaceFolder[] | undefined,
  getWorkspaceFolder(uri: Uri): WorkspaceFolder | undefined {
    return workspace.workspaceFolders?.find((folder) => uri.fsPath === folder.uri.fsPath || uri.fsPath.startsWith(`${folder.uri.fsPath}/`));
  },
  getConfiguration(section: string) {
    return {
      get<T>(key: string, defaultValue?: T): T | undefined {
        const full = `${section}.${key}`;
        return settings.has(full) ? (settings.get(full) as T) : defaultValue;
      },
    };
  },
  onDidChangeConfiguration: configurationEmitter.event,
};

/** Makes a workspace folder for `fsPath`. */
export function folder(fsPath: string, name: string, index = 0): WorkspaceFolder {
  return { uri: Uri.file(fsPath), name, index };
}
