// Learning-rate schedules with linear warmup, Hugging Face transformers semantics
// (get_constant_schedule_with_warmup, get_linear_schedule_with_warmup,
// get_cosine_schedule_with_warmup with num_cycles = 0.5):
//   warmup = ceil(warmupRatio · totalSteps)
//   step < warmup:   base · step / max(1, warmup)             (so step 0 uses 0 when warmup > 0)
//   then constant:   base
//        linear:     base · max(0, (totalSteps − step) / max(1, totalSteps − warmup))
//        cosine:     base · max(0, ½ (1 + cos(π · (step − warmup) / max(1, totalSteps − warmup))))
// `step` is 0-based: the rate used for the (step+1)-th optimizer step.

export type ScheduleName = 'constant' | 'linear' | 'cosine';

export interface ScheduleOptions {
  base: number;
  warmupRatio: number;
  schedule: ScheduleName;
}

export function warmupSteps(totalSteps: number, warmupRatio: number): number {
  return Math.ceil(Math.max(0, warmupRatio) * Math.max(0, totalSteps));
}

export function learningRateAt(step: number, totalSteps: number, opts: ScheduleOptions): number {
  const warmup = warmupSteps(totalSteps, opts.warmupRatio);
  if (step < warmup) return (opts.base * step) / Math.max(1, warmup);
  const decaySteps = Math.max(1, totalSteps - warmup);
  switch (opts.schedule) {
    case 'constant':
      return opts.base;
    case 'linear':
      return opts.base * Math.max(0, (totalSteps - step) / decaySteps);
    case 'cosine': {
      const progress = (step - warmup) / decaySteps;
      return opts.base * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
  }
}
