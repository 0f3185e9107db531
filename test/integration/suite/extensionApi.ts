// Helpers of the integration tests: the activated extension's API, and bounded polling.

import * as vscode from 'vscode';
import type { FineTuneApi } from '../../../src/extension';

export const EXTENSION_ID = 'fine-tune.fine-tune';

function isFineTuneApi(value: unknown): value is FineTuneApi {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.training === 'object' && v.training !== null && typeof v.runsDirFor === 'function' && typeof v.shownRuns === 'function';
}

/** Activates the extension under development (if needed) and returns what `activate` returned. */
export async function fineTuneApi(): Promise<FineTuneApi> {
  const extension = vscode.extensions.getExtension<unknown>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded (extensionDevelopmentPath?)`);
  const exports = extension.isActive ? extension.exports : await extension.activate();
  if (!isFineTuneApi(exports)) throw new Error(`${EXTENSION_ID} did not return its test API from activate()`);
  return exports;
}

/** Polls `probe` every 250 ms until it returns a value other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error: unknown) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
