// How the comparison's values are written in exports (the webview has the same rules). Pure.

import type { MetricFormat } from '../protocol/comparePanelProtocol';

function plain(value: number): string {
  const a = Math.abs(value);
  if (a === 0) return '0';
  if (a >= 10000) return Math.round(value).toLocaleString('en');
  if (a >= 100) return value.toFixed(1);
  if (a >= 1) return value.toFixed(3);
  if (a >= 0.001) return value.toFixed(4);
  return value.toExponential(2);
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** A value of a metrics-table row as shown; '—' when missing. The webview uses this same function. */
export function formatMetric(value: number | null | undefined, format: MetricFormat): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (format) {
    case 'percent':
      return `${(value * 100).toFixed(1)}%`;
    case 'count':
      return Math.round(value).toLocaleString('en');
    case 'duration':
      return duration(value);
    case 'bytes':
      return bytes(value);
    case 'rate':
      return value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(value >= 10 ? 1 : 2);
    case 'value':
      return plain(value);
  }
}
