// Number and time formats of the dashboard. Pure.

/** A metric value: 4 decimals near 1, fewer for large values, exponent for tiny ones (learning rates). */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const a = Math.abs(value);
  if (a === 0) return '0';
  if (a >= 10000) return Math.round(value).toLocaleString('en');
  if (a >= 100) return value.toFixed(1);
  if (a >= 1) return value.toFixed(3);
  if (a >= 0.001) return value.toFixed(4);
  return value.toExponential(2);
}

/** 42 s · 3 min 05 s · 1 h 02 min */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** 1,234,567 */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : Math.round(n).toLocaleString('en');
}

/** 0.9123 → 91.2% */
export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : '—';
}

/** Examples per second, 3 significant digits. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond) || perSecond <= 0) return '—';
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })} examples/s`;
}

/** The name of a metric as shown: macroF1 → macro-F1. */
export function metricName(name: string): string {
  const names: Record<string, string> = { loss: 'loss', accuracy: 'accuracy', macroF1: 'macro-F1', mae: 'MAE', rmse: 'RMSE', r2: 'R²' };
  return names[name] ?? name;
}
