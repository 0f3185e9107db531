// The four techniques as QuickPick items, with a sentence each.

import type * as vscode from 'vscode';
import type { TechniqueName } from '../../protocol/configTypes';

export interface TechniqueItem extends vscode.QuickPickItem {
  technique: TechniqueName;
}

const TECHNIQUES: { technique: TechniqueName; label: string; detail: string }[] = [
  { technique: 'lora', label: 'LoRA', detail: 'Frozen weights plus small low-rank updates on chosen layers; few trainable parameters, mergeable.' },
  { technique: 'features', label: 'Feature extraction', detail: 'Frozen base, new head; the base runs once, so epochs are fast.' },
  { technique: 'adapter', label: 'Adapter layers', detail: 'Small bottleneck layers inserted after chosen layers; base frozen.' },
  { technique: 'full', label: 'Full fine-tuning', detail: 'Every weight trains, at a low learning rate.' },
];

/** The items, `marked` first and described as `note` (e.g. "current", "default"). */
export function techniqueItems(marked: TechniqueName, note: string): TechniqueItem[] {
  const items = TECHNIQUES.map((t) => ({ ...t, description: t.technique === marked ? note : undefined }));
  return [...items.filter((i) => i.technique === marked), ...items.filter((i) => i.technique !== marked)];
}
