// The setup panels' device line, host side: one DeviceProbe per extension (so the doctor runs once
// per VS Code session and settings combination), run through runCliCommand with the training
// worker's runtime and settings, and turned into the line for the chosen model.

import * as vscode from 'vscode';
import type { DeviceStatus } from '../protocol/setupPanelProtocol';
import type { DoctorReport } from '../engine/doctor/doctorTypes';
import type { ExtensionServices } from '../host/extensionServices';
import { runCliCommand } from '../host/cliProcess';
import { readEngineSettings } from '../host/engineSettings';
import type { TrainingSettings } from '../host/trainingSettings';
import { DeviceProbe } from './deviceProbe';
import { deviceStatusFor } from './deviceStatus';

const probes = new WeakMap<ExtensionServices, { probe: DeviceProbe; settings: Map<string, TrainingSettings> }>();

/** The settings that change which device the doctor finds. */
export function deviceKey(settings: Pick<TrainingSettings, 'backend' | 'nodePath' | 'allowSoftwareGpu'>): string {
  return JSON.stringify([settings.backend, settings.nodePath, settings.allowSoftwareGpu === true]);
}

function entryFor(services: ExtensionServices): { probe: DeviceProbe; settings: Map<string, TrainingSettings> } {
  let entry = probes.get(services);
  if (!entry) {
    const settings = new Map<string, TrainingSettings>();
    const cliScript = vscode.Uri.joinPath(services.extensionUri, 'dist', 'cli.js').fsPath;
    const probe = new DeviceProbe(async (args, key) => {
      const chosen = settings.get(key) ?? readEngineSettings(services.context);
      const { stdout } = await runCliCommand({ cliScript, settings: chosen }, args);
      return stdout;
    });
    entry = { probe, settings };
    probes.set(services, entry);
  }
  return entry;
}

export function deviceProbeFor(services: ExtensionServices): DeviceProbe {
  return entryFor(services).probe;
}

/** The device line for a model under the current settings (starts the check the first time). */
export function currentDevice(services: ExtensionServices, model: string, modelTitle: string): DeviceStatus {
  const entry = entryFor(services);
  const settings = readEngineSettings(services.context);
  const key = deviceKey(settings);
  entry.settings.set(key, settings);
  const state = entry.probe.stateFor(key);
  if (state.status !== 'ready') return state;
  return deviceStatusFor(state.report, { model, modelTitle, backendSetting: settings.backend });
}

/** A full doctor report ("Check GPU Setup") replaces the quick one of the same settings: open setup panels follow it. */
export function rememberDoctorReport(services: ExtensionServices, settings: Pick<TrainingSettings, 'backend' | 'nodePath' | 'allowSoftwareGpu'>, report: DoctorReport): void {
  entryFor(services).probe.remember(deviceKey(settings), report);
}

export function disposeDeviceProbe(services: ExtensionServices): void {
  probes.get(services)?.probe.dispose();
  probes.delete(services);
}
