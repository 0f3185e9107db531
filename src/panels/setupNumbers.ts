// The numeric fields of the setup form: how each is parsed, its allowed range, and the sentence
// shown when what was typed is not allowed. Pure: used by the validation and the config reducer.

import type { NumberField } from '../protocol/setupPanelProtocol';

interface NumberRule {
  /** The field's name in a sentence. */
  label: string;
  integer: boolean;
  min: number;
  /** True: the value must be strictly greater than min. */
  minExclusive: boolean;
  max: number;
  /** True: the value must be strictly less than max. */
  maxExclusive: boolean;
  /** Appended to the range message: why the range is what it is. */
  why?: string;
}

const RULES: Record<NumberField, NumberRule> = {
  epochs: { label: 'Epochs', integer: true, min: 1, minExclusive: false, max: 1000, maxExclusive: false },
  learningRate: { label: 'Learning rate', integer: false, min: 0, minExclusive: true, max: 1, maxExclusive: false, why: 'fine-tuning uses about 1e-4 to 1e-2' },
  batchSize: { label: 'Batch size', integer: true, min: 1, minExclusive: false, max: 4096, maxExclusive: false },
  loraRank: { label: 'LoRA rank', integer: true, min: 1, minExclusive: false, max: 512, maxExclusive: false },
  loraAlpha: { label: 'LoRA alpha', integer: false, min: 0, minExclusive: true, max: 10000, maxExclusive: false },
  adapterSize: { label: 'Adapter size', integer: true, min: 1, minExclusive: false, max: 4096, maxExclusive: false },
  patience: { label: 'Early-stopping patience', integer: true, min: 0, minExclusive: false, max: 1000, maxExclusive: false, why: '0 turns early stopping off' },
  seed: { label: 'Seed', integer: true, min: 0, minExclusive: false, max: 2147483647, maxExclusive: false },
  weightDecay: { label: 'Weight decay', integer: false, min: 0, minExclusive: false, max: 1, maxExclusive: true },
  warmupRatio: { label: 'Warm-up', integer: false, min: 0, minExclusive: false, max: 1, maxExclusive: true, why: 'a fraction of all steps' },
  clipNorm: { label: 'Gradient clip norm', integer: false, min: 0, minExclusive: false, max: 1e6, maxExclusive: false, why: '0 turns clipping off' },
  validationFraction: { label: 'Validation fraction', integer: false, min: 0, minExclusive: true, max: 0.5, maxExclusive: false, why: 'the best checkpoint is chosen on the validation rows' },
  testFraction: { label: 'Test fraction', integer: false, min: 0, minExclusive: true, max: 0.5, maxExclusive: false, why: 'the final evaluation uses the test rows' },
};

export type ParsedNumber = { ok: true; value: number } | { ok: false; message: string };

export function numberLabel(field: NumberField): string {
  return RULES[field].label;
}

/** Parses what was typed into a field: a number in the field's range, or the sentence that says what is wrong. */
export function parseNumberField(field: NumberField, text: string): ParsedNumber {
  const rule = RULES[field];
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `${rule.label} is empty: enter a number` };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, message: `${rule.label} must be a number` };
  if (rule.integer && !Number.isInteger(value)) return { ok: false, message: `${rule.label} must be a whole number` };
  const why = rule.why ? ` (${rule.why})` : '';
  if (rule.minExclusive ? value <= rule.min : value < rule.min) {
    return { ok: false, message: `${rule.label} must be ${rule.minExclusive ? '>' : '≥'} ${rule.min}${why}` };
  }
  if (rule.maxExclusive ? value >= rule.max : value > rule.max) {
    return { ok: false, message: `${rule.label} must be ${rule.maxExclusive ? '<' : '≤'} ${rule.max}${why}` };
  }
  return { ok: true, value };
}

/** A number as the form shows it (no float noise: 0.0005, not 0.000500000001). */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}
