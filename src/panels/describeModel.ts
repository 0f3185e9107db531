// describeModel(services, config): trainable and total parameters of the models a run with this
// config would train, counted in a forked training worker (the host never loads TensorFlow.js).
// One describer per extension, so counts are cached across panels.

import * as vscode from 'vscode';
import type { TrainConfig } from '../protocol/configTypes';
import type { ExtensionServices } from '../host/extensionServices';
import type { WorkerLaunch } from '../worker/workerClient';
import { zooEnvironment } from '../host/modelZooSettings';
import { readModelZooSettings } from '../host/engineSettings';
import { ModelDescriber, type DescribeOutcome } from './modelDescriber';

const describers = new WeakMap<ExtensionServices, ModelDescriber>();

/**
 * dist/worker.js, run by VS Code's own runtime as plain Node, or by the Node of fineTune.nodePath.
 * It sees the extension's model cache, and is always offline: counting never downloads a model
 * (the panel counts a catalog model only once it is on this machine).
 */
function workerLaunch(services: ExtensionServices): WorkerLaunch {
  const nodePath = vscode.workspace.getConfiguration('fineTune').get<string>('nodePath', '').trim();
  return {
    workerScript: vscode.Uri.joinPath(services.extensionUri, 'dist', 'worker.js').fsPath,
    runAsNode: true,
    ...(nodePath ? { execPath: nodePath } : {}),
    env: { ...zooEnvironment(readModelZooSettings(services.context)), FINETUNE_OFFLINE: '1' },
  };
}

export function modelDescriberFor(services: ExtensionServices): ModelDescriber {
  let describer = describers.get(services);
  if (!describer) {
    describer = new ModelDescriber(() => workerLaunch(services));
    describers.set(services, describer);
  }
  return describer;
}

/** Stops a running count and forgets the cache (when the extension deactivates). */
export function disposeModelDescriber(services: ExtensionServices): void {
  describers.get(services)?.dispose();
  describers.delete(services);
}

/**
 * The counts for `config`, cached under `key` (see describeKey: file fingerprint, model,
 * technique, rank / adapter size, columns). `isWanted` lets a queued count be skipped when the
 * form has moved on before its turn.
 */
export function describeModel(
  services: ExtensionServices,
  config: TrainConfig,
  key: string,
  isWanted?: () => boolean,
): Promise<DescribeOutcome> {
  return modelDescriberFor(services).describe(key, config, isWanted);
}
