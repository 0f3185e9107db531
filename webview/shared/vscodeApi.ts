// The webview side of postMessage: acquireVsCodeApi once, typed send, state persistence.

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

let api: VsCodeApi<unknown> | null = null;

export function vscodeApi<State>(): VsCodeApi<State> {
  if (!api) api = acquireVsCodeApi<unknown>();
  return api as VsCodeApi<State>;
}
