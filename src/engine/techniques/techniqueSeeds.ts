// Seeds of the layers a technique adds: one per added layer, from the run seed and the layer's
// position among the added layers, always a non-negative integer below 2^31.

const STRIDE = 7919;

export function layerSeed(runSeed: number, index: number): number {
  const base = Math.floor(Math.abs(runSeed)) % 2 ** 31;
  return (base + STRIDE * (index + 1)) % 2 ** 31;
}
