// FINETUNE_TFJS_FLAGS="NAME=value,NAME=value": TensorFlow.js environment flags for experts and
// experiments (e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64), applied once the backend is chosen.
// In Node tfjs reads no flags from the environment itself. Unknown flags are reported, not fatal.

import * as tf from '@tensorflow/tfjs';

export const TFJS_FLAGS_ENV = 'FINETUNE_TFJS_FLAGS';

function parseValue(raw: string): number | boolean | string {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

/** Applies the flags; returns one line per flag set or ignored, for the run log. */
export function applyTfjsFlags(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  const lines: string[] = [];
  for (const item of value.split(',')) {
    const [name = '', raw = ''] = item.split('=').map((s) => s.trim());
    if (name === '') continue;
    try {
      tf.env().get(name);
    } catch {
      lines.push(`${TFJS_FLAGS_ENV}: unknown flag ${name}, ignored`);
      continue;
    }
    tf.env().set(name, parseValue(raw));
    lines.push(`${TFJS_FLAGS_ENV}: ${name}=${String(parseValue(raw))}`);
  }
  return lines;
}
