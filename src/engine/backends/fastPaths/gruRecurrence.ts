// The recurrence of a bidirectional Keras GRU (reset_after=False) on typed arrays: forward pass
// and its exact gradient, both directions in one call, no tfjs. Used by fusedBidirectionalGru.ts.
//
// Input: the input projections of every timestep, proj [batch, time, 6u] = per (b, t) the row
// [x·W_f + b_f | x·W_b + b_b], each of gates (z, r, h); and the recurrent kernels U_f, U_b [u, 3u].
// Per direction (the backward one reads t = T-1 … 0), Keras 2's GRUCell (implementation 1):
//   z = σ(x_z + h·U_z),  r = σ(x_r + h·U_r),  h~ = tanh(x_h + (r*h)·U_h)
//   h' = z*h + (1 - z)*h~                                               h_0 = 0
// with σ = hard_sigmoid(v) = clip(0.2·v + 0.5, 0, 1) (Keras' definition) or the logistic sigmoid.
// Keras' form z*h + (1-z)*h~ matters: a saturated z = 1 copies h exactly, so later pooling sees
// exact ties, as in Keras and in tfjs' own GRU.
// Output: [batch, time, 2u] (forward | backward, the backward one at the input's own time index)
// or, without returnSequences, the last state of each direction [batch, 2u].
//
// Gradients follow tfjs' op gradients: clip passes the gradient where min ≤ v ≤ max (inclusive),
// tanh' = 1 - y², sigmoid' = y(1 - y). Values are rounded to float32 where tfjs keeps a tensor
// (gates, states); sums run in float64. Rows of the batch go through the products in blocks of 4
// that share every kernel value loaded (about 4x faster in V8 than one row at a time).

export type GateActivation = 'hardSigmoid' | 'sigmoid';

export interface GruDims {
  batch: number;
  time: number;
  units: number;
}

export interface GruOptions {
  activation: GateActivation;
  returnSequences: boolean;
}

/** What the backward pass needs from the forward pass, per direction (index 0 forward, 1 backward). */
export interface GruTape {
  dims: GruDims;
  options: GruOptions;
  /** The recurrent kernels [u, 3u]. */
  kernels: [Float32Array, Float32Array];
  /** States h_0 … h_T, step-major [(time + 1), batch, u] (step s reads input time s, or T-1-s backward). */
  states: [Float32Array, Float32Array];
  /** z, r, h~ of each step [time, batch, u]. */
  z: [Float32Array, Float32Array];
  r: [Float32Array, Float32Array];
  hh: [Float32Array, Float32Array];
  /** dσ/dv of z and r at each step (hard sigmoid: 0.2 inside the clip, else 0). */
  zSlope: [Float32Array, Float32Array];
  rSlope: [Float32Array, Float32Array];
}

export interface GruGradients {
  /** d loss / d proj [batch, time, 6u]. */
  dProj: Float32Array;
  /** d loss / d U_f and d U_b [u, 3u]. */
  dKernels: [Float32Array, Float32Array];
}

/** One forward pass of a kernel: the layer's output, and the backward pass that goes with it. */
export interface GruRun {
  output: Float32Array;
  /** d loss / d output (the output's shape) → the gradients of the projections and kernels. */
  backward(dy: Float32Array): GruGradients;
}

/** An implementation of the recurrence: this file's (TypeScript) or the wasm kernel (wasmGruKernel.ts). */
export interface GruKernel {
  readonly name: string;
  run(proj: Float32Array, kernels: [Float32Array, Float32Array], dims: GruDims, options: GruOptions): GruRun;
}

const fround = Math.fround;

/** Keras' hard_sigmoid slope as the float32 scalar tfjs multiplies by. */
const HARD_SLOPE = fround(0.2);

function pair(size: number): [Float32Array, Float32Array] {
  return [new Float32Array(size), new Float32Array(size)];
}

/** σ(v) and dσ/dv, rounded to float32. */
function gate(v: number, activation: GateActivation, out: Float32Array, slope: Float32Array, at: number): number {
  if (activation === 'hardSigmoid') {
    const y = fround(fround(HARD_SLOPE * v) + 0.5);
    const inside = y >= 0 && y <= 1;
    out[at] = y < 0 ? 0 : y > 1 ? 1 : y;
    slope[at] = inside ? HARD_SLOPE : 0;
  } else {
    const s = fround(1 / (1 + Math.exp(-v)));
    out[at] = s;
    slope[at] = fround(s * (1 - s));
  }
  return out[at];
}

export function checkGruInputs(proj: Float32Array, kernels: readonly Float32Array[], dims: GruDims): void {
  const { batch, time, units } = dims;
  if (proj.length !== batch * time * 6 * units) {
    throw new Error(`GRU recurrence: projections have ${proj.length} values, expected ${batch}·${time}·${6 * units}`);
  }
  for (const k of kernels) {
    if (k.length !== units * 3 * units) throw new Error(`GRU recurrence: a recurrent kernel has ${k.length} values, expected ${units}·${3 * units}`);
  }
}

/** Rows of the batch processed together: they share each kernel value loaded (4 register accumulators). */
const BLOCK = 4;

/** Kernel offsets of row `i` (0 … BLOCK-1) of the block at b0: rows past the batch repeat its last row. */
function blockRows(b0: number, batch: number): [number, number, number, number] {
  const last = batch - 1;
  return [b0, Math.min(b0 + 1, last), Math.min(b0 + 2, last), Math.min(b0 + 3, last)];
}

/** The kernel transposed: [3u, u], so that a gate's column is contiguous. */
function transposeKernel(U: Float32Array, u: number): Float32Array {
  const u3 = 3 * u;
  const out = new Float32Array(u3 * u);
  for (let k = 0; k < u; k++) for (let j = 0; j < u3; j++) out[j * u + k] = U[k * u3 + j];
  return out;
}

/** The forward pass: the layer's output and the tape for gruBackward. */
export function gruForward(
  proj: Float32Array,
  kernels: [Float32Array, Float32Array],
  dims: GruDims,
  options: GruOptions,
): { output: Float32Array; tape: GruTape } {
  checkGruInputs(proj, kernels, dims);
  const { batch, time, units: u } = dims;
  const bu = batch * u;
  const tape: GruTape = {
    dims,
    options,
    kernels,
    states: pair((time + 1) * bu),
    z: pair(time * bu),
    r: pair(time * bu),
    hh: pair(time * bu),
    zSlope: pair(time * bu),
    rSlope: pair(time * bu),
  };
  const output = new Float32Array(options.returnSequences ? batch * time * 2 * u : batch * 2 * u);
  for (let d = 0; d < 2; d++) {
    forwardDirection(proj, d, tape, output, transposeKernel(kernels[d], u));
    if (!options.returnSequences) {
      const last = tape.states[d];
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < u; j++) output[b * 2 * u + d * u + j] = last[time * bu + b * u + j];
      }
    }
  }
  return { output, tape };
}

function forwardDirection(proj: Float32Array, d: number, tape: GruTape, output: Float32Array, UT: Float32Array): void {
  const { batch, time, units: u } = tape.dims;
  const { activation, returnSequences } = tape.options;
  const H = tape.states[d];
  const Z = tape.z[d];
  const R = tape.r[d];
  const HH = tape.hh[d];
  const ZS = tape.zSlope[d];
  const RS = tape.rSlope[d];
  const u2 = 2 * u;
  const u3 = 3 * u;
  const u6 = 6 * u;
  const bu = batch * u;
  const pre = new Float64Array(BLOCK * u3); // h·U (z, r) and (r*h)·U_h of the block's rows
  const rh = new Float64Array(BLOCK * u); // r*h of the block's rows
  for (let s = 0; s < time; s++) {
    const t = d === 0 ? s : time - 1 - s;
    for (let b0 = 0; b0 < batch; b0 += BLOCK) {
      const rows = Math.min(BLOCK, batch - b0);
      const [r0, r1, r2, r3] = blockRows(b0, batch);
      const h0 = s * bu + r0 * u;
      const h1 = s * bu + r1 * u;
      const h2 = s * bu + r2 * u;
      const h3 = s * bu + r3 * u;
      // h·U_z, h·U_r
      for (let j = 0; j < u2; j++) {
        const jo = j * u;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let k = 0; k < u; k++) {
          const w = UT[jo + k];
          a0 += H[h0 + k] * w;
          a1 += H[h1 + k] * w;
          a2 += H[h2 + k] * w;
          a3 += H[h3 + k] * w;
        }
        pre[j] = a0;
        pre[u3 + j] = a1;
        pre[2 * u3 + j] = a2;
        pre[3 * u3 + j] = a3;
      }
      // z, r, r*h
      for (let i = 0; i < rows; i++) {
        const b = b0 + i;
        const row = (b * time + t) * u6 + d * u3;
        const g = s * bu + b * u;
        const hp = g;
        const p = i * u3;
        for (let j = 0; j < u; j++) {
          gate(fround(proj[row + j] + fround(pre[p + j])), activation, Z, ZS, g + j);
          const r = gate(fround(proj[row + u + j] + fround(pre[p + u + j])), activation, R, RS, g + j);
          rh[i * u + j] = fround(r * H[hp + j]);
        }
      }
      // (r*h)·U_h
      for (let j = 0; j < u; j++) {
        const jo = (u2 + j) * u;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let k = 0; k < u; k++) {
          const w = UT[jo + k];
          a0 += rh[k] * w;
          a1 += rh[u + k] * w;
          a2 += rh[2 * u + k] * w;
          a3 += rh[3 * u + k] * w;
        }
        pre[u2 + j] = a0;
        pre[u3 + u2 + j] = a1;
        pre[2 * u3 + u2 + j] = a2;
        pre[3 * u3 + u2 + j] = a3;
      }
      // h~ and h'
      for (let i = 0; i < rows; i++) {
        const b = b0 + i;
        const row = (b * time + t) * u6 + d * u3;
        const g = s * bu + b * u;
        const hp = g;
        const hn = hp + bu;
        const p = i * u3;
        const out = (b * time + t) * u2 + d * u;
        for (let j = 0; j < u; j++) {
          const hh = fround(Math.tanh(fround(proj[row + u2 + j] + fround(pre[p + u2 + j]))));
          HH[g + j] = hh;
          const z = Z[g + j];
          const h = fround(fround(z * H[hp + j]) + fround(fround(1 - z) * hh));
          H[hn + j] = h;
          if (returnSequences) output[out + j] = h;
        }
      }
    }
  }
}

/**
 * The backward pass: given dy (d loss / d output, the output's shape), the gradients of the
 * projections and of both recurrent kernels.
 */
export function gruBackward(tape: GruTape, dy: Float32Array): GruGradients {
  const { batch, time, units: u } = tape.dims;
  const expected = tape.options.returnSequences ? batch * time * 2 * u : batch * 2 * u;
  if (dy.length !== expected) throw new Error(`GRU recurrence: the output gradient has ${dy.length} values, expected ${expected}`);
  const dProj = new Float32Array(batch * time * 6 * u);
  const dKernels: [Float32Array, Float32Array] = pair(u * 3 * u);
  for (let d = 0; d < 2; d++) backwardDirection(tape, d, dy, dProj, dKernels[d]);
  return { dProj, dKernels };
}

function backwardDirection(tape: GruTape, d: number, dy: Float32Array, dProj: Float32Array, dKernel: Float32Array): void {
  const { batch, time, units: u } = tape.dims;
  const { returnSequences } = tape.options;
  const U = tape.kernels[d];
  const H = tape.states[d];
  const Z = tape.z[d];
  const R = tape.r[d];
  const HH = tape.hh[d];
  const ZS = tape.zSlope[d];
  const RS = tape.rSlope[d];
  const u2 = 2 * u;
  const u3 = 3 * u;
  const u6 = 6 * u;
  const bu = batch * u;
  const dU = new Float64Array(u * u3);
  let dh = new Float64Array(bu); // d loss / d h_{s+1}, from later steps
  let dhPrev = new Float64Array(bu);
  if (!returnSequences) {
    for (let b = 0; b < batch; b++) for (let j = 0; j < u; j++) dh[b * u + j] = dy[b * u2 + d * u + j];
  }
  // Per row of the block: d loss / d pre-activations of z, r, h~; and of r*h. Rows past the
  // batch keep zeros, so that they add nothing to dU.
  const dPre = new Float64Array(BLOCK * u3);
  const dRh = new Float64Array(BLOCK * u);
  for (let s = time - 1; s >= 0; s--) {
    const t = d === 0 ? s : time - 1 - s;
    for (let b0 = 0; b0 < batch; b0 += BLOCK) {
      const rows = Math.min(BLOCK, batch - b0);
      const [r0, r1, r2, r3] = blockRows(b0, batch);
      const g0 = s * bu + r0 * u;
      const g1 = s * bu + r1 * u;
      const g2 = s * bu + r2 * u;
      const g3 = s * bu + r3 * u;
      if (rows < BLOCK) dPre.fill(0);
      // h' = z*h + (1-z)*h~: gradients of z's and h~'s pre-activations, and of h through z*h
      for (let i = 0; i < rows; i++) {
        const b = b0 + i;
        const g = s * bu + b * u;
        const out = (b * time + t) * u2 + d * u;
        const p = i * u3;
        for (let j = 0; j < u; j++) {
          const grad = dh[b * u + j] + (returnSequences ? dy[out + j] : 0);
          const z = Z[g + j];
          const hh = HH[g + j];
          dPre[p + j] = grad * (H[g + j] - hh) * ZS[g + j];
          dPre[p + u2 + j] = grad * (1 - z) * (1 - hh * hh);
          dhPrev[b * u + j] = grad * z;
        }
      }
      // (r*h)·U_h: gradients of r*h and of U_h
      for (let k = 0; k < u; k++) {
        const uo = k * u3 + u2;
        const q0 = fround(R[g0 + k] * H[g0 + k]);
        const q1 = fround(R[g1 + k] * H[g1 + k]);
        const q2 = fround(R[g2 + k] * H[g2 + k]);
        const q3 = fround(R[g3 + k] * H[g3 + k]);
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let j = 0; j < u; j++) {
          const w = U[uo + j];
          const p0 = dPre[u2 + j];
          const p1 = dPre[u3 + u2 + j];
          const p2 = dPre[2 * u3 + u2 + j];
          const p3 = dPre[3 * u3 + u2 + j];
          a0 += p0 * w;
          a1 += p1 * w;
          a2 += p2 * w;
          a3 += p3 * w;
          dU[uo + j] += q0 * p0 + q1 * p1 + q2 * p2 + q3 * p3;
        }
        dRh[k] = a0;
        dRh[u + k] = a1;
        dRh[2 * u + k] = a2;
        dRh[3 * u + k] = a3;
      }
      // r: gradient of its pre-activation; h through r*h
      for (let i = 0; i < rows; i++) {
        const b = b0 + i;
        const g = s * bu + b * u;
        const p = i * u3;
        for (let k = 0; k < u; k++) {
          const dr = dRh[i * u + k];
          dPre[p + u + k] = dr * H[g + k] * RS[g + k];
          dhPrev[b * u + k] += dr * R[g + k];
        }
      }
      // h·U_{z,r}: gradients of h and of U_z, U_r
      for (let k = 0; k < u; k++) {
        const uo = k * u3;
        const x0 = H[g0 + k];
        const x1 = H[g1 + k];
        const x2 = H[g2 + k];
        const x3 = H[g3 + k];
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let j = 0; j < u2; j++) {
          const w = U[uo + j];
          const p0 = dPre[j];
          const p1 = dPre[u3 + j];
          const p2 = dPre[2 * u3 + j];
          const p3 = dPre[3 * u3 + j];
          a0 += p0 * w;
          a1 += p1 * w;
          a2 += p2 * w;
          a3 += p3 * w;
          dU[uo + j] += x0 * p0 + x1 * p1 + x2 * p2 + x3 * p3;
        }
        dhPrev[r0 * u + k] += a0;
        if (rows > 1) dhPrev[r1 * u + k] += a1;
        if (rows > 2) dhPrev[r2 * u + k] += a2;
        if (rows > 3) dhPrev[r3 * u + k] += a3;
      }
      for (let i = 0; i < rows; i++) {
        const row = ((b0 + i) * time + t) * u6 + d * u3;
        const p = i * u3;
        for (let j = 0; j < u3; j++) dProj[row + j] = dPre[p + j];
      }
    }
    const swap = dh;
    dh = dhPrev;
    dhPrev = swap;
  }
  for (let i = 0; i < dU.length; i++) dKernel[i] = dU[i];
}

/** The TypeScript kernel (always available). */
export const typescriptGruKernel: GruKernel = {
  name: 'typescript',
  run(proj, kernels, dims, options) {
    const { output, tape } = gruForward(proj, kernels, dims, options);
    return { output, backward: (dy) => gruBackward(tape, dy) };
  },
};
