// A one-line Unicode chart of a series, e.g. "█▆▄▃▂▁" for a falling loss.

const BARS = '▁▂▃▄▅▆▇█';

/** One bar per value, scaled between the series' min and max; non-finite values are blanks. */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return ' '.repeat(values.length);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min;
  return values
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (span === 0) return BARS[3];
      return BARS[Math.round(((v - min) / span) * (BARS.length - 1))];
    })
    .join('');
}
