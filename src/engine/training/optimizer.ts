// Adam and AdamW (decoupled weight decay) with exact, saveable state. tfjs has no AdamW, and its
// optimizers' state cannot be restored bit-exactly, so the engine uses this one.
//
// Per variable p with gradient g, at step t (1-based), PyTorch semantics:
//   p ← p − lr·wd·p                                  (AdamW only; see below)
//   m ← β1·m + (1 − β1)·g
//   v ← β2·v + (1 − β2)·g²
//   p ← p − lr · (m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + ε)
// Weight decay applies only to variables of rank ≥ 2 (kernels, embeddings), never to rank-0/1
// variables (biases, normalization scales and offsets), as is usual for AdamW fine-tuning.
//
// The step counter t is shared by all variables and advances once per applyGradients call;
// variables without a gradient in a call are left unchanged (their moments too). Moments are
// tf.Variables keyed by the variable's name, created at its first gradient.
//
// applyGradients runs the update as stock tfjs ops (~14 kernels per variable); beginStep hands the
// same step to src/engine/training/applyStep.ts, whose fused kernel (fast path 'fused-adamw',
// src/engine/backends/fastPaths/fusedAdamW.ts) computes the same float32 values in one call.

import * as tf from '@tensorflow/tfjs';
import type { AdamWOptions, AdamWStepPlan, GradientSet, NamedVariable, OptimizerSlot, OptimizerState } from './optimizerTypes';


interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

function checkNumber(name: string, value: number, ok: (v: number) => boolean, rule: string): number {
  if (!Number.isFinite(value) || !ok(value)) throw new Error(`AdamW: ${name} must be ${rule}, got ${value}`);
  return value;
}

function lookUp(grads: GradientSet, key: string): tf.Tensor | undefined {
  return grads instanceof Map ? grads.get(key) : Object.prototype.hasOwnProperty.call(grads, key) ? grads[key] : undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class AdamW {
  private learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private step = 0;
  private readonly moments = new Map<string, Moments>();

  constructor(opts: AdamWOptions) {
    this.learningRate = checkNumber('learningRate', opts.learningRate, (v) => v >= 0, '≥ 0');
    this.beta1 = checkNumber('beta1', opts.beta1 ?? 0.9, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.beta2 = checkNumber('beta2', opts.beta2 ?? 0.999, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.epsilon = checkNumber('epsilon', opts.epsilon ?? 1e-8, (v) => v >= 0, '≥ 0');
    this.weightDecay = checkNumber('weightDecay', opts.weightDecay ?? 0, (v) => v >= 0, '≥ 0');
  }

  setLearningRate(lr: number): void {
    this.learningRate = checkNumber('learningRate', lr, (v) => v >= 0, '≥ 0');
  }

  getLearningRate(): number {
    return this.learningRate;
  }

  /** Steps taken so far. */
  getStep(): number {
    return this.step;
  }

  /**
   * Starts one optimizer step over `vars`: checks the gradients' shapes, creates missing moments,
   * advances the step counter and returns what the update needs (the stock ops below, or the fused
   * kernel of applyStep.ts). Variables without a gradient in `grads` are left out.
   */
  beginStep(vars: readonly NamedVariable[], grads: GradientSet): AdamWStepPlan {
    const found: { name: string; variable: tf.Variable; grad: tf.Tensor }[] = [];
    for (const { name, variable } of vars) {
      const grad = lookUp(grads, name) ?? lookUp(grads, variable.name);
      if (grad === undefined) continue;
      if (!sameShape(grad.shape, variable.shape)) {
        throw new Error(`AdamW: gradient for ${name} has shape [${grad.shape}], variable has [${variable.shape}]`);
      }
      found.push({ name, variable, grad });
    }
    const slots = found.map(({ name, variable }) => this.slotFor(name, variable));
    this.step += 1;
    const t = this.step;
    const lr = this.learningRate;
    const decayRate = lr * this.weightDecay;
    return {
      learningRate: lr,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      biasCorrection1: 1 - Math.pow(this.beta1, t),
      biasCorrection2: 1 - Math.pow(this.beta2, t),
      decayRate,
      entries: found.map((f, i) => ({ ...f, m: slots[i].m, v: slots[i].v, decay: decayRate > 0 && f.variable.rank >= 2 })),
    };
  }

  /** One optimizer step over `vars`, with `grads` looked up by each entry's name. */
  applyGradients(vars: readonly NamedVariable[], grads: GradientSet): void {
    const plan = this.beginStep(vars, grads);
    const { learningRate: lr, biasCorrection1, biasCorrection2 } = plan;
    for (const { variable, grad, m: slotM, v: slotV, decay } of plan.entries) {
      tf.tidy(() => {
        const g = grad.dtype === 'float32' ? grad : tf.cast(grad, 'float32');
        const m = tf.add(tf.mul(slotM, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(slotV, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        slotM.assign(m);
        slotV.assign(v);
        const decayed = decay ? tf.sub(variable, tf.mul(variable, plan.decayRate)) : variable;
        const mHat = tf.div(m, biasCorrection1);
        const vHat = tf.div(v, biasCorrection2);
        const update = tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), this.epsilon));
        variable.assign(tf.sub(decayed, update));
      });
    }
  }

  async getState(): Promise<OptimizerState> {
    const slots: OptimizerSlot[] = [];
    for (const [name, { m, v }] of this.moments) {
      // Copies: a backend may hand out its own storage.
      slots.push({ name, shape: [...m.shape], m: new Float32Array(await m.data()), v: new Float32Array(await v.data()) });
    }
    return {
      step: this.step,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      slots,
    };
  }

  /** Restores the step and the moments (hyperparameters stay those of the constructor). */
  setState(state: OptimizerState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`AdamW: invalid step ${state.step}`);
    for (const slot of state.slots) {
      const size = slot.shape.reduce((a, b) => a * b, 1);
      if (slot.m.length !== size || slot.v.length !== size) {
        throw new Error(`AdamW: moments of ${slot.name} do not match shape [${slot.shape}]`);
      }
    }
    this.disposeMoments();
    for (const slot of state.slots) {
      // tidy frees the temporary tensors; it never disposes variables.
      const moments = tf.tidy(() => ({
        m: tf.variable(tf.tensor(slot.m, slot.shape, 'float32'), false),
        v: tf.variable(tf.tensor(slot.v, slot.shape, 'float32'), false),
      }));
      this.moments.set(slot.name, moments);
    }
    this.step = state.step;
  }

  dispose(): void {
    this.disposeMoments();
  }

  private slotFor(name: string, variable: tf.Variable): Moments {
    const existing = this.moments.get(name);
    if (existing !== undefined) {
      if (!sameShape(existing.m.shape, variable.shape)) {
        throw new Error(`AdamW: saved moments of ${name} have shape [${existing.m.shape}], variable has [${variable.shape}]`);
      }
      return existing;
    }
    const created = tf.tidy(() => ({
      m: tf.variable(tf.zeros(variable.shape, 'float32'), false),
      v: tf.variable(tf.zeros(variable.shape, 'float32'), false),
    }));
    this.moments.set(name, created);
    return created;
  }

  private disposeMoments(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
