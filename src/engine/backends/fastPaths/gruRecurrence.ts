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
// (gates, states); sums run in float64.

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

const fround = Math.fround;

function pair(size: number): [Float32Array, Float32Array] {
  return [new Float32Array(size), new Float32Array(size)];
}

/** σ(v) and dσ/dv, rounded to float32. */
function gate(v: number, activation: GateActivation, out: Float32Array, slope: Float32Array, at: number): number {
  if (activation === 'hardSigmoid') {
    const y = fround(fround(0.2 * v) + 0.5);
    const inside = y >= 0 && y <= 1;
    out[at] = y < 0 ? 0 : y > 1 ? 1 : y;
    slope[at] = inside ? 0.2 : 0;
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
  const pre = new Float64Array(3 * u);
  const rh = new Float64Array(u);
  for (let d = 0; d < 2; d++) {
    forwardDirection(proj, d, tape, output, pre, rh);
    if (!options.returnSequences) {
      const last = tape.states[d];
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < u; j++) output[b * 2 * u + d * u + j] = last[time * bu + b * u + j];
      }
    }
  }
  return { output, tape };
}

function forwardDirection(proj: Float32Array, d: number, tape: GruTape, output: Float32Array, pre: Float64Array, rh: Float64Array): void {
  const { batch, time, units: u } = tape.dims;
  const { activation, returnSequences } = tape.options;
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
  for (let s = 0; s < time; s++) {
    const t = d === 0 ? s : time - 1 - s;
    for (let b = 0; b < batch; b++) {
      const row = (b * time + t) * u6 + d * u3;
      const hp = s * bu + b * u; // h_{s}
      const hn = hp + bu; // h_{s+1}
      const g = s * bu + b * u;
      // z and r: x_{z,r} + h·U_{z,r}
      for (let j = 0; j < u2; j++) pre[j] = 0;
      for (let k = 0; k < u; k++) {
        const hk = H[hp + k];
        if (hk === 0) continue;
        const uo = k * u3;
        for (let j = 0; j < u2; j++) pre[j] += hk * U[uo + j];
      }
      for (let j = 0; j < u; j++) {
        gate(fround(proj[row + j] + fround(pre[j])), activation, Z, ZS, g + j);
        const r = gate(fround(proj[row + u + j] + fround(pre[u + j])), activation, R, RS, g + j);
        rh[j] = fround(r * H[hp + j]);
      }
      // h~ = tanh(x_h + (r*h)·U_h)
      for (let j = 0; j < u; j++) pre[u2 + j] = 0;
      for (let k = 0; k < u; k++) {
        const rk = rh[k];
        if (rk === 0) continue;
        const uo = k * u3 + u2;
        for (let j = 0; j < u; j++) pre[u2 + j] += rk * U[uo + j];
      }
      const out = (b * time + t) * u2 + d * u;
      for (let j = 0; j < u; j++) {
        const hh = fround(Math.tanh(fround(proj[row + u2 + j] + fround(pre[u2 + j]))));
        HH[g + j] = hh;
        const z = Z[g + j];
        const h = fround(fround(z * H[hp + j]) + fround(fround(1 - z) * hh));
        H[hn + j] = h;
        if (returnSequences) output[out + j] = h;
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
  const dPre = new Float64Array(u3); // d loss / d (pre-activation of z, r, h~) of one row
  const dRh = new Float64Array(u);
  for (let s = time - 1; s >= 0; s--) {
    const t = d === 0 ? s : time - 1 - s;
    for (let b = 0; b < batch; b++) {
      const row = (b * time + t) * u6 + d * u3;
      const hp = s * bu + b * u;
      const g = s * bu + b * u;
      const out = (b * time + t) * u2 + d * u;
      const dhp = dhPrev.subarray(b * u, (b + 1) * u);
      for (let j = 0; j < u; j++) {
        const grad = dh[b * u + j] + (returnSequences ? dy[out + j] : 0);
        const z = Z[g + j];
        const hh = HH[g + j];
        const h = H[hp + j];
        dPre[j] = grad * (h - hh) * ZS[g + j]; // dz → z's pre-activation
        dPre[u2 + j] = grad * (1 - z) * (1 - hh * hh); // dh~ → h~'s pre-activation
        dhp[j] = grad * z;
      }
      // (r*h)·U_h: gradients of r*h and of U_h
      for (let k = 0; k < u; k++) {
        const uo = k * u3 + u2;
        const rhk = R[g + k] * H[hp + k];
        let acc = 0;
        for (let j = 0; j < u; j++) {
          const dp = dPre[u2 + j];
          acc += dp * U[uo + j];
          dU[uo + j] += rhk * dp;
        }
        dRh[k] = acc;
      }
      for (let k = 0; k < u; k++) {
        dPre[u + k] = dRh[k] * H[hp + k] * RS[g + k];
        dhp[k] += dRh[k] * R[g + k];
      }
      // h·U_{z,r}: gradients of h and of U_z, U_r
      for (let k = 0; k < u; k++) {
        const uo = k * u3;
        const hk = H[hp + k];
        let acc = 0;
        for (let j = 0; j < u2; j++) {
          const dp = dPre[j];
          acc += dp * U[uo + j];
          dU[uo + j] += hk * dp;
        }
        dhp[k] += acc;
      }
      for (let j = 0; j < u3; j++) dProj[row + j] = dPre[j];
    }
    const swap = dh;
    dh = dhPrev;
    dhPrev = swap;
  }
  for (let i = 0; i < dU.length; i++) dKernel[i] = dU[i];
}
