// Axis scales for the SVG charts: a value range mapped onto pixels, linear or logarithmic, with
// "nice" tick values (1, 2, 2.5 or 5 times a power of ten) and short tick labels.

export interface Scale {
  /** Pixel position of a value. */
  (value: number): number;
  /** The values ticks are drawn at, inside the domain. */
  ticks: number[];
  /** The domain after rounding out to nice values. */
  domain: [number, number];
  log: boolean;
}

const NICE_STEPS = [1, 2, 2.5, 5, 10];

/** A tick step near `span / count`: 1, 2, 2.5 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = NICE_STEPS.find((s) => s * power >= raw) ?? 10;
  return step * power;
}

/** Removes the float noise of sums like 0.1 + 0.2 from a tick value. */
function clean(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}

/** A range that is never empty: a single value is widened by 10% of itself (or by 1 around 0). */
export function padRange(min: number, max: number): [number, number] {
  if (min < max) return [min, max];
  const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
  return [min - pad, max + pad];
}

/** About `count` nice ticks covering [min, max], rounded outward; the domain is the first to the last tick. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const [lo, hi] = padRange(min, max);
  const step = niceStep(hi - lo, count);
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step * 1e-9 && i < 1000; i++) ticks.push(clean(start + i * step));
  return ticks;
}

/** Powers of ten covering [min, max] (both > 0); with fewer than three decades, 2× and 5× too. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  const decades = hi - lo;
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    const power = 10 ** e;
    for (const m of decades < 3 ? [1, 2, 5] : [1]) {
      const value = clean(m * power);
      if (value >= 10 ** lo && value <= 10 ** hi) ticks.push(value);
    }
  }
  return ticks;
}

/**
 * A scale from the values' range onto [from, to] pixels (from > to for a y axis). Non-finite values
 * are ignored; a log scale ignores values <= 0 and falls back to linear when none is left.
 */
export function makeScale(values: readonly number[], from: number, to: number, options: { log?: boolean; includeZero?: boolean; count?: number } = {}): Scale {
  const finite = values.filter((v) => Number.isFinite(v));
  const positive = finite.filter((v) => v > 0);
  if (options.log && positive.length > 0) {
    const ticks = logTicks(Math.min(...positive), Math.max(...positive));
    const lo = Math.log10(ticks[0]);
    const hi = Math.log10(ticks[ticks.length - 1]);
    const scale = ((value: number) => from + ((Math.log10(value) - lo) / (hi - lo)) * (to - from)) as Scale;
    scale.ticks = ticks;
    scale.domain = [ticks[0], ticks[ticks.length - 1]];
    scale.log = true;
    return scale;
  }
  let min = finite.length > 0 ? Math.min(...finite) : 0;
  let max = finite.length > 0 ? Math.max(...finite) : 1;
  if (options.includeZero) {
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  const ticks = niceTicks(min, max, options.count ?? 5);
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  const scale = ((value: number) => from + ((value - lo) / (hi - lo)) * (to - from)) as Scale;
  scale.ticks = ticks;
  scale.domain = [lo, hi];
  scale.log = false;
  return scale;
}

/** A short tick label: 0.001, 0.25, 12, 1.5k, 20k, 3M, 1e-5. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${clean(value / 1e9)}G`;
  if (abs >= 1e6) return `${clean(value / 1e6)}M`;
  if (abs >= 1e4) return `${clean(value / 1e3)}k`;
  if (abs < 1e-4) return value.toExponential(0).replace('e-', 'e-');
  return String(clean(value));
}
