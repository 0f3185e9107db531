// The recurrence of one direction of a Keras LSTM on typed arrays: forward pass and its exact
// gradient, no tfjs. Used by fusedLstm.ts (one call per direction; a bidirectional layer makes two).
//
// Input: the input projections of every timestep, proj [batch, time, 4u] = x·W + b per (b, t),
// gates in Keras' order (i, f, c, o); and the recurrent kernel U [u, 4u]. tfjs' LSTMCell:
//   z = x·W + h·U + b,  i = σ(z_i),  f = σ(z_f),  g = tanh(z_c),  o = σ(z_o)
//   c' = f*c + i*g,     h' = o * tanh(c')                               h_0 = c_0 = 0
// with σ = hard_sigmoid(v) = clip(0.5 + 0.2·v, 0, 1) (Keras' and tfjs' formula) or the logistic
// sigmoid. The reverse direction reads t = T-1 … 0 (Keras' go_backwards) and writes each output at
// its input's time index (as Bidirectional reverses the backward layer's sequence back).
// Output: [batch, time, u], or without returnSequences the last state [batch, u].
// A saturated hard_sigmoid (f = 1, i = 0) copies c exactly, so states repeat exactly and max pooling
// sees exact ties, as in tfjs' own LSTM: the formulas keep tfjs' order of float32 operations.
//
// Gradients follow tfjs' op gradients: clip passes the gradient where min ≤ v ≤ max (inclusive),
// tanh' = 1 - y², sigmoid' = y(1 - y). Values are rounded to float32 where tfjs keeps a tensor
// (gates, states); sums run in float64.

import type { GateActivation } from './gruRecurrence';

export type { GateActivation };

export interface LstmDims {
  batch: number;
  time: number;
  units: number;
}

export interface LstmOptions {
  activation: GateActivation;
  returnSequences: boolean;
  /** Run over reversed time (the backward direction of a bidirectional layer). */
  reverse: boolean;
}

export interface LstmGradients {
  /** d loss / d proj [batch, time, 4u]. */
  dProj: Float32Array;
  /** d loss / d U [u, 4u]. */
  dKernel: Float32Array;
}

/** One forward pass of a kernel: the output, and the backward pass that goes with it. */
export interface LstmRun {
  output: Float32Array;
  /** d loss / d output (the output's shape) → the gradients of the projections and the kernel. */
  backward(dy: Float32Array): LstmGradients;
}

/** An implementation of the recurrence: this file's (TypeScript) or the wasm kernel (wasmLstmKernel.ts). */
export interface LstmKernel {
  readonly name: string;
  run(proj: Float32Array, kernel: Float32Array, dims: LstmDims, options: LstmOptions): LstmRun;
}

/** What the backward pass needs from the forward pass. Step-major [step, batch, u]; step s reads input time s (T-1-s reversed). */
interface LstmTape {
  dims: LstmDims;
  options: LstmOptions;
  kernel: Float32Array;
  /** h_0 … h_T and c_0 … c_T: [(time + 1), batch, u]. */
  H: Float32Array;
  C: Float32Array;
  /** Gates i, f, g = tanh(z_c), o, and tanh(c') of each step: [time, batch, u]. */
  I: Float32Array;
  F: Float32Array;
  G: Float32Array;
  O: Float32Array;
  TC: Float32Array;
  /** dσ/dv of i, f, o at each step. */
  IS: Float32Array;
  FS: Float32Array;
  OS: Float32Array;
}

const fround = Math.fround;

/** Keras' hard_sigmoid slope as the float32 scalar tfjs multiplies by. */
const HARD_SLOPE = fround(0.2);

/** σ(v) and dσ/dv, rounded to float32, written at `at`. */
function gate(v: number, activation: GateActivation, out: Float32Array, slope: Float32Array, at: number): void {
  if (activation === 'hardSigmoid') {
    const y = fround(0.5 + fround(HARD_SLOPE * v));
    out[at] = y < 0 ? 0 : y > 1 ? 1 : y;
    slope[at] = y >= 0 && y <= 1 ? HARD_SLOPE : 0;
  } else {
    const s = fround(1 / (1 + Math.exp(-v)));
    out[at] = s;
    slope[at] = fround(s * (1 - s));
  }
}

export function checkLstmInputs(proj: Float32Array, kernel: Float32Array, dims: LstmDims): void {
  const { batch, time, units } = dims;
  if (!(batch >= 1 && time >= 1 && units >= 1)) throw new Error(`LSTM recurrence: batch, time and units must be positive, got ${batch}, ${time}, ${units}`);
  if (proj.length !== batch * time * 4 * units) {
    throw new Error(`LSTM recurrence: projections have ${proj.length} values, expected ${batch}·${time}·${4 * units}`);
  }
  if (kernel.length !== units * 4 * units) throw new Error(`LSTM recurrence: the recurrent kernel has ${kernel.length} values, expected ${units}·${4 * units}`);
}

export function lstmOutputSize(dims: LstmDims, options: LstmOptions): number {
  return options.returnSequences ? dims.batch * dims.time * dims.units : dims.batch * dims.units;
}

/** The forward pass: the output and the tape for lstmBackward. */
function lstmForward(proj: Float32Array, kernel: Float32Array, dims: LstmDims, options: LstmOptions): { output: Float32Array; tape: LstmTape } {
  checkLstmInputs(proj, kernel, dims);
  const { batch, time, units: u } = dims;
  const bu = batch * u;
  const n = time * bu;
  const tape: LstmTape = {
    dims,
    options,
    kernel,
    H: new Float32Array((time + 1) * bu),
    C: new Float32Array((time + 1) * bu),
    I: new Float32Array(n),
    F: new Float32Array(n),
    G: new Float32Array(n),
    O: new Float32Array(n),
    TC: new Float32Array(n),
    IS: new Float32Array(n),
    FS: new Float32Array(n),
    OS: new Float32Array(n),
  };
  const { H, C, I, F, G, O, TC, IS, FS, OS } = tape;
  const { activation, returnSequences, reverse } = options;
  const u4 = 4 * u;
  // Uᵀ [4u, u]: each gate column contiguous.
  const UT = new Float32Array(u4 * u);
  for (let k = 0; k < u; k++) for (let j = 0; j < u4; j++) UT[j * u + k] = kernel[k * u4 + j];
  const output = new Float32Array(lstmOutputSize(dims, options));
  const z = new Float32Array(u4);
  for (let s = 0; s < time; s++) {
    const t = reverse ? time - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const hp = s * bu + b * u; // h, c of this row at step s (and gates at step s)
      const row = (b * time + t) * u4;
      for (let j = 0; j < u4; j++) {
        const jo = j * u;
        let a = 0;
        for (let k = 0; k < u; k++) a += H[hp + k] * UT[jo + k];
        z[j] = fround(proj[row + j] + fround(a));
      }
      const hn = hp + bu;
      const out = returnSequences ? (b * time + t) * u : -1;
      for (let j = 0; j < u; j++) {
        const g = hp + j;
        gate(z[j], activation, I, IS, g);
        gate(z[u + j], activation, F, FS, g);
        gate(z[3 * u + j], activation, O, OS, g);
        const gc = fround(Math.tanh(z[2 * u + j]));
        G[g] = gc;
        const c = fround(fround(F[g] * C[g]) + fround(I[g] * gc));
        C[hn + j] = c;
        const tc = fround(Math.tanh(c));
        TC[g] = tc;
        const h = fround(O[g] * tc);
        H[hn + j] = h;
        if (out >= 0) output[out + j] = h;
      }
    }
  }
  if (!returnSequences) output.set(H.subarray(time * bu, (time + 1) * bu));
  return { output, tape };
}

/** The backward pass: given dy (d loss / d output), the gradients of the projections and the recurrent kernel. */
function lstmBackward(tape: LstmTape, dy: Float32Array): LstmGradients {
  const { dims, options, kernel: U, H, C, I, F, G, O, TC, IS, FS, OS } = tape;
  const { batch, time, units: u } = dims;
  const { returnSequences, reverse } = options;
  if (dy.length !== lstmOutputSize(dims, options)) {
    throw new Error(`LSTM recurrence: the output gradient has ${dy.length} values, expected ${lstmOutputSize(dims, options)}`);
  }
  const u4 = 4 * u;
  const bu = batch * u;
  const dProj = new Float32Array(batch * time * u4);
  const dU = new Float64Array(u * u4);
  let dh = new Float64Array(bu); // d loss / d h_{s+1} from later steps
  let dhPrev = new Float64Array(bu);
  const dc = new Float64Array(bu); // d loss / d c_{s+1} from later steps, updated in place
  if (!returnSequences) for (let i = 0; i < bu; i++) dh[i] = dy[i];
  const dz = new Float64Array(u4);
  for (let s = time - 1; s >= 0; s--) {
    const t = reverse ? time - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const hp = s * bu + b * u;
      const out = (b * time + t) * u;
      for (let j = 0; j < u; j++) {
        const g = hp + j;
        const grad = dh[b * u + j] + (returnSequences ? dy[out + j] : 0);
        const tc = TC[g];
        const dcj = dc[b * u + j] + grad * O[g] * (1 - tc * tc);
        const gc = G[g];
        dz[j] = dcj * gc * IS[g];
        dz[u + j] = dcj * C[g] * FS[g];
        dz[2 * u + j] = dcj * I[g] * (1 - gc * gc);
        dz[3 * u + j] = grad * tc * OS[g];
        dc[b * u + j] = dcj * F[g];
      }
      const row = (b * time + t) * u4;
      for (let j = 0; j < u4; j++) dProj[row + j] = dz[j];
      // h·U: dh_prev = dz·Uᵀ, dU += hᵀ·dz
      for (let k = 0; k < u; k++) {
        const ko = k * u4;
        const hk = H[hp + k];
        let a = 0;
        for (let j = 0; j < u4; j++) {
          a += dz[j] * U[ko + j];
          dU[ko + j] += hk * dz[j];
        }
        dhPrev[b * u + k] = a;
      }
    }
    const swap = dh;
    dh = dhPrev;
    dhPrev = swap;
  }
  return { dProj, dKernel: Float32Array.from(dU) };
}

/** The TypeScript kernel (always available). */
export const typescriptLstmKernel: LstmKernel = {
  name: 'typescript',
  run(proj, kernel, dims, options) {
    const { output, tape } = lstmForward(proj, kernel, dims, options);
    return { output, backward: (dy) => lstmBackward(tape, dy) };
  },
};
