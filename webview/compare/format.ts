// How the comparison panel writes values. Metric values come from the host's own formatter
// (src/panels/compareFormat.ts, pure), so the panel and its CSV/Markdown exports always agree.

import { formatMetric } from '../../src/panels/compareFormat';

export { formatMetric };

/** A chart value: like a metric value, with an exponent for tiny ones (learning rates). */
export function formatValue(value: number | null | undefined): string {
  return formatMetric(value, 'value');
}

/** 0.934 → 93.4% */
export function formatConfidence(p: number | null): string {
  return p === null || !Number.isFinite(p) ? '' : `${(p * 100).toFixed(1)}%`;
}

/** +3, −2, 0 (a real minus sign). */
export function formatSigned(n: number): string {
  if (n > 0) return `+${n}`;
  if (n < 0) return `\u2212${Math.abs(n)}`;
  return '0';
}
